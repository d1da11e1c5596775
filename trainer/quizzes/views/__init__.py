"""Quiz pages: taking a quiz (attempts), the question bank (bank), practice and the
wrong-answer notebook (practice), and managing quizzes (quiz_admin)."""

from trainer.quizzes.views import attempts, bank, practice, quiz_admin
from trainer.quizzes.views.blueprint import bp

__all__ = ["attempts", "bank", "bp", "practice", "quiz_admin"]
