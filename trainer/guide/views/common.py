"""What the guide's pages share: whose street's contacts a page shows."""

import sqlalchemy as sa

from trainer.extensions import db
from trainer.org.models import Unit
from trainer.org.scope import street_by_code, street_id_of


def viewer_street(user, code: str | None) -> tuple[Unit | None, list[Unit]]:
    """(the street whose contacts ``user`` sees, the streets they may pick from). A user of
    a street sees that street's; district-wide staff pick one (``?street=CODE``)."""
    own = street_id_of(user)
    if own is not None:
        return db.session.get(Unit, own), []
    if user.role == "worker":
        return None, []
    streets = db.session.scalars(sa.select(Unit).where(
        Unit.level == "street", Unit.active).order_by(Unit.path)).all()
    return street_by_code(code), list(streets)
