"""The blueprint of the learning pages; its routes live in the sibling modules."""

from flask import Blueprint

bp = Blueprint("learning", __name__)
