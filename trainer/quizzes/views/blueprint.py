"""The blueprint of the quiz pages; its routes live in the sibling modules."""

from flask import Blueprint

bp = Blueprint("quizzes", __name__)
