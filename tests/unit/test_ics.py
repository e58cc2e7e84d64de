"""The calendar files: RFC 5545 text a phone's calendar reads, checked line by line and parsed back
with an independent parser (the ``icalendar`` package)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.booking import calendar
from regulars.core import appointments as m
from regulars.core import ics
from regulars.core.money import Money
from regulars.salon.model import Catalog, Salon, Service, StaffMember

MADRID = ZoneInfo("Europe/Madrid")
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
START = datetime(2026, 11, 23, 10, 0, tzinfo=MADRID)


def _parse(text: str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(text)


def _catalog() -> Catalog:
    return Catalog(
        salon=Salon(
            id="s1",
            name="Ana; Hair, & Nails\\Co",
            timezone="Europe/Madrid",
            currency="EUR",
            locale="es-ES",
            country="ES",
            address="Calle Mayor 5\n28013 Madrid",
        ),
        services={
            "cut": Service(
                id="cut",
                name="Corte, lavado y peinado",
                duration_minutes=45,
                price=Money(amount=3000, currency="EUR"),
            )
        },
        staff={"maria": StaffMember(id="maria", name="María José", service_ids=["cut"])},
    )


def _visit(**changes: object) -> m.Appointment:
    a = m.Appointment(
        id="a1",
        salon_id="s1",
        client_id="c1",
        client_name="Lucía Fernández",
        staff_id="maria",
        service_id="cut",
        start=START,
        end=START + timedelta(minutes=45),
        status=m.AppointmentStatus.BOOKED,
        price=Money(amount=3000, currency="EUR"),
        source=m.Source.WIDGET,
        created_at=NOW,
        updated_at=NOW,
        history=[m.HistoryEntry(at=NOW, action="booked", by="client")],
    )
    return a.model_copy(update=changes)


def _file(a: m.Appointment) -> str:
    return ics.calendar([calendar.visit_event(_catalog(), a)], stamp=NOW)


def test_a_visit_reads_back_as_one_event_in_utc_at_the_salon():
    text = _file(_visit())
    cal = _parse(text)
    assert str(cal["METHOD"]) == "PUBLISH"
    (event,) = cal.walk("VEVENT")
    assert event["UID"] == "visit-a1@s1.regulars"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 11, 23, 9, 45, tzinfo=UTC)
    assert event.decoded("DTSTAMP") == NOW
    assert str(event["SUMMARY"]) == "Corte, lavado y peinado · María José"
    # escaped on the wire, whole when read: the salon's name and address
    assert str(event["LOCATION"]) == "Ana; Hair, & Nails\\Co, Calle Mayor 5\n28013 Madrid"
    assert "DTSTART:20261123T090000Z\r\n" in text
    assert "LOCATION:Ana\\; Hair\\, & Nails\\\\Co\\, Calle Mayor 5\\n28013 Madrid\r\n" in text


def test_every_line_ends_in_crlf_and_no_line_is_longer_than_75_octets():
    long = _catalog().model_copy(deep=True)
    long.services["cut"].name = "Mechas balayage con matización y tratamiento de keratina, " * 4
    text = ics.calendar([calendar.visit_event(long, _visit())], stamp=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert max(len(line.encode()) for line in lines) <= 75
    assert any(line.startswith(" ") for line in lines)  # the summary was folded
    (event,) = _parse(text).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith(long.services["cut"].name)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=300))
def test_any_text_survives_escaping_and_folding(value):
    line = "SUMMARY:" + ics.escape(value)
    folded = ics.fold(line)
    for physical in folded.split("\r\n"):
        assert len(physical.encode()) <= 75
    assert folded.replace("\r\n ", "") == line  # unfolding gives the line back, no character split
    assert "\r" not in ics.escape(value) and "\n" not in ics.escape(value)


def test_newlines_and_backslashes_are_escaped():
    assert ics.escape("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


def test_a_move_keeps_the_uid_and_raises_the_sequence():
    booked = _visit()
    moved = _visit(
        start=START + timedelta(minutes=15),
        end=START + timedelta(minutes=60),
        history=[
            *booked.history,
            m.HistoryEntry(at=NOW, action="confirmed", by="client"),
            m.HistoryEntry(at=NOW, action="moved", by="client"),
        ],
    )
    (first,) = _parse(_file(booked)).walk("VEVENT")
    (second,) = _parse(_file(moved)).walk("VEVENT")
    assert first["UID"] == second["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.decoded("DTSTART") == datetime(2026, 11, 23, 9, 15, tzinfo=UTC)


def test_a_cancelled_visit_is_a_cancelled_event_with_a_higher_sequence():
    moved = _visit(
        history=[
            m.HistoryEntry(at=NOW, action="booked", by="client"),
            m.HistoryEntry(at=NOW, action="moved", by="client"),
        ]
    )
    cancelled = moved.model_copy(
        update={
            "status": m.AppointmentStatus.CANCELLED,
            "history": [*moved.history, m.HistoryEntry(at=NOW, action="cancelled", by="client")],
        }
    )
    (before,) = _parse(_file(moved)).walk("VEVENT")
    (after,) = _parse(_file(cancelled)).walk("VEVENT")
    assert after["STATUS"] == "CANCELLED"
    assert after["UID"] == before["UID"] and after["SEQUENCE"] == before["SEQUENCE"] + 1


def test_the_staff_event_names_the_client_by_first_name_only():
    event = calendar.staff_event(_catalog(), _visit(), "maria")
    assert event.summary == "Lucía · Corte, lavado y peinado"


def test_a_visit_of_two_services_names_both_and_each_staff_event_its_own_part():
    catalog = _catalog()
    catalog.services["nails"] = Service(
        id="nails", name="Manicura", duration_minutes=30, price=Money(amount=2000, currency="EUR")
    )
    catalog.staff["rosa"] = StaffMember(id="rosa", name="Rosa", service_ids=["nails"])
    end_cut = START + timedelta(minutes=45)
    a = _visit(
        end=end_cut + timedelta(minutes=30),
        segments=[
            m.Segment(
                service_id="cut",
                staff_id="maria",
                start=START,
                end=end_cut,
                price=Money(amount=3000, currency="EUR"),
            ),
            m.Segment(
                service_id="nails",
                staff_id="rosa",
                start=end_cut,
                end=end_cut + timedelta(minutes=30),
                price=Money(amount=2000, currency="EUR"),
            ),
        ],
    )
    (event,) = _parse(ics.calendar([calendar.visit_event(catalog, a)], stamp=NOW)).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Corte, lavado y peinado + Manicura · María José, Rosa"
    rosa = calendar.staff_event(catalog, a, "rosa")
    assert (rosa.summary, rosa.start, rosa.end) == ("Lucía · Manicura", end_cut, a.end)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        ics.utc(datetime(2026, 1, 1, 10, 0))
