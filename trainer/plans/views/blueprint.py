"""The plans blueprint and the labels its templates share; routes live in the siblings."""

from flask import Blueprint

bp = Blueprint("plans", __name__)


@bp.context_processor
def _labels() -> dict:
    from trainer.plans import labels

    return {"kind_label": labels.kind_label, "half_label": labels.half_label,
            "plan_status_label": labels.status_label,
            "attendance_label": lambda c: labels.ATTENDANCE_LABELS().get(c, c),
            "flag_label": lambda c: labels.FLAG_LABELS().get(c, c),
            "action_label": lambda c: labels.ACTION_LABELS().get(c, c)}
