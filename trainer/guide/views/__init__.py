"""Guide pages: the situations and one entry (entries), a street's local contacts
(contacts)."""

from trainer.guide.views import contacts, entries
from trainer.guide.views.blueprint import bp

__all__ = ["bp", "contacts", "entries"]
