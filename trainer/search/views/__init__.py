"""Search pages: the results page (pages)."""

from trainer.search.views import pages
from trainer.search.views.blueprint import bp

__all__ = ["bp", "pages"]
