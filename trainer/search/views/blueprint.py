"""The blueprint of the search page; its routes live in the sibling modules."""

from flask import Blueprint

bp = Blueprint("search", __name__)
