"""What other domains tell learning (registered from their ``wiring.init_app``).

- ``lesson_asides``: name -> ``(user, lesson) -> Markup | None``, a small box shown under
  a lesson (the guide registers "guide": the situations that lesson prepares for).
"""

from collections.abc import Callable

from markupsafe import Markup

from trainer.registry import Registry

lesson_asides: Registry[Callable[[object, object], Markup | None]] = Registry(
    "learning.lesson_asides", "name -> (user, lesson) -> HTML shown under the lesson, or None")


def asides_for(user, lesson) -> list[Markup]:
    """The boxes every registered aside has for this lesson, in registration order."""
    return [html for aside in lesson_asides if (html := aside(user, lesson))]
