"""Who produces reminders: each domain registers ``(now) -> int`` (how many notifications
it created) from its wiring; ``services.run_reminders`` runs them all, then e-mails."""

from collections.abc import Callable
from datetime import datetime

from trainer.registry import Registry

Producer = Callable[[datetime], int]

producers: Registry[Producer] = Registry(
    "notifications.producers", "name -> (now) -> notifications created for due reminders")
