"""The privacy domain's pages: erasure (one person, in bulk, the district's retention)
and a person's own data."""

from trainer.privacy.views import erase, mine  # noqa: F401  (routes)
from trainer.privacy.views.blueprint import bp

__all__ = ["bp"]
