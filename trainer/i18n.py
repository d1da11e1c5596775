"""Locale choice: Simplified Chinese by default, English when the user picks it; the
compiled catalogs checked (and compiled when missing or stale) at start."""

import logging
import os
import tempfile
from pathlib import Path

from flask import Flask, current_app, request

log = logging.getLogger("trainer.i18n")


def select_locale() -> str:
    chosen = request.cookies.get("lang") if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def _stale_catalogs(directories: list[str]) -> list[tuple[Path, Path]]:
    """(.po, .mo) pairs whose .mo is missing or older than its .po."""
    stale = []
    for directory in directories:
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/*.po")):
            mo = po.with_suffix(".mo")
            if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
                stale.append((po, mo))
    return stale


def _compile(po: Path, mo: Path) -> None:
    """Compile ``po`` into ``mo`` as `pybabel compile` does (fuzzy entries left out),
    through a temporary file so that a worker starting at the same time never reads half
    a catalog."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as fh:
        catalog = read_po(fh, locale=po.parent.parent.name)
    handle, tmp = tempfile.mkstemp(dir=mo.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(handle, "wb") as fh:
            write_mo(fh, catalog)
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo)
    except BaseException:
        os.unlink(tmp)
        raise


def ensure_compiled(app: Flask) -> None:
    """Without a compiled catalog Flask-Babel silently falls back to the English msgids:
    compile any missing or stale one now; when that cannot be done, refuse to start in
    production (``STRICT_CATALOGS``) and warn elsewhere."""
    failed = []
    for po, mo in _stale_catalogs(app.extensions["babel"].translation_directories):
        try:
            _compile(po, mo)
            log.info("compiled %s", mo)
        except OSError as exc:  # a read-only install
            failed.append(f"{po} ({exc.strerror or exc})")
    if not failed:
        return
    message = ("Translation catalogs are not compiled and cannot be compiled here: "
               + "; ".join(failed) + ". Run `pybabel compile -d translations` when "
               "installing, or every page is served in English.")
    if app.config.get("STRICT_CATALOGS"):
        raise RuntimeError(message)
    log.warning(message)


# The house style (docs/wording.md): 2026年12月6日 14:00 in Chinese, ISO-like in English.
WHEN_PATTERNS = {
    "zh": {"full": "y年M月d日 HH:mm", "seconds": "y年M月d日 HH:mm:ss", "short": "M月d日 HH:mm",
           "day": "y年M月d日"},
    "en": {"full": "yyyy-MM-dd HH:mm", "seconds": "yyyy-MM-dd HH:mm:ss", "short": "MM-dd HH:mm",
           "day": "yyyy-MM-dd"},
}


def format_when(value, style: str = "full") -> str:
    """A date and time as the pages show it, in the site's zone: ``{{ dt|when }}``,
    ``{{ dt|when('short') }}`` (no year), ``'seconds'`` or ``'day'``. The one date formatter
    of the site: a plain ``date`` or an ISO text (a record item's local day) is shown as a
    day without moving it between zones; outside a request, in Chinese; text that is not a
    date is returned as it is."""
    from datetime import date, datetime

    from flask import has_request_context

    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = (date.fromisoformat(value[:10]) if len(value) <= 10
                     else datetime.fromisoformat(value))
        except ValueError:
            return value
    if not isinstance(value, date):
        return str(value)
    language = "zh"
    if has_request_context():
        from flask_babel import get_locale

        locale = get_locale()
        language = locale.language if locale else "zh"
    patterns = WHEN_PATTERNS.get(language, WHEN_PATTERNS["zh"])
    if not isinstance(value, datetime):
        if language == "en":
            return value.isoformat()
        return f"{value.year}年{value.month}月{value.day}日"
    if not has_request_context():
        from trainer.localtime import local_zone

        local = value.astimezone(local_zone()) if value.tzinfo else value
        if style == "day":
            return f"{local.year}年{local.month}月{local.day}日"
        return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"
    from flask_babel import format_datetime

    return format_datetime(value, patterns[style])


def init_app(app: Flask) -> None:
    from flask_babel import get_locale

    ensure_compiled(app)

    from trainer.domains import FEATURES
    from trainer.org.scope import LEVEL_LABELS, ROLE_LABELS, competency_label

    app.jinja_env.globals.update(
        get_locale=get_locale,
        feature_domains=FEATURES,
        role_label=lambda role: ROLE_LABELS().get(role, role),
        level_label=lambda level: LEVEL_LABELS().get(level, level),
        competency_label=competency_label,
    )
    app.jinja_env.filters["when"] = format_when
