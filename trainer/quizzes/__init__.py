"""Question bank, quizzes, timed attempts with autosave, grading, practice and the
wrong-answer notebook (错题本)."""
