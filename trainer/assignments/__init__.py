"""Required training (必修): courses, quizzes and scenarios assigned to an audience by a due
date."""
