"""The local time zone, read one way: every local date, half-year, form time and
calendar of the site is counted in the zone this returns.

It is the app's ``BABEL_DEFAULT_TIMEZONE`` (the zone Flask-Babel shows times in, so pages
and logic agree), Asia/Shanghai unless configured otherwise; outside an app (pure code
run on its own, tests of it) it is Asia/Shanghai.
"""

from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_ZONE = "Asia/Shanghai"


def local_zone() -> ZoneInfo:
    """The configured local zone (ZoneInfo caches one object per name)."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE") if has_app_context() else None
    return ZoneInfo(name or DEFAULT_ZONE)
