"""Where a competition and its rounds stand at a given moment. Pure (no Flask, no DB).

The organiser decides the stored status (draft, open, closed, published); the times
decide the rest: an open competition accepts entries until its entry deadline, is
"running" between its start and end, and counts as closed after its end. A round is open
between its own times unless it was closed early (publishing closes every round).
"""

from datetime import datetime, timedelta


def competition_status(comp, now: datetime) -> str:
    """draft, open, running, closed or published."""
    if comp.status != "open":
        return comp.status
    if now < comp.starts_at:
        return "open"
    return "running" if now < comp.ends_at else "closed"


def accepts_entries(comp, now: datetime) -> bool:
    deadline = comp.entry_closes_at or comp.ends_at
    return comp.status == "open" and now < min(deadline, comp.ends_at)


def is_frozen(comp, now: datetime) -> bool:
    """Whether entrants and the public see the table as it stood at the freeze."""
    return comp.status != "published" and comp.freeze_at is not None and now >= comp.freeze_at


def round_closed_at(rnd, now: datetime) -> datetime | None:
    """When the round closed (early or on time), or None while it has not."""
    if rnd.closed_at is not None:
        return min(rnd.closed_at, rnd.closes_at)
    return rnd.closes_at if now >= rnd.closes_at else None


def round_status(rnd, comp, now: datetime) -> str:
    """scheduled, open or closed (a draft competition's rounds stay scheduled)."""
    if round_closed_at(rnd, now) is not None or comp.status in ("closed", "published"):
        return "closed"
    if comp.status == "draft" or now < rnd.opens_at:
        return "scheduled"
    return "open"


def round_deadline(rnd, started: datetime) -> datetime:
    """The server deadline of an attempt or run started at ``started``."""
    end = rnd.closes_at if rnd.closed_at is None else min(rnd.closes_at, rnd.closed_at)
    if rnd.time_limit:
        return min(end, started + timedelta(minutes=rnd.time_limit))
    return end


def appeal_deadline(rnd, comp, now: datetime) -> datetime | None:
    """Until when an entrant may appeal the round: ``appeal_hours`` after it closed, and
    never once results are published. None when no appeal is possible (now or yet)."""
    closed = round_closed_at(rnd, now)
    if closed is None or comp.status == "published":
        return None
    return closed + timedelta(hours=float(comp.appeal_hours or 0))


def may_appeal(rnd, comp, now: datetime) -> bool:
    deadline = appeal_deadline(rnd, comp, now)
    return deadline is not None and now < deadline
