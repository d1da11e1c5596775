"""Imports every API module so its routes join the blueprint; exposes ``bp``."""

from trainer.api import views  # noqa: F401
from trainer.api.core import bp
from trainer.domains import feature_modules

feature_modules("api")  # importing a domain's api.py registers its routes on bp

__all__ = ["bp"]
