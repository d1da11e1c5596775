"""How the search domain plugs into the others (called by the factory): it listens to
``content_changed`` and refreshes the marked documents when the session commits. The
sources themselves are registered by the domains that own them (``search.sources``)."""

import sqlalchemy as sa
from flask import Flask

from trainer import signals
from trainer.extensions import db
from trainer.search import index


def init_app(app: Flask) -> None:
    signals.content_changed.connect(index.mark_changed)
    for name, listener in (("before_commit", index.refresh_marked),
                           ("after_rollback", index.forget_marked)):
        if not sa.event.contains(db.session, name, listener):
            sa.event.listen(db.session, name, listener)
