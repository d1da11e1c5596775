"""Publishing results: close every round, award the honours, issue the certificates.

Publishing is refused while an appeal is open; a second publish returns what the first
awarded. Honours go to every entrant whose rank is within the honour's places (so ties at
the boundary all earn it) and who scored above 0; team honours to the best teams.
"""

import secrets

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.competitions import appeals, audit, services
from trainer.competitions.models import Certificate, Competition, Entry, Honour
from trainer.competitions.standings import board, ranking, redisboard
from trainer.errors import Conflict
from trainer.extensions import db
from trainer.localtime import local_zone
from trainer.models import utcnow
from trainer.org.models import Unit

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud safely


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(12))


def publish(actor, comp: Competition, reason: str = "") -> dict:
    """Close, award and certify (idempotent); returns the honours as the API shows them.
    ``reason`` (optional) is kept with the audit entry."""
    if comp.status == "published":
        return honours_json(comp)
    if comp.status == "draft":
        raise Conflict(_("A draft competition cannot be published."), code="draft")
    if appeals.open_count(comp):
        raise Conflict(_("Resolve every open appeal before publishing."), code="appeals_open")
    now = utcnow()
    comp.status, comp.published_at = "published", now
    comp.closed_at = comp.closed_at or now
    services.close_rounds(comp, now)
    awarded = award_honours(comp)
    for honour in awarded:
        issue_certificate(honour)
    audit.record(comp.id, actor, "publish", {"honours": len(awarded)}, reason)
    redisboard.queue_reset(comp.id)
    return honours_json(comp)


def award_honours(comp: Competition) -> list[Honour]:
    table = board.full_ranking(comp.id)
    awarded = []
    for spec in comp.honours or []:
        if spec.get("team"):
            awarded += _award_teams(comp, spec)
            continue
        places = ranking.honour_places(len(table), spec.get("top"), spec.get("top_percent"))
        for rank, entry_id, key in table:
            if rank <= places and ranking.key_total_centi(key) > 0:
                entry = db.session.get(Entry, entry_id)
                awarded.append(_honour(comp, spec["title"], rank, entry=entry))
    db.session.flush()
    return awarded


def _award_teams(comp: Competition, spec: dict) -> list[Honour]:
    rows = board.team_board(comp, viewer=None)
    places = ranking.honour_places(len(rows), spec.get("top"), spec.get("top_percent"))
    return [_honour(comp, spec["title"], row["rank"], team_id=row["team_id"])
            for row in rows if row["rank"] <= places and row["score"] > 0]


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
