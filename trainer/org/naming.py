"""People told apart on lists: two 张伟 in one table are shown with their grid or community,
and where even that is the same, with a masked username (张伟（w0**12）).

``distinguish`` takes what a list already shows (an id, a name and the place shown beside
it) and answers, for the ids that need one, the masked username to add; it asks the
database only about those, in one statement."""

from collections import Counter
from collections.abc import Iterable

import sqlalchemy as sa

from trainer.extensions import db


def mask_username(username: str) -> str:
    """w0012 → w0*12, zhangwei88 → zh******88: enough to tell two people apart on a
    shared screen, not enough to log in as them."""
    if len(username) <= 3:
        return username[0] + "*" * (len(username) - 1)
    head = 2 if len(username) > 5 else 1
    return username[:head] + "*" * (len(username) - head - 2) + username[-2:]


def distinguish(people: Iterable[tuple[int, str, str | None]]) -> dict[int, str]:
    """{user id: masked username} for the people whose (name, place) is shared with
    someone else on the same list (a person listed twice, as in a table and its street's
    table, is one person); everyone else is told apart by name and place."""
    shown = {uid: (name, place or "") for uid, name, place in people}  # once per person
    counts = Counter(shown.values())
    clash = [uid for uid, key in shown.items() if counts[key] > 1]
    if not clash:
        return {}
    from trainer.auth.models import User

    names = db.session.execute(sa.select(User.id, User.username).where(User.id.in_(clash)))
    return {uid: mask_username(username) for uid, username in names}
