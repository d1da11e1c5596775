"""The local zone is read one way (trainer/localtime.py): changing the configured zone
moves every local reading together, and outside an app it is Asia/Shanghai."""

from datetime import UTC, datetime

import pytest

from trainer.localtime import local_zone
from trainer.plans import halves, ical

EVENING = datetime(2026, 6, 30, 16, 30, tzinfo=UTC)  # 1 July 00:30 in Beijing


def test_outside_an_app_the_zone_is_beijing_time():
    assert local_zone().key == "Asia/Shanghai"
    assert halves.half_of(EVENING) == halves.Half(2026, 2)
    assert not hasattr(halves, "LOCAL")  # the zone is read one way: local_zone()


@pytest.mark.usefixtures("db_ctx")
def test_the_configured_zone_moves_every_local_reading(app):
    from trainer.competitions import forms, publishing

    assert local_zone().key == app.config["BABEL_DEFAULT_TIMEZONE"] == "Asia/Shanghai"
    assert halves.half_of(EVENING) == halves.Half(2026, 2)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "UTC"
    try:
        assert local_zone().key == "UTC"
        assert halves.half_of(EVENING) == halves.Half(2026, 1)
        assert halves.local_to_aware(datetime(2026, 3, 1, 9)).utcoffset().seconds == 0
        assert forms.iso(datetime(2026, 3, 1, 9)) == "2026-03-01T09:00:00+00:00"
        assert publishing.local_date(EVENING).isoformat() == "2026-06-30"
        assert "X-WR-TIMEZONE:UTC" in ical.calendar([], "课", EVENING)
    finally:
        app.config["BABEL_DEFAULT_TIMEZONE"] = "Asia/Shanghai"


def test_one_formatter_writes_every_date_the_pages_show(app):
    """``|when`` is the site's one date formatter: datetimes in the site's zone, plain dates
    and ISO days as they are (a record's local day never moves), anything else unchanged;
    outside a request (e-mails, jobs) it writes Chinese in the site's zone."""
    from datetime import date

    from trainer.i18n import format_when

    with app.test_request_context():
        assert format_when(EVENING, "day") == "2026年7月1日"
        assert format_when(EVENING) == "2026年7月1日 00:30"
        assert format_when(date(2026, 12, 6), "day") == "2026年12月6日"
        assert format_when("2026-06-30", "day") == "2026年6月30日"
        assert format_when("2026-06-30T16:30:00+00:00", "day") == "2026年7月1日"
        assert format_when("not a date", "day") == "not a date"
        assert format_when(None) == format_when("") == ""
    with app.test_request_context(headers={"Cookie": "lang=en"}):
        assert format_when(date(2026, 12, 6), "day") == "2026-12-06"
    with app.app_context():
        assert format_when(EVENING) == "2026年7月1日 00:30"
        assert format_when(EVENING, "day") == "2026年7月1日"
