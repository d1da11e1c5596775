"""Pure logic: half-years, rotating codes, iCalendar text, spreadsheet neutralisation."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from trainer import numbers
from trainer.localtime import local_zone
from trainer.plans import codes, ical
from trainer.plans.halves import Half, half_of, overlaps, period, shift_year
from trainer.spreadsheets import workbook_bytes

LOCAL = local_zone()  # the configured zone (Asia/Shanghai outside an app)

KEY = codes.derive_key("secret-for-tests")
T0 = datetime(2026, 3, 10, 2, 0, 5, tzinfo=UTC)


def test_half_is_counted_in_beijing_time():
    # 30 June 16:30 UTC is already 1 July in Beijing: the second half-year.
    assert half_of(datetime(2026, 6, 30, 16, 30, tzinfo=UTC)) == Half(2026, 2)
    assert half_of(datetime(2026, 6, 30, 15, 59, tzinfo=UTC)) == Half(2026, 1)
    assert half_of(datetime(2025, 12, 31, 16, 0, tzinfo=UTC)) == Half(2026, 1)


def test_half_bounds_next_and_previous():
    h = Half(2026, 2)
    assert h.starts_at == datetime(2026, 7, 1, tzinfo=LOCAL)
    assert h.ends_at == datetime(2027, 1, 1, tzinfo=LOCAL)
    assert h.next() == Half(2027, 1) and h.previous() == Half(2026, 1)
    assert Half(2026, 1).previous() == Half(2025, 2)


@pytest.mark.parametrize("half,expected", [
    (Half(2025, 2), "past"), (Half(2026, 1), "current"), (Half(2026, 2), "next"),
    (Half(2027, 1), "later")])
def test_period_relative_to_now(half, expected):
    assert period(half, T0) == expected


def test_overlap_is_half_open():
    a, b, c = T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2)
    assert overlaps(a, c, b, c + timedelta(hours=1))
    assert not overlaps(a, b, b, c)


def test_shift_year_keeps_local_wall_clock_and_handles_leap_day():
    moment = datetime(2028, 2, 29, 9, 0, tzinfo=LOCAL)
    assert shift_year(moment) == datetime(2029, 2, 28, 9, 0, tzinfo=LOCAL)
    assert shift_year(datetime(2026, 3, 1, 1, 0, tzinfo=UTC)).hour == 9


def test_current_and_previous_codes_are_accepted():
    step = codes.step_at(T0)
    assert codes.check_code(KEY, 7, codes.make_code(KEY, 7, step), T0) is codes.Verdict.OK
    assert codes.check_code(KEY, 7, codes.make_code(KEY, 7, step - 1), T0) is codes.Verdict.OK


def test_code_two_steps_old_is_stale():
    old = codes.make_code(KEY, 7, codes.step_at(T0) - 2)
    assert codes.check_code(KEY, 7, old, T0) is codes.Verdict.STALE
    # A code shown at T0 is still good 30 s later, and stale 60 s later.
    code = codes.make_code(KEY, 7, codes.step_at(T0))
    assert codes.check_code(KEY, 7, code, T0 + timedelta(seconds=30)) is codes.Verdict.OK
    assert codes.check_code(KEY, 7, code, T0 + timedelta(seconds=60)) is codes.Verdict.STALE


@pytest.mark.parametrize("forged", [
    "", "abc", "123", "123-", "99999999999999-x",
    "{step}-AAAAAAAAAAAAAAAA",  # right step, made-up signature
])
def test_forged_codes_are_refused(forged):
    code = forged.format(step=codes.step_at(T0))
    assert codes.check_code(KEY, 7, code, T0) is codes.Verdict.FORGED


def test_code_of_another_session_or_key_or_future_step_is_forged():
    step = codes.step_at(T0)
    assert codes.check_code(KEY, 8, codes.make_code(KEY, 7, step), T0) is codes.Verdict.FORGED
    other = codes.derive_key("another-secret")
    assert codes.check_code(KEY, 7, codes.make_code(other, 7, step), T0) is codes.Verdict.FORGED
    future = codes.make_code(KEY, 7, step + 1)
    assert codes.check_code(KEY, 7, future, T0) is codes.Verdict.FORGED


def test_ical_escapes_and_folds_with_crlf():
    event = ical.Event(uid="s-1@x", starts_at=T0, ends_at=T0 + timedelta(hours=2),
                       summary="调解, 沟通; 演练\\二" + "长" * 40, location="会议室\n三楼")
    text = ical.calendar([event], "培训", T0)
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert "DTSTART:20260310T020005Z" in text
    assert "LOCATION:会议室\\n三楼" in text
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:调解\\, 沟通\\; 演练\\\\二" in unfolded
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75


def test_ical_dtstamp_is_when_the_feed_is_made_last_modified_the_change():
    changed = T0 - timedelta(days=3)
    event = ical.Event(uid="s-1@x", starts_at=T0, ends_at=T0 + timedelta(hours=2),
                       summary="课", modified=changed)
    text = ical.calendar([event], "培训", T0 + timedelta(minutes=1))
    assert "METHOD:PUBLISH" in text
    assert "DTSTAMP:20260310T020105Z" in text
    assert "LAST-MODIFIED:20260307T020005Z" in text


def test_workbook_has_no_formulas():
    data = workbook_bytes([("S", ["=h"], [["=HYPERLINK(\"http://x\")", 2.5, "ok"]])])
    sheet = load_workbook(BytesIO(data))["S"]
    assert sheet["A1"].value == "=h" and sheet["A1"].data_type == "s"
    assert sheet["A2"].value == "=HYPERLINK(\"http://x\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2.5


@pytest.mark.parametrize("text,whole,number", [
    ("12", 12, Decimal("12")), ("１２", 12, Decimal("12")), (" 1.5 ", None, Decimal("1.5")),
    ("²", None, None), ("٣", None, None), ("NaN", None, None), ("sNaN", None, None),
    ("Infinity", None, None), ("1e3", None, None), ("", None, None), (None, None, None),
    ("1234567890", None, None),
])
def test_only_plain_digits_are_numbers(text, whole, number):
    assert numbers.plain_int(text) == whole
    assert numbers.plain_decimal(text) == number


def test_code_with_non_ascii_digits_is_forged():
    assert codes.check_code(KEY, 1, "²-abc", T0) is codes.Verdict.FORGED
    assert codes.check_code(KEY, 1, "١٢٣-abc", T0) is codes.Verdict.FORGED
