"""The competitions blueprint and the helpers its templates share; routes live in the
sibling modules."""

from flask import Blueprint

from trainer.competitions.labels import duration, label

bp = Blueprint("competitions", __name__)


@bp.context_processor
def _helpers() -> dict:
    from trainer.competitions.projector import countdown

    return {"clabel": label, "duration": duration, "countdown": countdown}
