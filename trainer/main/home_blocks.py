"""The home page's blocks: what a user should do next, above the menu.

``home_blocks`` is a registry owned by main (core): a feature domain registers a
``HomeBlock`` from its ``wiring.init_app``. Each block is a callable ``render(user)`` that
answers a rendered partial (``Markup``) or ``None`` when it has nothing to say, and an
``order`` (lower first). Blocks link straight to the action. Keep each one cheap: one or
two statements, no per-item queries (the home page is the most visited page).

Orders in use: 10 continue the course, 11 the open quiz attempt, 12 the unfinished scenario
run (the three make the 「继续」 group), 20 training sessions today and next, 30 my open
required training (assignments), 40 today's practice, the streak and the notebook's
reviews due today (quizzes).
"""

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup

from trainer.registry import Registry


@dataclass(frozen=True)
class HomeBlock:
    order: int
    render: Callable[[object], Markup | str | None]


home_blocks: Registry[HomeBlock] = Registry(
    "main.home_blocks", "Blocks above the home page's menu: key -> HomeBlock(order, render).")


def render_blocks(user) -> list[Markup]:
    """The blocks with something to say for ``user``, in their order."""
    rendered = []
    for block in sorted(home_blocks, key=lambda b: b.order):
        html = block.render(user)
        if html:
            rendered.append(Markup(html))
    return rendered
