"""A minimal iCalendar (RFC 5545) writer for session feeds. Pure: no Flask, no DB."""

from dataclasses import dataclass
from datetime import UTC, datetime

from trainer.localtime import local_zone


@dataclass(frozen=True)
class Event:
    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    location: str = ""
    description: str = ""
    url: str = ""
    modified: datetime | None = None  # LAST-MODIFIED: when the session last changed


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def escape_text(value: str) -> str:
    """Escape a TEXT value: backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            parts.append(current)
            current, size = " ", 1
        current += char
        size += width
    parts.append(current)
    return "\r\n".join(parts)


# Reminders one day and one hour before each session (RFC 5545 VALARM). Some calendar
# apps ignore alarms in subscribed feeds: in-app notifications and e-mail stay the main
# channel (trainer/notifications).
ALARMS = ("-P1D", "-PT1H")


def _alarm_lines(event: Event) -> list[str]:
    lines = []
    for trigger in ALARMS:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(event.summary)}",
                  f"TRIGGER:{trigger}", "END:VALARM"]
    return lines


def _event_lines(event: Event, now: datetime) -> list[str]:
    # With METHOD:PUBLISH, DTSTAMP is when this feed was generated (RFC 5545 3.8.7.2).
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{_utc(now)}",
        f"DTSTART:{_utc(event.starts_at)}",
        f"DTEND:{_utc(event.ends_at)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.modified:
        lines.append(f"LAST-MODIFIED:{_utc(event.modified)}")
    lines.extend(_alarm_lines(event))
    lines.append("END:VEVENT")
    return lines


def calendar(events: list[Event], name: str, now: datetime) -> str:
    """A VCALENDAR holding ``events``, with CRLF line ends and folded lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Grid Trainer//Sessions//ZH",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}",
             f"X-WR-TIMEZONE:{local_zone().key}"]
    for event in events:
        lines.extend(_event_lines(event, now))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
