"""Reading an export's cells: dates in the formats exports use, amounts in any notation, consent words."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from regulars.imports.presets import PRESETS, Field, Kind, guess
from regulars.imports.rows import Settings, parse_amount, parse_consent, parse_date, read, visit_id


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2025-03-14", True, (date(2025, 3, 14), None)),
        ("2025-03-14T10:30:00", True, (date(2025, 3, 14), time(10, 30))),
        ("14.03.2025 10:30", False, (date(2025, 3, 14), time(10, 30))),  # dotted: always day first
        ("03/04/2025", True, (date(2025, 4, 3), None)),
        ("03/04/2025", False, (date(2025, 3, 4), None)),
        ("14 Mar 2025", True, (date(2025, 3, 14), None)),
        ("Oct 2, 2025 2:30 PM", True, (date(2025, 10, 2), time(14, 30))),
        ("2 октября 2025", True, (date(2025, 10, 2), None)),
        ("14.03.25", True, (date(2025, 3, 14), None)),
        ("31.02.2025", True, None),
        ("14.03.2025 25:00", True, None),
        ("tomorrow", True, None),
        ("", True, None),
    ],
)
def test_dates_are_read_in_the_formats_exports_use(text, day_first, expected):
    assert parse_date(text, day_first) == expected


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("1 500,00 ₽", "RUB", 150000),
        ("€45.50", "EUR", 4550),
        ("1,234.5", "EUR", 123450),
        ("1.234,56", "EUR", 123456),
        ("45", "EUR", 4500),
        ("1,500", "EUR", 150000),  # three digits after the only separator: thousands
        ("3000", "JPY", 3000),
        ("1500", "XPF", 1500),  # the CFP franc has no minor unit
        ("45.500", "KWD", 45500),  # the Kuwaiti dinar has three: 45 dinars 500 fils
        ("1,250.5", "KWD", 1250500),
        ("1 500,00", "RUB", 150000),
        ("-5", "EUR", None),
        ("thirty", "EUR", None),
    ],
)
def test_amounts_are_read_in_any_notation_into_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


def test_consent_is_read_only_from_words_that_say_it():
    assert [parse_consent(w) for w in ("Yes", "да", "Sí", "TRUE", "1")] == [True] * 5
    assert [parse_consent(w) for w in ("No", "нет", "false", "0")] == [False] * 4
    with pytest.raises(ValueError):
        parse_consent("perhaps")


def test_a_visit_has_the_same_id_whenever_its_row_is_read():
    from datetime import UTC, datetime

    at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
    assert visit_id("s", "+49170", at, "Haircut", "Anna", 4500) == visit_id(
        "s", "+49170", at, "haircut", "ANNA", 4500
    )
    assert visit_id("s", "+49170", at, "Haircut", "Anna", 4500) != visit_id(
        "s", "+49170", at, "Haircut", "Anna", 4600
    )


def test_each_preset_finds_its_own_columns_and_a_known_alias():
    fresha = next(p for p in PRESETS if p.id == "fresha-clients")
    header = ["First Name", "Last Name", "Mobile Number", "Email", "Marketing consent", "Gender"]
    assert guess(Kind.CLIENTS, header, fresha) == {
        Field.FIRST_NAME: 0,
        Field.LAST_NAME: 1,
        Field.PHONE: 2,
        Field.EMAIL: 3,
        Field.MARKETING_CONSENT: 4,
    }
    for preset in PRESETS:
        assert set(guess(preset.kind, list(preset.columns.values()), preset)) == set(preset.columns)


@pytest.mark.parametrize(
    ("zone", "now", "when", "accepted"),
    [
        # 21:00 in Mexico City is 03:00 the next day in UTC: a visit at 19:00 today is not in the future
        ("America/Mexico_City", datetime(2027, 3, 6, 3, 0, tzinfo=UTC), "2027-03-05 19:00", True),
        # 10:00 in Moscow: a visit at 01:30 tomorrow (22:30 today in UTC) is
        ("Europe/Moscow", datetime(2027, 3, 5, 7, 0, tzinfo=UTC), "2027-03-06 01:30", False),
    ],
)
def test_a_visit_is_in_the_future_by_the_salons_calendar(zone, now, when, accepted):
    s = Settings(Kind.VISITS, {Field.PHONE: 0, Field.DATE: 1}, ["Phone", "Date"], "DE", ZoneInfo(zone), "EUR")
    rows, rejects = read([["+49 170 5550100", when]], 2, s, now)
    assert (len(rows), [r.code for r in rejects]) == ((1, []) if accepted else (0, ["date_future"]))
