"""Scenario pages: the player (player) and the trainers' editor (authoring)."""

from trainer.simulation.views import authoring, editor, player
from trainer.simulation.views.blueprint import bp

__all__ = ["authoring", "bp", "editor", "player"]
