"""Helpers shared by the plan and session route modules."""

from dataclasses import dataclass

from flask_login import current_user

from trainer.errors import DomainError
from trainer.extensions import db
from trainer.plans import conflicts
from trainer.plans.models import TrainingSession


@dataclass
class SessionRow:
    session: TrainingSession
    conflicts: list


def session_rows(sessions: list[TrainingSession]) -> list[SessionRow]:
    return [SessionRow(s, conflicts.conflicts_for(current_user, s)) for s in sessions]


def attach_error(form, exc: DomainError) -> int:
    """Undo the request's changes and put the service's message beside its field."""
    db.session.rollback()
    target = getattr(form, exc.extra.get("field", "") or "", None)
    if target is None or not hasattr(target, "errors") or target.name == "csrf_token":
        form.form_errors.append(exc.message)
    else:
        target.errors = [*target.errors, exc.message]
    return exc.status
