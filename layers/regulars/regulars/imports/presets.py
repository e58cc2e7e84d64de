"""The column sets of the exports salons move in with, as best known: a preset is only a first guess
at the mapping, which the salon can change for any other header set."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    CLIENTS = "clients"  # one row a client, maybe with their totals
    VISITS = "visits"  # one row a past visit, with the client's phone


class Field(StrEnum):
    NAME = "name"
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    PHONE = "phone"
    EMAIL = "email"
    BIRTHDAY = "birthday"
    NOTES = "notes"
    TAGS = "tags"
    MARKETING_CONSENT = "marketing_consent"
    VISITS = "visits"  # the number of visits, from a clients export
    TOTAL_SPENT = "total_spent"
    LAST_VISIT = "last_visit"
    DATE = "date"  # a visit's date and time
    SERVICE = "service"
    STAFF = "staff"
    PRICE = "price"


FIELDS: dict[Kind, tuple[Field, ...]] = {
    Kind.CLIENTS: (
        Field.NAME,
        Field.FIRST_NAME,
        Field.LAST_NAME,
        Field.PHONE,
        Field.EMAIL,
        Field.BIRTHDAY,
        Field.NOTES,
        Field.TAGS,
        Field.MARKETING_CONSENT,
        Field.VISITS,
        Field.TOTAL_SPENT,
        Field.LAST_VISIT,
    ),
    Kind.VISITS: (
        Field.NAME,
        Field.FIRST_NAME,
        Field.LAST_NAME,
        Field.PHONE,
        Field.DATE,
        Field.SERVICE,
        Field.STAFF,
        Field.PRICE,
    ),
}


@dataclass(frozen=True)
class Preset:
    id: str
    platform: str
    kind: Kind
    columns: dict[Field, str]  # field -> the export's header
    day_first: bool = True  # 03/04/2025 is 3 April
    notes: list[str] = field(default_factory=list)


PRESETS: tuple[Preset, ...] = (
    Preset(
        "dikidi-clients",
        "DIKIDI",
        Kind.CLIENTS,
        {
            Field.NAME: "Имя",
            Field.PHONE: "Телефон",
            Field.BIRTHDAY: "Дата рождения",
            Field.NOTES: "Комментарий",
        },
    ),
    Preset(
        "dikidi-visits",
        "DIKIDI",
        Kind.VISITS,
        {
            Field.NAME: "Клиент",
            Field.PHONE: "Телефон",
            Field.DATE: "Дата",
            Field.SERVICE: "Услуга",
            Field.STAFF: "Сотрудник",
            Field.PRICE: "Стоимость",
        },
    ),
    Preset(
        "altegio-clients",
        "Altegio / YCLIENTS",
        Kind.CLIENTS,
        {
            Field.NAME: "Имя",
            Field.PHONE: "Телефон",
            Field.EMAIL: "Email",
            Field.BIRTHDAY: "Дата рождения",
            Field.TAGS: "Категории",
            Field.TOTAL_SPENT: "Сумма продаж",
            Field.VISITS: "Визитов",
            Field.LAST_VISIT: "Последний визит",
        },
    ),
    Preset(
        "fresha-clients",
        "Fresha",
        Kind.CLIENTS,
        {
            Field.FIRST_NAME: "First Name",
            Field.LAST_NAME: "Last Name",
            Field.PHONE: "Mobile Number",
            Field.EMAIL: "Email",
            Field.BIRTHDAY: "Date of Birth",
            Field.MARKETING_CONSENT: "Accepts Marketing",
            Field.TOTAL_SPENT: "Total sales",
            Field.LAST_VISIT: "Last appointment",
        },
    ),
)

# other headers the same field is known by (a newer export, another language of the same platform)
ALIASES: dict[Field, tuple[str, ...]] = {
    Field.MARKETING_CONSENT: ("Marketing consent", "Согласие на рассылку", "Accepts marketing"),
    Field.NAME: ("Name", "Full name", "Клиент", "ФИО", "Nombre"),
    Field.PHONE: ("Phone", "Mobile", "Mobile number", "Телефон", "Teléfono"),
    Field.EMAIL: ("E-mail", "Почта"),
}


def guess(kind: Kind, header: list[str], preset: Preset | None = None) -> dict[Field, int]:
    """The column of each field this header has: the preset's name first, then the known aliases
    (case and spaces aside)."""

    def norm(text: str) -> str:
        return " ".join(text.casefold().split())

    where = {norm(h): i for i, h in reversed(list(enumerate(header)))}
    out: dict[Field, int] = {}
    for f in FIELDS[kind]:
        names = ([preset.columns[f]] if preset and f in preset.columns else []) + list(ALIASES.get(f, ()))
        for name in names:
            if norm(name) in where:
                out[f] = where[norm(name)]
                break
    return out
