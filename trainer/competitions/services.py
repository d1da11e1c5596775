"""Competition use cases: create, edit, open and close, rounds, and entering. Flush, never
commit; every organiser action is written to the audit log (audit.py)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from trainer.auth.models import User
from trainer.competitions import audit, eligibility, phases
from trainer.competitions.kinds.registry import kind_of
from trainer.competitions.models import (
    Competition,
    Entry,
    Round,
    RoundJudge,
    RoundResult,
    ScoreSheet,
)
from trainer.competitions.queries import can_create_in, community_of, entry_of
from trainer.competitions.spec import CompetitionSpec, RoundSpec, bad
from trainer.competitions.standings import redisboard, scoring, tallies
from trainer.errors import Conflict, Forbidden
from trainer.extensions import db
from trainer.models import utcnow
from trainer.org.models import Unit
from trainer.org.scope import (
    district_for,
    in_reach,
    street_by_code,
    street_id_of,
    unit_street_id,
)
from trainer.quizzes.models import Attempt
from trainer.quizzes.services import submit_attempt

FIELDS = ("title", "kind", "description", "starts_at", "ends_at", "entry_closes_at",
          "freeze_at", "team_by", "team_size", "visibility", "visible_top", "appeal_hours",
          "eligibility", "honours")
ENTER_TRIES = 8  # see enter(): under the lock the first try wins


def resolve_street(actor, code: str | None) -> Unit | None:
    """The street a contest belongs to (None: the district), checked against the actor."""
    street = None
    if code:
        street = street_by_code(code)
        if street is None or not in_reach(actor, street.district_id):
            raise bad("street", _("Unknown street code “%(code)s”.", code=code))
    if not can_create_in(actor, street):
        raise Forbidden(_("You may create competitions in your own street only."))
    return street


def create_competition(actor, spec: CompetitionSpec, *, status: str = "open") -> Competition:
    """A competition with its rounds (open at once by default, as the API creates them)."""
    street = resolve_street(actor, spec.street)
    eligibility.check_references(actor, spec.eligibility, street)
    district = district_for(actor, street)
    if district is None:
        raise bad("street", _("Name the street, or create the competition as an organiser "
                              "of its district."))
    comp = Competition(street_id=street.id if street else None, district_id=district,
                       status=status, created_by_id=actor.id,
                       **{name: getattr(spec, name) for name in FIELDS})
    db.session.add(comp)
    db.session.flush()
    for n, rnd in enumerate(spec.rounds, start=1):
        _add_round(actor, comp, rnd, n, prefix=f"rounds[{n - 1}].")
    audit.record(comp.id, actor, "create", {"title": comp.title, "status": status,
                                            "rounds": len(spec.rounds)})
    return comp


def update_competition(actor, comp: Competition, spec: CompetitionSpec, reason: str) -> None:
    """Change the contest's settings (not its street); totals follow if weights changed."""
    if comp.status == "published":
        raise Conflict(_("Published results cannot be changed."))
    eligibility.check_references(actor, spec.eligibility, comp.street)
    changed = {}
    for name in FIELDS:
        if getattr(comp, name) != getattr(spec, name):
            changed[name] = [getattr(comp, name), getattr(spec, name)]
            setattr(comp, name, getattr(spec, name))
    db.session.flush()
    if changed:
        audit.record(comp.id, actor, "edit", changed, reason)
        if {"starts_at", "freeze_at"} & set(changed):
            scoring.refresh_competition(comp)


def add_round(actor, comp: Competition, spec: RoundSpec, reason: str = "") -> Round:
    """Append a round; every entrant's total is recomputed with the new weights."""
    if comp.status in ("closed", "published"):
        raise Conflict(_("Rounds cannot be added to a closed competition."))
    rnd = _add_round(actor, comp, spec, len(comp.rounds) + 1)
    audit.record(comp.id, actor, "round.add", {"n": rnd.n, "title": rnd.title,
                                               "kind": rnd.kind, "weight": rnd.weight}, reason)
    scoring.refresh_competition(comp)
    return rnd


def update_round(actor, rnd: Round, spec: RoundSpec, reason: str) -> None:
    """Change a round's title, weight, times, limit, rubric or judges; what it plays
    (its quiz or scenario, its kind) only while nobody has started it, and its rubric
    only while no judge has scored (old sheets would not fit a new rubric)."""
    comp = rnd.competition
    if comp.status == "published":
        raise Conflict(_("Published results cannot be changed."))
    played = db.session.scalar(sa.select(RoundResult.id).where(
        RoundResult.round_id == rnd.id).limit(1)) is not None
    target = _target(actor, spec, comp.street, "")
    if played and (spec.kind != rnd.kind or target != (rnd.quiz_id, rnd.scenario_id)):
        raise Conflict(_("Entrants have played this round: its quiz or scenario stays."))
    if _rubric(spec.criteria) != _rubric(rnd.criteria) and _has_sheets(rnd):
        raise bad("criteria", _("Judges have already scored this round: its criteria and "
                                "their maximums can no longer change."))
    before = _round_state(rnd)
    rnd.kind, (rnd.quiz_id, rnd.scenario_id) = spec.kind, target
    rnd.title, rnd.weight, rnd.time_limit = spec.title, spec.weight, spec.time_limit
    rnd.opens_at, rnd.closes_at = spec.opens_at, spec.closes_at
    rnd.criteria = spec.criteria
    _set_judges(rnd, spec, comp, "judges")
    db.session.flush()
    after = _round_state(rnd)
    changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit.record(comp.id, actor, "round.edit", {"n": rnd.n, "changed": changed}, reason)
    scoring.refresh_competition(comp)


def _rubric(criteria) -> dict:
    return {c["name"]: float(c["max"]) for c in criteria or []}


def _has_sheets(rnd: Round) -> bool:
    return db.session.scalar(sa.select(ScoreSheet.id).where(
        ScoreSheet.round_id == rnd.id).limit(1)) is not None


def _round_state(rnd: Round) -> dict:
    """What the audit log keeps of a round before and after an edit."""
    return {"title": rnd.title, "kind": rnd.kind, "weight": rnd.weight,
            "opens_at": rnd.opens_at, "closes_at": rnd.closes_at,
            "time_limit": rnd.time_limit, "quiz": rnd.quiz_id, "scenario": rnd.scenario_id,
            "criteria": list(rnd.criteria or []),
            "judges": sorted(j.user.username for j in rnd.judges if j.user is not None)}


def _add_round(actor, comp: Competition, spec: RoundSpec, n: int, prefix: str = "") -> Round:
    quiz_id, scenario_id = _target(actor, spec, comp.street, prefix)
    rnd = Round(competition_id=comp.id, n=n, title=spec.title, kind=spec.kind,
                weight=spec.weight, opens_at=spec.opens_at, closes_at=spec.closes_at,
                time_limit=spec.time_limit, quiz_id=quiz_id, scenario_id=scenario_id,
                criteria=spec.criteria)
    db.session.add(rnd)
    db.session.flush()
    _set_judges(rnd, spec, comp, prefix + "judges")
    db.session.refresh(comp, ["rounds"])
    return rnd


def _target(actor, spec: RoundSpec, street: Unit | None, prefix: str) -> tuple:
    """(quiz id, scenario id) of the round, checked to be usable in the contest's scope."""
    return kind_of(spec.kind).target(actor, spec, street.id if street else None, prefix)


def _set_judges(rnd: Round, spec: RoundSpec, comp: Competition, name: str) -> None:
    """Assign judges: trainers or organisers who can see the competition, each with the
    community they declared (if any)."""
    usernames = spec.judges
    users = {u.username: u for u in db.session.scalars(sa.select(User).where(
        User.username.in_(usernames)))} if usernames else {}
    for username in usernames:
        judge = users.get(username)
        if judge is None or not judge.active or judge.role not in ("trainer", "organiser"):
            raise bad(name, _("“%(name)s” cannot judge: judges are trainers or organisers.",
                              name=username))
        if judge.unit is None or judge.unit.district_id != comp.district_id:
            raise bad(name, _("“%(name)s” works outside this competition's district.",
                              name=username))
        if comp.street_id is not None and street_id_of(judge) not in (None, comp.street_id):
            raise bad(name, _("“%(name)s” works outside this competition's street.",
                              name=username))
    wanted = {users[u].id: _community(spec.judge_communities.get(u), comp, name)
              for u in usernames}
    for judge in list(rnd.judges):
        if judge.user_id not in wanted:
            rnd.judges.remove(judge)
    have = {j.user_id: j for j in rnd.judges}
    for uid, community_id in wanted.items():
        if uid in have:
            have[uid].community_id = community_id
        else:
            rnd.judges.append(RoundJudge(user_id=uid, community_id=community_id))
    db.session.flush()


def _community(code: str | None, comp: Competition, name: str) -> int | None:
    if not code:
        return None
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == code,
                                                   Unit.level == "community"))
    if unit is None or (comp.street_id is not None and unit.street_id != comp.street_id):
        raise bad(name, _("Unknown community code “%(code)s”.", code=code))
    return unit.id


def set_status(actor, comp: Competition, action: str, reason: str = "") -> None:
    """open (a draft) or close (an open contest: every round closes now)."""
    now = utcnow()
    if action == "open" and comp.status == "draft":
        comp.status = "open"
    elif action == "close" and comp.status == "open":
        comp.status, comp.closed_at = "closed", now
        close_rounds(comp, now)
    else:
        raise Conflict(_("This change is not possible in the competition's current state."))
    db.session.flush()
    audit.record(comp.id, actor, action, {"status": comp.status}, reason)


def close_rounds(comp: Competition, now) -> None:
    """Close every round that is still open, and grade attempts left past their deadline."""
    for rnd in comp.rounds:
        if rnd.closed_at is None and rnd.closes_at > now:
            rnd.closed_at = now
    db.session.flush()
    grade_open_attempts(comp)


def grade_open_attempts(comp: Competition) -> int:
    """Grade, as saved, the competition's attempts whose round has closed."""
    now = utcnow()
    closed = [r.id for r in comp.rounds if phases.round_closed_at(r, now) is not None
              or comp.status in ("closed", "published")]
    if not closed:
        return 0
    attempts = list(db.session.scalars(sa.select(Attempt).where(
        Attempt.round_id.in_(closed), Attempt.context == "competition",
        Attempt.submitted_at.is_(None))))
    for attempt in attempts:
        submit_attempt(attempt, reveal=False)
    return len(attempts)


def grade_closed_rounds() -> int:
    """Grade, as saved, every competition attempt whose round has closed (the periodic task
    "grade-closed-rounds" every minute, and ``flask competitions grade-closed``). Each
    competition commits on its own, so a long pass holds no lock for long."""
    from trainer import database

    total = 0
    ids = list(db.session.scalars(sa.select(Competition.id).where(
        Competition.status.in_(("open", "closed")))))
    db.session.commit()
    for comp_id in ids:
        with database.write_transaction():
            comp = db.session.get(Competition, comp_id)
            if comp is not None and comp.status in ("open", "closed"):
                total += grade_open_attempts(comp)
    return total


def enter(user, comp: Competition) -> tuple[Entry, bool]:
    """The worker's entry (True when new). Entering twice, or ten times at once, makes one
    entry, and fifty workers entering at once get fifty numbers, never "busy".

    Concurrency (any number of gunicorn workers and threads): numbers are handed out under
    the competition's row lock (lock_numbers, FOR NO KEY UPDATE on PostgreSQL; SQLite's BEGIN
    IMMEDIATE already serialises writers), taken before the entry is looked for again and
    the highest number read, and held until the request commits. So the next entrant reads
    a number only after the previous one committed its entry: numbers never collide, and a
    second entry of the same worker finds the first. The unique constraints on
    (competition, user) and (competition, number) still decide; should an insert lose to a
    writer that did not take the lock, the savepoint is rolled back and the number drawn
    again (bounded)."""
    found = entry_of(comp.id, user.id)
    if found is not None:
        return found, False
    if user.role != "worker":
        raise Forbidden(_("Only grid workers can enter competitions."), code="not_eligible",
                        unmet=[])
    if not phases.accepts_entries(comp, utcnow()):
        raise Conflict(_("This competition is not accepting entries."), code="entries_closed")
    missing = eligibility.unmet(eligibility.check_rules(user, comp.eligibility))
    if missing:
        raise Forbidden(_("You do not meet the entry rules yet."), code="not_eligible",
                        unmet=missing)
    community = community_of(user.unit)
    key = scoring.initial_key(comp)
    lock_numbers(comp.id)
    for _attempt in range(ENTER_TRIES):
        found = entry_of(comp.id, user.id)
        if found is not None:  # a concurrent request of the same worker entered first
            return found, False
        number = 1 + (db.session.scalar(sa.select(sa.func.max(Entry.number)).where(
            Entry.competition_id == comp.id)) or 0)
        entry = Entry(competition_id=comp.id, user_id=user.id, number=number,
                      street_id=unit_street_id(user.unit),
                      community_id=community.id if community else None,
                      rank_key=key, frozen_rank_key=key)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
        except sa.exc.IntegrityError:
            continue  # an unlocked writer took the number or entered this worker
        for frozen in (False, True):
            tallies.note(comp.id, entry.street_id, frozen, None, 0)
        redisboard.queue_update(entry)
        scoring.board_changed(comp.id)
        return entry, True
    raise Conflict(_("Please try again."), code="busy")


def lock_numbers(comp_id: int) -> None:
    """Take the competition's row lock until commit: entry numbers are drawn under it.
    FOR NO KEY UPDATE: entrants queue on it (as does an organiser's change of the
    competition), while inserts that only reference the competition (their foreign key
    check takes FOR KEY SHARE) pass. Tallies are written at commit, after it, as in every
    transaction that changes the competition, so the locks are taken in one order."""
    db.session.execute(sa.select(Competition.id).where(Competition.id == comp_id)
                       .with_for_update(key_share=True))
