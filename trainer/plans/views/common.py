"""Helpers shared by the plan and session route modules."""

from dataclasses import dataclass

from flask_login import current_user

from trainer.plans import conflicts
from trainer.plans.models import TrainingSession


@dataclass
class SessionRow:
    session: TrainingSession
    conflicts: list


def session_rows(sessions: list[TrainingSession]) -> list[SessionRow]:
    return [SessionRow(s, conflicts.conflicts_for(current_user, s)) for s in sessions]
