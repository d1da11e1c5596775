"""Learning pages: the catalogue and lessons (courses), the trainers' editor (authoring)."""

from trainer.learning.views import authoring, courses
from trainer.learning.views.blueprint import bp

__all__ = ["authoring", "bp", "courses"]
