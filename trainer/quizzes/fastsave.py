"""The API autosave in one statement, for an attempt this app process has saved to before.

An attempt's questions are fixed when it starts (a practice attempt's excepted: it can
lose questions, see practice.withdraw_from_practice), so each process remembers, bounded,
the questions of the attempts it has saved to. A later save to such an attempt is checked
against them in Python and written by one guarded upsert, whose guard holds everything
else the full path's read checks:

- the bearer token, by the rule of ``user_for_token`` (revoking a token, ending the
  sessions or deactivating the account still stops the very next save);
- the token's holder owning the attempt;
- the attempt open and before its deadline (plus the grace period);
- the attempt's start time, so a remembered id never stands for another attempt.

When the upsert writes nothing (the attempt closed, a stale ``seq``, a token no longer
valid, a question not in the attempt, a bad body, ...) the caller takes the full path,
which tells those cases apart and answers as before.

A save and a submit never interleave: on SQLite the statement is an IMMEDIATE transaction
of its own, serialised with the submit's. On PostgreSQL it runs in autocommit, one round
trip, with FOR SHARE on the attempt in its guard: a submit grading the attempt holds it
FOR UPDATE, so the save waits for the submit's commit, then finds the attempt submitted
and writes nothing (409 on the full path); a submit coming after the save's lock waits for
the save's commit and grades its answer.
"""

from datetime import datetime
from functools import cache
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy.engine.interfaces import BindTyping

from trainer.database import begin_immediate
from trainer.extensions import db
from trainer.quizzes.grading import BadAnswer, coerce_answer
from trainer.quizzes.items import QuestionData, from_dict
from trainer.quizzes.models import Attempt
from trainer.quizzes.services import (
    MISSING,
    guarded_upsert,
    seq_ok,
    stored_state,
    upsert_params,
)

LIMIT = 4096  # attempts remembered per process (a contest of a few thousand entrants)

# attempt id -> (its start time, its questions by id); insertion ordered, oldest first
_known: dict[int, tuple[datetime, dict[int, QuestionData]]] = {}


def remember(attempt_id: int, found) -> None:
    """Note the questions of an attempt whose state (``found``: context, started_at,
    questions) the full path has just read for its owner's valid token."""
    if found.context == "practice":
        return
    _known.pop(attempt_id, None)
    if len(_known) >= LIMIT:
        del _known[next(iter(_known))]
    _known[attempt_id] = (found.started_at, {entry["id"]: from_dict(entry["data"])
                                             for entry in found.questions})


def forget_all() -> None:
    _known.clear()


def save(digest: str, attempt_id: int, question_id: int, data: object) -> dict | None:
    """The stored state after a save that one statement could make, or None: then the
    full path must run (it also answers whatever this one cannot tell apart)."""
    known = _known.get(attempt_id)
    if known is None or not isinstance(data, dict):
        return None
    started_at, questions = known
    question = questions.get(question_id)
    raw, seq = data.get("answer", MISSING), data.get("seq")
    if question is None or raw is MISSING or not seq_ok(seq):
        return None
    try:
        value = coerce_answer(question, raw)
    except BadAnswer:
        return None
    params = upsert_params(attempt_id, question_id, value, seq)
    params.update(started_at=started_at, digest=digest, now=params["saved_at"])
    row = _upsert(db.engine, seq is not None, params)
    return None if row is None else stored_state(question_id, row, True)


def _upsert(engine, with_seq: bool, params: dict):
    """The guarded upsert straight through the driver: a third of the save's CPU was
    SQLAlchemy's execution machinery (events, result metadata) around one statement. The
    parameters and the returned row are converted by the columns' own types, as
    SQLAlchemy would. SQLite: an IMMEDIATE transaction of its own, behind the write gate.
    PostgreSQL: autocommit, one round trip."""
    sql, binds, positions, results = _driver_form(engine.dialect, with_seq)
    values = {name: convert(params[name]) if convert else params[name]
              for name, convert in binds}
    if positions:  # a driver taking ``?`` (SQLite)
        values = [values[name] for name in positions]
    conn = engine.raw_connection()  # from the pool; close() returns it (rolled back)
    try:
        raw = conn.dbapi_connection
        if engine.dialect.name == "sqlite":
            begin_immediate(raw)
            rows = raw.execute(sql, values).fetchall()
            raw.commit()
        else:
            raw.autocommit = True
            try:
                with raw.cursor() as cursor:
                    rows = cursor.execute(sql, values).fetchall()
            finally:
                raw.autocommit = False
    finally:
        conn.close()
    if not rows:
        return None
    return SimpleNamespace(**{name: convert(value) if convert else value
                              for (name, convert), value in zip(results, rows[0],
                                                                strict=True)})


@cache
def _driver_form(dialect, with_seq: bool):
    """The statement as the driver takes it: its SQL, its parameters each with its type's
    converter, their names in order for a driver taking ``?`` (else None), and the
    returned columns each with their type's converter."""
    statement = _statement(dialect.name, with_seq)
    compiled = statement.compile(dialect=dialect)
    binds = tuple((name, bind.type.dialect_impl(dialect).bind_processor(dialect))
                  for name, bind in compiled.binds.items())
    results = tuple((column.name, column.type.dialect_impl(dialect)
                     .result_processor(dialect, None)) for column in statement.selected_columns)
    return compiled.string, binds, compiled.positiontup, results


@cache
def _statement(dialect_name: str, with_seq: bool) -> sa.TextClause:
    """The upsert guarded by the token, the owner, the start time and the attempt being
    open; its guard is built from the token rule and compiled once per dialect."""
    from trainer.auth.models import ApiToken
    from trainer.auth.services import token_holds

    attempts = Attempt.__table__
    guard = (sa.select(sa.literal_column("1")).select_from(attempts)
             .where(attempts.c.id == sa.bindparam("attempt_id"),
                    attempts.c.started_at == sa.bindparam("started_at"),
                    attempts.c.submitted_at.is_(None),
                    sa.or_(attempts.c.deadline.is_(None),
                           attempts.c.deadline >= sa.bindparam("cutoff")),
                    token_holds(attempts.c.user_id))
             .with_for_update(read=True, of=attempts))  # FOR SHARE; nothing on SQLite
    dialect = type(db.engine.dialect)(paramstyle="named")
    # :name placeholders without casts: the text statement's typed parameters add them
    dialect.bind_typing = BindTyping.NONE
    sql = str(guard.compile(dialect=dialect))
    return guarded_upsert(
        sql, with_seq,
        sa.bindparam("started_at", type_=attempts.c.started_at.type),
        sa.bindparam("digest", type_=ApiToken.__table__.c.token_hash.type),
        sa.bindparam("now", type_=ApiToken.__table__.c.expires_at.type))
