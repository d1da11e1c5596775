"""The round kinds, by name (the rounds table's ``kind`` column)."""

from trainer.competitions.kinds.base import RoundKind
from trainer.competitions.kinds.judged import JudgedKind
from trainer.competitions.kinds.quiz import QuizKind
from trainer.competitions.kinds.scenario import ScenarioKind

KINDS: dict[str, RoundKind] = {k.name: k for k in (QuizKind(), ScenarioKind(), JudgedKind())}


def kind_of(rnd) -> RoundKind:
    """The kind of a round (or of a round's kind name)."""
    return KINDS[rnd if isinstance(rnd, str) else rnd.kind]
