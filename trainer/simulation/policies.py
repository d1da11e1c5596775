"""What other domains tell simulation (registered from their ``wiring.init_app``).

- ``reveal_policies``: run context -> ``(run) -> bool``, whether a run of that context may
  show its feedback now. Practice runs always do; any other context shows nothing without
  a policy. The competitions domain registers "competition" (once the round has closed).
- ``choice_guards``: name -> ``(run) -> None``, raising a DomainError to refuse a choice.
  The competitions domain registers one that refuses choices after the round's close.
- ``withheld_scenarios``: name -> ``() -> Select`` of the ids of scenarios nobody may
  practise now (practice shows every choice's feedback). The competitions domain registers
  the scenarios of scenario rounds that have not closed.
"""

from collections.abc import Callable

import sqlalchemy as sa

from trainer.registry import Registry

reveal_policies: Registry[Callable[[object], bool]] = Registry(
    "simulation.reveal_policies", "run context -> may the run show its feedback now")
choice_guards: Registry[Callable[[object], None]] = Registry(
    "simulation.choice_guards", "name -> refuses a choice by raising a DomainError")
withheld_scenarios: Registry[Callable[[], sa.Select]] = Registry(
    "simulation.withheld_scenarios", "name -> select of scenario ids withheld from practice")
