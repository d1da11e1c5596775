"""The blueprint of the scenario pages; its routes live in the sibling modules."""

from flask import Blueprint

bp = Blueprint("simulation", __name__)
