"""The competitions blueprint, the helpers its templates share, and the domain's hooks.

Routes live in the sibling modules. The hooks (competition rules in the quizzes and
simulation domains) are installed with the blueprint, as before the views were split.
"""

from flask import Blueprint

from trainer.competitions import hooks
from trainer.competitions.labels import duration, label

bp = Blueprint("competitions", __name__)
hooks.install()


@bp.context_processor
def _helpers() -> dict:
    return {"clabel": label, "duration": duration}
