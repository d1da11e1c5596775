"""The projector view's state: what a venue screen shows, as one small dictionary that the
page renders and its script polls (no held connection: the app runs sync workers)."""

from datetime import datetime

from trainer.competitions import phases
from trainer.competitions.standings import board
from trainer.models import utcnow
from trainer.org.naming import distinguish

TOP = 10
TEAMS = 6
POLL_SECONDS = 5  # the script's polling interval
REFRESH_SECONDS = 30  # the meta refresh when scripts are off


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def projector_state(comp, viewer, now: datetime | None = None) -> dict:
    """The public table (as entrants see it: frozen after the freeze), the round in
    progress with its close, the next round's opening, the freeze, and the teams."""
    now = now or utcnow()
    table = board.leaderboard(comp, viewer, limit=TOP, public=True)
    teams = board.team_table(comp, viewer, public=True)[:TEAMS]
    tags = distinguish((r.user_id, r.name, r.community) for r in table.rows)
    current = next_round = None
    for rnd in sorted(comp.rounds, key=lambda r: (r.opens_at, r.n)):
        status = phases.round_status(rnd, comp, now)
        if status == "open" and current is None:
            closes = rnd.closes_at if rnd.closed_at is None else min(rnd.closes_at,
                                                                      rnd.closed_at)
            current = {"n": rnd.n, "title": rnd.title, "closes_at": _iso(closes)}
        elif status == "scheduled" and next_round is None and comp.status != "draft":
            next_round = {"n": rnd.n, "title": rnd.title, "opens_at": _iso(rnd.opens_at)}
    freeze_ahead = (comp.freeze_at is not None and comp.status != "published"
                    and now < comp.freeze_at)
    return {
        "title": comp.title,
        "now": _iso(now),
        "status": comp.status,
        "hidden": comp.visibility == "own",
        "frozen": bool(table.frozen),
        "freeze_at": _iso(comp.freeze_at) if freeze_ahead else None,
        "round": current,
        "next_round": next_round,
        "entries": [] if comp.visibility == "own" else [
            {"rank": r.rank, "name": r.name + (f"（{tags[r.user_id]}）" if r.user_id in tags
                                               else ""),
             "community": r.community or "", "score": f"{r.score:.2f}"} for r in table.rows],
        "teams": [{"rank": t["rank"], "team": t["team"], "score": f"{t['score']:.2f}"}
                  for t in teams],
    }


def countdown(now_iso: str | None, until_iso: str | None) -> str:
    """「12:34」 or 「1:02:03」 from ``now`` until ``until`` (ISO strings of the state), as
    the script shows it; 0:00 once passed."""
    if not now_iso or not until_iso:
        return ""
    seconds = max(0, int((datetime.fromisoformat(until_iso)
                          - datetime.fromisoformat(now_iso)).total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"
