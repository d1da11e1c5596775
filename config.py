"""Configuration classes; tests subclass ``Config`` (see tests/conftest.py)."""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


ROLES = ("worker", "trainer", "organiser", "admin")  # as trainer/auth/models.py


def role_list(text: str) -> tuple[str, ...]:
    """``"admin, organiser"`` -> ``("admin", "organiser")``; empty -> ``()``."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret-change-me")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'trainer.sqlite3'}"
    )
    # SQLite: writers queue on a file lock instead of polling (trainer/database.py)
    SQLITE_WRITE_GATE = os.environ.get("SQLITE_WRITE_GATE", "1") != "0"
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # hide_parameters: a database error (logged with its traceback) never shows the values
    # bound to its statement, which may be personal data or a token's hash
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}

    # Sessions: absolute lifetime 12 h (checked per request), cookies locked down.
    SESSION_ABSOLUTE_LIFETIME = timedelta(hours=12)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "gt_session"
    # A worker who signs in by scanning a session's QR code on their own phone may ask to
    # stay signed in between sessions: Flask-Login's remember cookie (id and session
    # version, so logout, a password or role change and deactivation end it), this long.
    REMEMBER_COOKIE_DURATION = timedelta(days=90)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_NAME = "gt_remember"

    # CSRF tokens live as long as the session, so a long exam never loses its form.
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = ("zh_CN", "en")
    # Refuse to start when a catalog is neither compiled nor compilable (trainer/i18n.py).
    STRICT_CATALOGS = False

    # Login throttling: failures within the window before an account/address is refused.
    THROTTLE_WINDOW = timedelta(minutes=15)
    THROTTLE_ACCOUNT_LIMIT = 5
    THROTTLE_ADDRESS_LIMIT = 50
    API_TOKEN_LIFETIME = timedelta(hours=12)
    # Roles that must use a second factor (TOTP); empty: none must (anyone may).
    REQUIRE_SECOND_FACTOR = role_list(os.environ.get("REQUIRE_SECOND_FACTOR", "admin,organiser"))

    # Argon2id parameters (OWASP ASVS 5.0 Appendix C: m >= 19 MiB, t >= 2).
    ARGON2_TIME_COST = 2
    ARGON2_MEMORY_COST = 19 * 1024
    ARGON2_PARALLELISM = 1
    # Generated initial passwords (72 random bits, handed out once) need no slow hash:
    # argon2id at these costs takes ~1 ms; the first login rehashes with the ones above.
    INITIAL_PASSWORD_TIME_COST = 1
    INITIAL_PASSWORD_MEMORY_COST = 1024

    COURSES_DIR = str(BASE_DIR / "courses")
    SCENARIOS_DIR = str(BASE_DIR / "scenarios")
    GUIDE_DIR = str(BASE_DIR / "guide")
    PER_PAGE = 20
    # Background jobs (trainer/jobs/queue.py): the queue is SQLite storage in the instance
    # folder unless JOBS_REDIS_URL (default REDIS_URL) names a Redis; job files (uploads,
    # results) go to JOBS_FOLDER, which the web server and `flask jobs work` must share.
    JOBS_REDIS_URL = os.environ.get("JOBS_REDIS_URL") or None
    JOBS_QUEUE_FILE = os.environ.get("JOBS_QUEUE_FILE") or None
    JOBS_FOLDER = os.environ.get("JOBS_FOLDER") or None
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME") or "grid-trainer"
    JOBS_IMMEDIATE = False
    JOBS_KEEP_DAYS = 7  # then a job's files (its result) are deleted; the row stays
    # A running job's consumer writes a heartbeat every JOBS_BEAT_SECONDS; a job whose
    # heartbeat is older than JOBS_STALE_SECONDS (its process was killed) is failed.
    JOBS_BEAT_SECONDS = float(os.environ.get("JOBS_BEAT_SECONDS") or 30)
    JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS") or 180)
    # A confirmed question import of more questions than this is stored by a job.
    QUESTIONS_IMPORT_JOB_THRESHOLD = 200
    # Trust X-Forwarded-For from this many proxies (0: use the socket address).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    # The right-hand side of calendar event UIDs (session-<id>@<domain>): fixed, so that a
    # feed fetched through another host name or port names the same events (RFC 5545 UID).
    CALENDAR_UID_DOMAIN = os.environ.get("CALENDAR_UID_DOMAIN", "grid-trainer.local")
    # E-mail copies of notifications (trainer/notifications/mail.py): off unless
    # MAIL_SERVER is set. SITE_URL (below) makes their links absolute.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT") or 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = (os.environ.get("MAIL_USE_TLS") or "").lower() in ("1", "true", "yes")
    MAIL_SENDER = os.environ.get("MAIL_SENDER") or "grid-trainer@localhost"
    # Monitoring: "json" writes one JSON object per log line; /metrics answers these
    # addresses (comma list of IPs or CIDRs) or a caller with "Bearer <METRICS_TOKEN>".
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "")
    METRICS_ALLOW = os.environ.get("METRICS_ALLOW", "127.0.0.1,::1")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    # The site's own address, fixed (never taken from a request's Host header): the home
    # page of the xAPI actors' accounts and the base of the activity ids
    # (trainer/records/xapi.py).
    SITE_URL = os.environ.get("SITE_URL", "http://localhost:5000").rstrip("/")
    # A learning record store to send xAPI statements to (``flask records xapi-send``):
    # its address (the base, ".../xAPI" or ".../xAPI/statements") and HTTP Basic
    # credentials. Unset: statements are only downloaded.
    XAPI_LRS_URL = os.environ.get("XAPI_LRS_URL") or None
    XAPI_LRS_USERNAME = os.environ.get("XAPI_LRS_USERNAME", "")
    XAPI_LRS_PASSWORD = os.environ.get("XAPI_LRS_PASSWORD", "")
    # Backups (trainer/privacy/backup.py): the daily job's folder (default
    # instance/backups) and how many of its backups it keeps.
    BACKUP_DIR = os.environ.get("BACKUP_DIR") or None
    BACKUP_KEEP = int(os.environ.get("BACKUP_KEEP", "7"))
    # The erasure ledger, outside the database so a restore re-applies it (default
    # instance/erasures.jsonl): keep it on storage that outlives the database.
    ERASURE_LEDGER = os.environ.get("ERASURE_LEDGER") or None


class DevelopmentConfig(Config):
    DEBUG = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class ProductionConfig(Config):
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    STRICT_CATALOGS = True
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, for the whole
    # site (Path=/) and without Domain, so a sibling subdomain or a plain-HTTP page cannot
    # plant or overwrite the session. Only here: development runs over plain HTTP.
    SESSION_COOKIE_NAME = "__Host-session"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_PATH = "/"
    SESSION_COOKIE_DOMAIN = None
    # Flask-Login's remember-me cookie (set only for a worker who signs in from a session's
    # QR code and ticks "my own phone"), locked the same way. CSRF tokens live in the
    # session, so there is no CSRF cookie.
    REMEMBER_COOKIE_NAME = "__Host-remember_token"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_PATH = "/"
    REMEMBER_COOKIE_DOMAIN = None
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    @classmethod
    def check(cls, app_config) -> None:
        """Refuse to start with DEBUG on or a missing or short SECRET_KEY."""
        if app_config.get("DEBUG"):
            raise RuntimeError("DEBUG must be off in production")
        if len(app_config.get("SECRET_KEY") or "") < 32:
            raise RuntimeError("SECRET_KEY must be set to at least 32 characters in production")
        unknown = set(app_config.get("REQUIRE_SECOND_FACTOR") or ()) - set(ROLES)
        if unknown:  # a typo would silently leave that role without a second factor
            raise RuntimeError(f"REQUIRE_SECOND_FACTOR names unknown roles: {sorted(unknown)}")


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
}
