"""Auth pages: login, logout and one's password (account), user management (admin)."""

from trainer.auth.views import account, admin
from trainer.auth.views.blueprint import bp

__all__ = ["account", "admin", "bp"]
