"""iCalendar (RFC 5545) text for visits: a calendar of events, written by hand because it is small.

Only what a phone's calendar needs: VCALENDAR with METHOD:PUBLISH, and VEVENTs with UID, SEQUENCE,
STATUS, DTSTAMP, DTSTART/DTEND in UTC, SUMMARY, LOCATION, DESCRIPTION and URL. Lines end in CRLF and
are folded at 75 octets (never inside a UTF-8 character); text values escape backslash, semicolon,
comma and newlines (section 3.3.11).

A visit keeps one UID for its life, and its SEQUENCE grows with every change, so a calendar that
imports the file again updates the event it has (a move) or marks it cancelled (STATUS:CANCELLED).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

PRODID = "-//Regulars//Visits//EN"
EventStatus = Literal["CONFIRMED", "TENTATIVE", "CANCELLED"]
LINE_OCTETS = 75


@dataclass(frozen=True)
class Event:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    status: EventStatus = "CONFIRMED"
    location: str | None = None
    description: str | None = None
    url: str | None = None
    last_modified: datetime | None = None


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every newline written as ``\\n``."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc(at: datetime) -> str:
    """A DATE-TIME in UTC (``20261123T100000Z``); a naive time is refused."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("an iCalendar time needs a time zone")
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded so no physical line exceeds 75 octets: a continuation starts with a
    space (which counts within its 75), and a UTF-8 character is never split."""
    out: list[str] = []
    current = ""
    size = 0
    limit = LINE_OCTETS
    for ch in line:
        width = len(ch.encode())
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, LINE_OCTETS
        current += ch
        size += width
    out.append(current)
    return "\r\n".join(out)


def _lines(event: Event, stamp: datetime) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{escape(event.uid)}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{utc(stamp)}",
        f"DTSTART:{utc(event.start)}",
        f"DTEND:{utc(event.end)}",
        f"STATUS:{event.status}",
        f"SUMMARY:{escape(event.summary)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.last_modified is not None:
        lines.append(f"LAST-MODIFIED:{utc(event.last_modified)}")
    if event.status == "CANCELLED":
        lines.append("TRANSP:TRANSPARENT")  # a cancelled visit holds no time in the client's calendar
    lines.append("END:VEVENT")
    return lines


def calendar(events: Iterable[Event], *, stamp: datetime, name: str | None = None) -> str:
    """A VCALENDAR (METHOD:PUBLISH) of ``events``, stamped ``stamp`` (DTSTAMP: when it was written)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for event in events:
        lines += _lines(event, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
