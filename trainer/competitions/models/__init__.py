"""The competitions domain's tables, one module per kind of record; imported together so
the metadata knows them all."""

from trainer.competitions.models.appeals import Appeal
from trainer.competitions.models.audit import AuditEntry
from trainer.competitions.models.contest import (
    KINDS,
    STATUSES,
    TEAM_BY,
    VISIBILITY,
    Competition,
    Entry,
    Round,
    RoundJudge,
    RoundResult,
)
from trainer.competitions.models.honours import Certificate, Honour
from trainer.competitions.models.judging import ScoreRevision, ScoreSheet
from trainer.competitions.models.tallies import Tally

__all__ = ["KINDS", "STATUSES", "TEAM_BY", "VISIBILITY", "Appeal", "AuditEntry", "Certificate",
           "Competition", "Entry", "Honour", "Round", "RoundJudge", "RoundResult",
           "ScoreRevision", "ScoreSheet", "Tally"]
