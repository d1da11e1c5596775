"""Competition pages: for entrants, organisers (manage), judges (judge), standings (board)."""

from trainer.competitions.views import board, entrants, judge, manage
from trainer.competitions.views.blueprint import bp

__all__ = ["board", "bp", "entrants", "judge", "manage"]
