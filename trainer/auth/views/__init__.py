"""Auth pages: login, logout and one's password (account), the second factor, user
management (admin)."""

from trainer.auth.views import account, admin, second_factor
from trainer.auth.views.blueprint import bp

__all__ = ["account", "admin", "bp", "second_factor"]
