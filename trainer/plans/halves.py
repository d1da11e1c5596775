"""Half-years in local time (localtime.py: Asia/Shanghai), and interval overlap. No DB."""

from dataclasses import dataclass
from datetime import datetime

from trainer.localtime import local_zone

# Plans exist for these years; times outside them are refused before any time-zone
# arithmetic, which overflows at the edges of the calendar (year 1, year 9999).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_year(text: str | None) -> int | None:
    """The year written in ``text`` (plain digits, FIRST_YEAR..LAST_YEAR), else None."""
    from trainer.numbers import plain_int

    value = plain_int(text)
    return value if value is not None and FIRST_YEAR <= value <= LAST_YEAR else None


@dataclass(frozen=True, order=True)
class Half:
    """The first (January–June) or second (July–December) half of a year, local time."""

    year: int
    half: int

    @property
    def starts_at(self) -> datetime:
        return datetime(self.year, 1 if self.half == 1 else 7, 1, tzinfo=local_zone())

    @property
    def ends_at(self) -> datetime:
        return self.next().starts_at

    def next(self) -> "Half":
        return Half(self.year, 2) if self.half == 1 else Half(self.year + 1, 1)

    def previous(self) -> "Half":
        return Half(self.year, 1) if self.half == 2 else Half(self.year - 1, 2)

    def contains(self, moment: datetime) -> bool:
        return self.starts_at <= moment < self.ends_at


def half_of(moment: datetime) -> Half:
    """The half-year an aware moment falls in, counted in local time."""
    local = moment.astimezone(local_zone())
    return Half(local.year, 1 if local.month <= 6 else 2)


def period(half: Half, now: datetime) -> str:
    """Where ``half`` lies relative to ``now``: past, current, next or later."""
    current = half_of(now)
    if half < current:
        return "past"
    if half == current:
        return "current"
    return "next" if half == current.next() else "later"


def local_to_aware(naive: datetime) -> datetime:
    """A wall-clock time typed into a form, read as local time."""
    return naive.replace(tzinfo=local_zone())


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """True when two half-open intervals [start, end) share a moment."""
    return a_start < b_end and b_start < a_end


def shift_year(moment: datetime, years: int = 1) -> datetime:
    """The same local wall-clock time ``years`` later (29 February becomes the 28th)."""
    local = moment.astimezone(local_zone())
    try:
        return local.replace(year=local.year + years)
    except ValueError:
        return local.replace(year=local.year + years, day=28)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first moment of a local calendar year and of the next one."""
    return Half(year, 1).starts_at, Half(year + 1, 1).starts_at


def in_range(moment: datetime) -> bool:
    """True when ``moment``, as written (any offset), falls in a year plans can have."""
    return FIRST_YEAR <= moment.year <= LAST_YEAR
