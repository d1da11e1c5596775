"""Publishing results: close every round, award the honours, issue the certificates.

Publishing is refused while an appeal is open; a second publish returns what the first
awarded. While anything else is outstanding (a round still open, a judge's sheet missing,
the contest's end not reached) it needs an explicit confirmation. Honours go to every
entrant whose rank is within the honour's places (so ties at the boundary all earn it),
who scored above 0 and at least the honour's ``min_score``; team honours to the best teams.
"""

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import appeals, audit, phases, services
from trainer.competitions.models import Certificate, Competition, Entry, Honour, ScoreSheet
from trainer.competitions.standings import board, ranking, redisboard
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.org.models import Unit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))


def outstanding(comp: Competition, now=None) -> list[dict]:
    """What is not finished yet, as small objects (the API's ``outstanding`` list):
    open appeals, rounds still open, judges' sheets missing, the contest's end not reached.
    A missing sheet names the judge by username and the entrants by number (the API's
    codes) and, for the review page, by name (``judge_name``, ``entrant_names``)."""
    now = now or utcnow()
    items = []
    count = appeals.open_count(comp)
    if count:
        items.append({"kind": "appeals_open", "count": count})
    for rnd in comp.rounds:
        if phases.round_status(rnd, comp, now) == "open":
            items.append({"kind": "round_open", "round": rnd.n})
    entries = list(db.session.scalars(sa.select(Entry).where(Entry.competition_id == comp.id)
                                      .order_by(Entry.number)))
    for rnd in comp.rounds:
        if not rnd.scored_by_judges or not entries:
            continue
        done = set(db.session.execute(sa.select(ScoreSheet.judge_id, ScoreSheet.entry_id)
                                      .where(ScoreSheet.round_id == rnd.id)).tuples())
        for judge in rnd.judges:
            missing = [e for e in entries if (judge.user_id, e.id) not in done]
            if missing:
                items.append({"kind": "sheets_missing", "round": rnd.n,
                              "judge": judge.user.username, "judge_name": judge.user.name,
                              "entrants": [e.number for e in missing],
                              "entrant_names": [e.user.name for e in missing]})
    if comp.status == "open" and now < comp.ends_at:
        items.append({"kind": "contest_not_ended",
                      "ends_at": comp.ends_at.isoformat().replace("+00:00", "Z")})
    return items


def preview_honours(comp: Competition) -> list[dict]:
    """The honours publishing would award now: who, which honour, rank and score; people
    with the same name and community are told apart by a masked username (``tag``)."""
    rows = []
    for title, rank, entry_id, team_id, score in honour_plan(comp):
        if entry_id is not None:
            entry = db.session.get(Entry, entry_id)
            rows.append({"name": entry.user.name, "username": entry.user.username,
                         "user_id": entry.user.id, "place": _place(entry.user),
                         "honour": title, "rank": rank, "score": score})
        else:
            rows.append({"name": db.session.get(Unit, team_id).name, "username": None,
                         "user_id": None, "place": "",
                         "honour": title, "rank": rank, "score": score})
    from trainer.org.naming import distinguish

    tags = distinguish((r["user_id"], r["name"], r["place"]) for r in rows if r["user_id"])
    for row in rows:
        row["tag"] = tags.get(row["user_id"])
    return rows


def _place(user) -> str:
    """The grid's community (or the unit itself) shown beside a person's name."""
    unit = user.unit
    if unit is None:
        return ""
    return unit.parent.name if unit.level == "grid" and unit.parent else unit.name


def publish(actor, comp: Competition, reason: str = "", confirm: bool = False) -> dict:
    """Close, award and certify (idempotent); returns the honours as the API shows them.
    ``reason`` (optional) is kept with the audit entry. Open appeals always refuse (409);
    anything else outstanding refuses unless ``confirm``."""
    if comp.status == "published":
        return honours_json(comp)
    if comp.status == "draft":
        raise Conflict(_("A draft competition cannot be published."), code="draft")
    now = utcnow()
    items = outstanding(comp, now)
    if any(i["kind"] == "appeals_open" for i in items):
        raise Conflict(_("Resolve every open appeal before publishing."), code="appeals_open",
                       outstanding=items)
    if items and not confirm:
        raise Conflict(_("Some results are not ready; review them and confirm to publish."),
                       code="not_ready", outstanding=items)
    comp.status, comp.published_at = "published", now
    comp.closed_at = comp.closed_at or now
    services.close_rounds(comp, now)
    awarded = award_honours(comp)
    for honour in awarded:
        issue_certificate(honour)
    audit.record(comp.id, actor, "publish", {"honours": len(awarded)}, reason)
    redisboard.queue_reset(comp.id)
    return honours_json(comp)


def honour_plan(comp: Competition) -> list[tuple]:
    """(title, rank, entry_id, team_id, score) of every honour the standings earn now."""
    table = board.full_ranking(comp.id)
    plan = []
    for spec in comp.honours or []:
        least = _min_centi(spec)
        if spec.get("team"):
            rows = board.team_board(comp, viewer=None)
            places = ranking.honour_places(len(rows), spec.get("top"), spec.get("top_percent"))
            plan += [(spec["title"], row["rank"], None, row["team_id"], row["score"])
                     for row in rows if row["rank"] <= places and row["score"] > 0
                     and ranking.centi(row["score"]) >= least]
            continue
        places = ranking.honour_places(len(table), spec.get("top"), spec.get("top_percent"))
        for rank, entry_id, key in table:
            total = ranking.key_total_centi(key)
            if rank <= places and total > 0 and total >= least:
                plan.append((spec["title"], rank, entry_id, None, total / 100))
    return plan


def _min_centi(spec: dict) -> int:
    """The honour's minimum score (0..100) in hundredths; 0 when it sets none."""
    return ranking.centi(float(spec.get("min_score") or 0))


def award_honours(comp: Competition) -> list[Honour]:
    awarded = []
    for title, rank, entry_id, team_id, _score in honour_plan(comp):
        entry = db.session.get(Entry, entry_id) if entry_id is not None else None
        awarded.append(_honour(comp, title, rank, entry=entry, team_id=team_id))
    db.session.flush()
    return awarded


def _honour(comp: Competition, title: str, rank: int, *, entry: Entry | None = None,
            team_id: int | None = None) -> Honour:
    honour = Honour(competition_id=comp.id, title=title, rank=rank,
                    entry_id=entry.id if entry else None,
                    user_id=entry.user_id if entry else None, team_unit_id=team_id)
    db.session.add(honour)
    return honour


def holder_unit(entry: Entry | None, team: Unit | None) -> str:
    """The unit printed on a certificate: street and community (or the team's street)."""
    if team is not None:
        return team.street.name if team.street is not None and team.street is not team \
            else team.name
    parts = [u.name for u in (entry.street, entry.community) if u is not None]
    return " ".join(parts) or (entry.user.unit.name if entry.user.unit else "")


def issue_certificate(honour: Honour) -> Certificate:
    db.session.flush()
    entry = db.session.get(Entry, honour.entry_id) if honour.entry_id else None
    team = db.session.get(Unit, honour.team_unit_id) if honour.team_unit_id else None
    comp = db.session.get(Competition, honour.competition_id)
    cert = Certificate(code=new_code(), honour_id=honour.id,
                       holder_name=entry.user.name if entry else team.name,
                       unit_name=holder_unit(entry, team), honour_title=honour.title,
                       competition_title=comp.title,
                       issued_on=local_date(comp.published_at or utcnow()))
    db.session.add(cert)
    db.session.flush()
    return cert


def local_date(moment):
    return moment.astimezone(local_zone()).date()


def honours_of(comp_id: int) -> list[Honour]:
    return list(db.session.scalars(sa.select(Honour).where(Honour.competition_id == comp_id)
                                   .order_by(Honour.title, Honour.rank, Honour.id)))


def honours_json(comp: Competition) -> dict:
    people, teams = [], []
    for honour in honours_of(comp.id):
        code = honour.certificate.code if honour.certificate else None
        if honour.entry_id is not None:
            people.append({"username": honour.user.username if honour.user else None,
                           "name": honour.user.name if honour.user else None,
                           "honour": honour.title, "rank": honour.rank, "certificate": code})
        else:
            teams.append({"team": honour.team_unit.name, "honour": honour.title,
                          "rank": honour.rank, "certificate": code})
    return {"honours": people, "team_honours": teams}


def certificate_by_code(code: str) -> Certificate | None:
    code = (code or "").strip().upper()
    if not code or len(code) > 20:
        return None
    return db.session.scalar(sa.select(Certificate).where(Certificate.code == code))
