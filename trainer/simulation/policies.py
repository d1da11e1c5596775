"""What other domains tell simulation (registered from their ``wiring.init_app``).

- ``reveal_policies``: run context -> ``(run) -> bool``, whether a run of that context may
  show its feedback now. Practice runs always do; any other context shows nothing without
  a policy. The competitions domain registers "competition" (once the round has closed).
- ``choice_guards``: name -> ``(run) -> None``, raising a DomainError to refuse a choice.
  The competitions domain registers one that refuses choices after the round's close.
- ``debrief_asides``: name -> ``(user, run) -> Markup | None``, a small box shown with a
  finished run's debrief (the guide registers "guide": the situations the scenario is
  about).
- ``withheld_scenarios``: name -> ``() -> Select`` of the ids of scenarios nobody may
  practise now (practice shows every choice's feedback). The competitions domain registers
  the scenarios of scenario rounds that have not closed.
"""

from collections.abc import Callable

import sqlalchemy as sa
from markupsafe import Markup

from trainer.registry import Registry

reveal_policies: Registry[Callable[[object], bool]] = Registry(
    "simulation.reveal_policies", "run context -> may the run show its feedback now")
choice_guards: Registry[Callable[[object], None]] = Registry(
    "simulation.choice_guards", "name -> refuses a choice by raising a DomainError")
withheld_scenarios: Registry[Callable[[], sa.Select]] = Registry(
    "simulation.withheld_scenarios", "name -> select of scenario ids withheld from practice")
debrief_asides: Registry[Callable[[object, object], Markup | None]] = Registry(
    "simulation.debrief_asides", "name -> (user, run) -> HTML shown with the debrief, or None")


def debrief_asides_for(user, run) -> list[Markup]:
    """The boxes every registered aside has for this finished run, in registration order."""
    return [html for aside in debrief_asides if (html := aside(user, run))]
