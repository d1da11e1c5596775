"""Plan pages: yearly plans (plans), their sessions (sessions), QR sign-in (signin)."""

from trainer.plans.views import plans, sessions, signin
from trainer.plans.views.blueprint import bp

__all__ = ["bp", "plans", "sessions", "signin"]
