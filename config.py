"""Configuration classes; tests subclass ``Config`` (see tests/conftest.py)."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'trainer.sqlite3'}"
    )
    REDIS_URL = os.environ.get("REDIS_URL") or None
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions: absolute lifetime 12 h (checked per request), cookies locked down.
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "gt_session"

    # CSRF tokens live as long as the session, so a long exam never loses its form.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh_CN", "en")

    # Login throttling: failures within the window before an account/address is refused.
    THROTTLE_WINDOW = timedelta(minutes=15)
    THROTTLE_ACCOUNT_LIMIT = 5
    THROTTLE_ADDRESS_LIMIT = 50
    API_TOKEN_LIFETIME = timedelta(hours=12)

    # Argon2id parameters (OWASP ASVS 5.0 Appendix C: m >= 19 MiB, t >= 2).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1

    COURSES_DIR = str(BASE_DIR / "courses")
    SCENARIOS_DIR = str(BASE_DIR / "scenarios")
    GUIDE_DIR = str(BASE_DIR / "guide")
    PER_PAGE = 20
    # Trust X-Forwarded-For from this many proxies (0: use the socket address).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))


class DevelopmentConfig(Config):
    DEBUG = False
    SESSION_COOKIE_SECURE = False


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")

    @classmethod
    def check(cls, app_config) -> None:
        """Refuse to start with DEBUG on or a missing or short SECRET_KEY."""
        if app_config.get("DEBUG"):
            raise RuntimeError("DEBUG must be off in production")
        if len(app_config.get("SECRET_KEY") or "") < 32:
            raise RuntimeError("SECRET_KEY must be set to at least 32 characters in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}
