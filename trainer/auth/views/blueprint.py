"""The blueprint of the auth pages; its routes live in the sibling modules."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
