"""The blueprint of the guide pages; its routes live in the sibling modules."""

from flask import Blueprint

from trainer.guide.catalogue import contact_kind_label, hotline_label

bp = Blueprint("guide", __name__)


@bp.context_processor
def _labels() -> dict:
    return {"hotline_label": hotline_label, "contact_kind_label": contact_kind_label}
