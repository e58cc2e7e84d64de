"""A file's rows read into clients and visits by a column mapping (pure: no storage, no network).

Every row is either accepted, normalised (the phone in E.164, dates as instants in the salon's zone,
amounts in minor units), or rejected with the row's number, the column and a code the console puts in
words. A consent is taken only from a column that states it: an empty cell proves nothing."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from regulars.core.errors import InvalidInput
from regulars.core.phones import to_e164
from regulars.imports.presets import FIELDS, Field, Kind

MAX_NOTES = 500
MAX_TEXT = 200  # a service's or a staff member's name (a chunk's rows must fit a job's item: 400 KB)
MAX_NAME = 100
NOON = time(12, 0)  # a visit known only by its day is put at midday
YES = frozenset(
    {"yes", "y", "true", "1", "да", "д", "sí", "si", "s", "opted in", "subscribed", "accepts", "+"}
)
NO = frozenset({"no", "n", "false", "0", "нет", "н", "opted out", "unsubscribed", "-"})

MONTHS = {
    name: n
    for n, names in enumerate(
        [
            ("jan", "january", "янв", "января", "январь", "ene", "enero"),
            ("feb", "february", "фев", "февраля", "февраль", "febrero"),
            ("mar", "march", "мар", "марта", "март", "marzo"),
            ("apr", "april", "апр", "апреля", "апрель", "abr", "abril"),
            ("may", "мая", "май", "mayo"),
            ("jun", "june", "июн", "июня", "июнь", "junio"),
            ("jul", "july", "июл", "июля", "июль", "julio"),
            ("aug", "august", "авг", "августа", "август", "ago", "agosto"),
            ("sep", "sept", "september", "сен", "сентября", "сентябрь", "septiembre"),
            ("oct", "october", "окт", "октября", "октябрь", "octubre"),
            ("nov", "november", "ноя", "ноября", "ноябрь", "noviembre"),
            ("dec", "december", "дек", "декабря", "декабрь", "dic", "diciembre"),
        ],
        start=1,
    )
    for name in names
}

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
NUMERIC = re.compile(r"(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})")
WORDY = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?,?\s+(\d{4})|([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{4})")
CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)


@dataclass(frozen=True)
class Reject:
    row: int  # the row's number in the file: 1 is the header, 2 the first row
    column: str | None  # the header of the column at fault (None: the row as a whole)
    code: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code}


@dataclass(frozen=True)
class Settings:
    """How the salon's file is read: its mapping and the salon's country, zone and currency."""

    kind: Kind
    mapping: dict[Field, int]  # field -> column index
    header: list[str]
    region: str | None
    zone: ZoneInfo
    currency: str
    day_first: bool = True


class Bad(Exception):
    def __init__(self, field: Field, code: str):
        self.field, self.code = field, code


def check_mapping(kind: Kind, mapping: dict[Field, int], header: list[str]) -> None:
    """Refuse a mapping this kind of file cannot be read with (InvalidInput naming the field)."""
    for f, column in mapping.items():
        if f not in FIELDS[kind]:
            raise InvalidInput.field(f"mapping.{f}", f"not a field of a {kind} file", code="field_unknown")
        if not 0 <= column < len(header):
            raise InvalidInput.field(f"mapping.{f}", "no such column", code="column_unknown")
    if Field.PHONE not in mapping:
        raise InvalidInput.field("mapping.phone", "the phone column is required", code="phone_unmapped")
    if kind is Kind.CLIENTS and not ({Field.NAME, Field.FIRST_NAME, Field.LAST_NAME} & set(mapping)):
        raise InvalidInput.field("mapping.name", "a name column is required", code="name_unmapped")
    if kind is Kind.VISITS and Field.DATE not in mapping:
        raise InvalidInput.field("mapping.date", "the visit's date column is required", code="date_unmapped")
    used = list(mapping.values())
    if len(used) != len(set(used)):
        raise InvalidInput.field("mapping", "a column is mapped to two fields", code="column_twice")


def clean(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def parse_date(text: str, day_first: bool) -> tuple[date, time | None] | None:
    """A day and maybe a time of day, from the formats exports use: 2025-03-14, 14.03.2025,
    14/03/2025 (or 03/14/2025 when not day first), 14 Mar 2025, Mar 14, 2025, with 10:30 or 2:30 PM."""
    text = clean(text).lower()
    if not text:
        return None
    clock: time | None = None
    found = CLOCK.search(text)
    if found:
        hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
        if found[4]:
            pm = found[4].startswith("p")
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if pm else 0)
        if hour > 23 or minute > 59 or second > 59:
            return None
        clock = time(hour, minute, second)
        text = re.sub(r"t$", "", (text[: found.start()] + text[found.end() :]).strip(" ,")).strip()
    try:
        if m := NUMERIC.fullmatch(text):
            a, b, c = m[1], m[2], m[3]
            if len(a) == 4:
                day = date(int(a), int(b), int(c))
            elif len(c) in (2, 4):
                year = int(c) + (2000 if len(c) == 2 and int(c) < 70 else 1900 if len(c) == 2 else 0)
                d, mo = (int(a), int(b)) if day_first or "." in text else (int(b), int(a))
                day = date(year, mo, d)
            else:
                return None
        elif m := WORDY.fullmatch(text):
            dd, name, yy = (m[1], m[2], m[3]) if m[1] else (m[5], m[4], m[6])
            if name not in MONTHS:
                return None
            day = date(int(yy), MONTHS[name], int(dd))
        else:
            return None
    except ValueError:
        return None
    return day, clock


def parse_amount(text: str, currency: str) -> int | None:
    """Minor units from "1 500,00 ₽", "€45.50", "1,234.5", "45", in the currency's own minor digits
    (ISO 4217's, as babel knows them: 2 for the euro, 0 for the yen or the CFP franc, 3 for the Kuwaiti
    dinar): the last separator followed by one or two digits (up to three for a currency of three) is
    the decimal one; None when it is no amount (negative amounts are none)."""
    from babel.numbers import get_currency_precision

    places = get_currency_precision(currency.upper())
    text = clean(text)
    digits = re.sub(r"[^\d.,\-]", "", text)
    if not digits or digits.startswith("-") or "-" in digits[1:] or not re.search(r"\d", digits):
        return None
    whole, frac = digits, ""
    m = re.fullmatch(rf"(.*?)[.,](\d{{1,{max(2, places)}}})", digits)
    if m:
        whole, frac = m[1], m[2]
    whole = re.sub(r"[.,]", "", whole)
    if not whole.isdigit() and whole != "":
        return None
    minor = int(whole or "0") * 10**places + (int(frac.ljust(places, "0")[:places]) if places and frac else 0)
    return minor if minor < 10**12 else None


def parse_consent(text: str) -> bool | None:
    word = clean(text).casefold()
    if word in YES:
        return True
    if word in NO:
        return False
    raise ValueError(word)


def visit_id(
    salon_id: str, phone: str, at: datetime, service: str | None, staff: str | None, price: int | None
) -> str:
    """A visit's id from what the file says of it: the same row imported again is the same visit."""
    key = "|".join(
        [salon_id, phone, at.isoformat(), (service or "").casefold(), (staff or "").casefold(), str(price)]
    )
    return "imp" + hashlib.sha256(key.encode()).hexdigest()[:29]


def read_row(cells: list[str], number: int, s: Settings, today: date) -> dict:
    """One row as a normalised dict (JSON-able: it travels in a job's payload); Bad names the field."""

    def cell(f: Field) -> str:
        i = s.mapping.get(f)
        return clean(cells[i]) if i is not None and i < len(cells) else ""

    out: dict = {"row": number}
    phone = cell(Field.PHONE)
    if not phone:
        raise Bad(Field.PHONE, "phone_missing")
    try:
        out["phone"] = to_e164(phone, s.region)
    except InvalidInput as exc:
        raise Bad(Field.PHONE, "phone_invalid") from exc
    name = cell(Field.NAME) or " ".join(x for x in (cell(Field.FIRST_NAME), cell(Field.LAST_NAME)) if x)
    if len(name) > MAX_NAME:
        raise Bad(Field.NAME if Field.NAME in s.mapping else Field.FIRST_NAME, "name_too_long")
    if s.kind is Kind.CLIENTS and not name:
        raise Bad(Field.NAME if Field.NAME in s.mapping else Field.FIRST_NAME, "name_missing")
    out["name"] = name or None
    if s.kind is Kind.CLIENTS:
        if email := cell(Field.EMAIL):
            if not EMAIL.fullmatch(email) or len(email) > 254:
                raise Bad(Field.EMAIL, "email_invalid")
            out["email"] = email.lower()
        if birthday := cell(Field.BIRTHDAY):
            parsed = parse_date(birthday, s.day_first)
            if parsed is None or not date(1900, 1, 1) <= parsed[0] <= today:
                raise Bad(Field.BIRTHDAY, "birthday_invalid")
            out["birthday"] = parsed[0].isoformat()
        if notes := cell(Field.NOTES):
            out["notes"] = notes[:MAX_NOTES]
        if tags := cell(Field.TAGS):
            out["tags"] = sorted({t.strip()[:30] for t in re.split(r"[,;|]", tags) if t.strip()})[:10]
        if consent := cell(Field.MARKETING_CONSENT):
            try:
                out["consent"] = parse_consent(consent)
            except ValueError:
                raise Bad(Field.MARKETING_CONSENT, "consent_invalid") from None
        if visits := cell(Field.VISITS):
            if not re.fullmatch(r"[0-9]{1,6}", visits) or int(visits) > 100_000:
                raise Bad(Field.VISITS, "count_invalid")
            out["visits"] = int(visits)
        if spent := cell(Field.TOTAL_SPENT):
            amount = parse_amount(spent, s.currency)
            if amount is None:
                raise Bad(Field.TOTAL_SPENT, "amount_invalid")
            out["spent"] = amount
        if last := cell(Field.LAST_VISIT):
            at = _instant(last, s)
            if at is None:
                raise Bad(Field.LAST_VISIT, "date_invalid")
            if at.astimezone(s.zone).date() > today:
                raise Bad(Field.LAST_VISIT, "date_future")
            out["last_visit"] = at.isoformat()
    else:
        when = cell(Field.DATE)
        if not when:
            raise Bad(Field.DATE, "date_missing")
        at = _instant(when, s)
        if at is None:
            raise Bad(Field.DATE, "date_invalid")
        if at.astimezone(s.zone).date() > today:
            raise Bad(Field.DATE, "date_future")
        out["at"] = at.isoformat()
        out["service"] = cell(Field.SERVICE)[:MAX_TEXT] or None
        out["staff"] = cell(Field.STAFF)[:MAX_TEXT] or None
        price = cell(Field.PRICE)
        if price:
            amount = parse_amount(price, s.currency)
            if amount is None:
                raise Bad(Field.PRICE, "amount_invalid")
            out["price"] = amount
        else:
            out["price"] = None
    return out


def _instant(text: str, s: Settings) -> datetime | None:
    parsed = parse_date(text, s.day_first)
    if parsed is None or parsed[0].year < 1990:
        return None
    day, clock = parsed
    return datetime.combine(day, clock or NOON, tzinfo=s.zone).astimezone(UTC)


def read(
    rows: list[list[str]], first_row: int, s: Settings, now: datetime
) -> tuple[list[dict], list[Reject]]:
    """The rows accepted and the rows rejected (each with why). ``first_row`` is the file's number of
    ``rows[0]``. A clients file's phone given twice is rejected the second time: it is one client."""
    today = now.astimezone(s.zone).date()
    accepted: list[dict] = []
    rejects: list[Reject] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(rows):
        number = first_row + offset
        if not any(clean(c) for c in cells):
            rejects.append(Reject(number, None, "row_empty"))
            continue
        try:
            row = read_row(cells, number, s, today)
        except Bad as bad:
            rejects.append(
                Reject(number, s.header[s.mapping[bad.field]] if bad.field in s.mapping else None, bad.code)
            )
            continue
        if s.kind is Kind.CLIENTS:
            if row["phone"] in seen:
                rejects.append(Reject(number, s.header[s.mapping[Field.PHONE]], "phone_repeated"))
                continue
            seen[row["phone"]] = number
        accepted.append(row)
    return accepted, rejects
