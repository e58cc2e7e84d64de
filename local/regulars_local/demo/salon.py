"""The demo salon the local runtime loads by default.

"Studio Demo" in Berlin: four staff members, nine services, a few hundred clients and eighteen
months of visits, with the mix of behaviour the retention engine is built for (regulars on their
own rhythm, occasional visitors, one-off clients, clients who lapsed or were lost, and newcomers),
plus three weeks of upcoming bookings holding their slot locks.

The data is a pure function of ``now`` and ``seed`` (:func:`build_demo`); :func:`load_demo`
writes it with batch writes through the store's models, so every key is derived as usual. Client
statistics are left to the stream processor, which computes them from the appointment records.
"""

from __future__ import annotations

import random
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal
from zoneinfo import ZoneInfo

from regulars.booking import locks_repo
from regulars.booking.book import CONSENT_TEXT
from regulars.booking.items import Appointment, DayLock
from regulars.clients.items import Client, NameWord, PhoneIndex
from regulars.clients.repo import name_key, name_words
from regulars.core.appointments import HistoryEntry
from regulars.core.errors import InvalidInput
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.core.schedule import WEEKDAYS, Interval, WorkingPattern, free_starts
from regulars.salon.items import Salon, Service, StaffMember
from regulars.salon.model import SalonSettings
from regulars.store.base import Entity

SALON_ID = "demo"
SALON_NAME = "Studio Demo"
TIMEZONE_NAME = "Europe/Berlin"
CURRENCY = "EUR"
COUNTRY = "DE"

HISTORY = timedelta(days=548)  # eighteen months of visits
SALON_AGE = timedelta(days=578)  # the salon opened a month before its first recorded visit
BOOKING_HORIZON = timedelta(days=21)  # upcoming bookings reach three weeks ahead
RULES = SalonSettings()  # the demo salon keeps the default booking rules
# ... but not the default limits per network address and per salon: every caller of the local
# runtime is 127.0.0.1, and a developer (or a test run) books far more in an hour than a salon's
# public does. Per phone, codes and the SMS budget keep their defaults.
LOCAL_PROTECTION = {
    "bookings_per_address_hour": 10_000,
    "codes_per_address_hour": 10_000,
    "codes_per_hour": 10_000,
    "actions_per_address_hour": 10_000,
    "new_phones_per_hour": 10_000,
}
MINIMUM_NOTICE = timedelta(minutes=RULES.min_notice_minutes)
SLOT_STEP = timedelta(minutes=RULES.slot_step_minutes)
LATE_CANCELLATION = timedelta(hours=RULES.late_cancel_hours)
FUTURE_BOOKINGS_PER_CLIENT = 0.2  # 60 upcoming bookings for 300 clients

NO_SHOW_RATE = 0.05
CANCELLATION_RATE = 0.08
LATE_SHARE_OF_CANCELLATIONS = 0.3
CONSENT_RATE = 0.7

Profile = Literal["regular", "occasional", "one_off", "lapsed", "lost", "new"]
PROFILE_WEIGHTS: dict[Profile, float] = {
    "regular": 0.35,
    "occasional": 0.20,
    "one_off": 0.15,
    "lapsed": 0.12,
    "lost": 0.10,
    "new": 0.08,
}
Window = Literal["morning", "midday", "evening", "any"]
WINDOW_HOURS: dict[Window, tuple[int, int]] = {
    "morning": (9, 12),
    "midday": (12, 16),
    "evening": (16, 21),
    "any": (0, 24),
}

CANCEL_REASONS = ("feeling unwell", "schedule conflict", "travelling", "childcare", "weather")
CLIENT_NOTES = (
    "Sensitive scalp: mild shampoo only.",
    "Allergic to acrylates; use hypoallergenic gel.",
    "Prefers quiet appointments.",
    "Colour formula: 7/1 with 6% developer, 35 min.",
    "Likes firm massage pressure.",
    "Brings her own polish.",
    "Pays by card only.",
)


# --- the catalog ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ServiceSpec:
    service_id: str
    name: str
    duration_minutes: int
    price_amount: int  # cents
    repeat_interval_days: int

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class StaffSpec:
    staff_id: str
    name: str
    working_hours: dict[str, list[list[str]]]
    breaks: dict[str, list[list[str]]]
    service_ids: tuple[str, ...]
    days_off_in_next_month: int


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("haircut-women", "Women's haircut", 60, 5500, 35),
    ServiceSpec("haircut-men", "Men's haircut", 30, 2800, 28),
    ServiceSpec("coloring", "Hair colouring", 120, 9500, 42),
    ServiceSpec("manicure", "Manicure", 45, 3000, 21),
    ServiceSpec("gel-polish", "Gel polish manicure", 75, 4500, 21),
    ServiceSpec("pedicure", "Pedicure", 60, 4200, 35),
    ServiceSpec("brows", "Brow shaping and tint", 30, 2500, 28),
    ServiceSpec("massage-60", "Relaxing massage, 60 min", 60, 6500, 14),
    ServiceSpec("lashes", "Lash extensions", 150, 12000, 21),
)
SERVICE_BY_ID = {service.service_id: service for service in SERVICES}
# what the booking page shows of each service: its category and a line about it
SERVICE_WORDS: dict[str, tuple[str, str]] = {
    "haircut-women": ("Hair", "Wash, cut and blow-dry."),
    "haircut-men": ("Hair", "Cut with clippers and scissors, wash included."),
    "coloring": ("Hair", "One colour, roots to ends, with a gloss."),
    "manicure": ("Nails", "Shape, cuticle care and a classic polish."),
    "gel-polish": ("Nails", "A manicure with gel polish that lasts up to three weeks."),
    "pedicure": ("Nails", "Foot bath, nail and skin care, polish."),
    "brows": ("Brows and lashes", "Shaping by thread or wax and a tint."),
    "massage-60": ("Massage", "A full-body relaxing massage with warm oil."),
    "lashes": ("Brows and lashes", "A full set of classic lash extensions."),
}
STAFF_TITLES = {
    "anna": "Senior stylist",
    "marta": "Nail artist",
    "ivan": "Barber and masseur",
    "sofia": "Brow and lash artist",
}
# what the booking page shows of the salon
SALON_PROFILE = {
    "address": "Oranienstraße 25, 10999 Berlin",
    "phone": "+49 30 5550100",
    "brand_color": "#7b3fe4",
    "privacy_url": "https://studio-demo.example/privacy",
}


def _week(days: Sequence[str], hours: Sequence[tuple[str, str]]) -> dict[str, list[list[str]]]:
    return {day: [list(interval) for interval in hours] for day in days}


STAFF: tuple[StaffSpec, ...] = (
    StaffSpec(
        "anna",
        "Anna Becker",
        working_hours={
            **_week(("tue", "wed", "thu", "fri"), [("10:00", "19:00")]),
            "sat": [["09:00", "15:00"]],
        },
        breaks=_week(("tue", "wed", "thu", "fri"), [("14:00", "14:30")]),
        service_ids=("haircut-women", "coloring", "haircut-men"),
        days_off_in_next_month=3,
    ),
    StaffSpec(
        "marta",
        "Marta Sokolova",
        working_hours={**_week(("mon", "tue", "thu"), [("09:00", "18:00")]), "fri": [["09:00", "17:00"]]},
        breaks=_week(("mon", "tue", "thu", "fri"), [("13:00", "13:30")]),
        service_ids=("manicure", "gel-polish", "pedicure"),
        days_off_in_next_month=2,
    ),
    StaffSpec(
        "ivan",
        "Ivan Petrov",
        working_hours=_week(("mon", "wed", "thu", "fri"), [("11:00", "20:00")]),
        breaks=_week(("mon", "wed", "thu", "fri"), [("15:00", "15:30")]),
        service_ids=("haircut-men", "haircut-women", "massage-60"),
        days_off_in_next_month=1,
    ),
    StaffSpec(
        "sofia",
        "Sofia Hernández",
        working_hours={
            **_week(("mon", "tue", "wed"), [("09:00", "17:00")]),
            "fri": [["09:00", "13:00"], ["14:00", "19:00"]],
        },
        breaks=_week(("mon", "tue", "wed"), [("12:30", "13:00")]),
        service_ids=("brows", "lashes", "manicure", "gel-polish"),
        days_off_in_next_month=2,
    ),
)

# which services a client comes for, by the client's gender, with weights
INTERESTS: dict[str, dict[str, float]] = {
    "f": {
        "haircut-women": 20,
        "gel-polish": 18,
        "manicure": 14,
        "coloring": 10,
        "brows": 10,
        "lashes": 8,
        "pedicure": 8,
        "massage-60": 6,
    },
    "m": {"haircut-men": 70, "massage-60": 20, "pedicure": 5, "manicure": 5},
}


# --- names ----------------------------------------------------------------------------------------
def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class NamePool:
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    locales: dict[str, float]


GERMAN = NamePool(
    female=_names(
        "Lena Laura Julia Sarah Katharina Lisa Johanna Sophie Marie Hannah Lea Miriam "
        "Franziska Sabine Petra Claudia Jana Nina Charlotte Greta"
    ),
    male=_names(
        "Jonas Lukas Felix Maximilian Tobias Jan Florian Stefan Thomas Jürgen Matthias Niklas Paul Moritz"
    ),
    surnames=_names(
        "Müller Schmidt Schneider Fischer Weber Meyer Wagner Schulz Hoffmann Koch Richter "
        "Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hartmann Lange "
        "Werner Köhler Vogel"
    ),
    locales={"en": 0.7, "de": 0.3},
)
RUSSIAN = NamePool(
    female=_names(
        "Olga Natalia Ekaterina Anastasia Irina Svetlana Tatiana Yulia Elena Maria Daria "
        "Ksenia Alina Polina Viktoria Oksana"
    ),
    male=_names("Dmitry Alexey Sergey Andrey Mikhail Nikolai Pavel Artem Maxim Igor"),
    surnames=_names(
        "Ivanov Smirnov Kuznetsov Popov Vasiliev Mikhailov Novikov Fedorov Morozov Volkov "
        "Alekseev Lebedev Semenov Egorov Pavlov Kozlov Orlov"
    ),
    locales={"en": 0.5, "ru": 0.5},
)
SPANISH = NamePool(
    female=_names(
        "Lucía Carmen Sofía Paula Laura Elena Isabel Valentina Daniela Alba Cristina Irene Pilar Nerea Ainhoa"
    ),
    male=_names("Alejandro Javier Carlos Pablo Diego Sergio Manuel Álvaro Adrián Jorge"),
    surnames=_names(
        "García Martínez López Sánchez González Rodríguez Fernández Pérez Gómez Martín "
        "Jiménez Ruiz Hernández Díaz Moreno Muñoz Álvarez Romero Navarro"
    ),
    locales={"en": 0.55, "es": 0.45},
)
ORIGINS: dict[str, tuple[NamePool, float]] = {
    "de": (GERMAN, 0.55),
    "ru": (RUSSIAN, 0.25),
    "es": (SPANISH, 0.20),
}

MOBILE_PREFIXES = _names("151 152 157 159 160 162 163 170 171 172 173 174 175 176 177 178 179")
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DemoSummary:
    salon_id: str
    staff: int
    services: int
    clients: int
    appointments: int
    completed: int
    no_shows: int
    cancelled: int
    upcoming: int
    slot_locks: int
    name_words: int

    @property
    def items(self) -> int:
        """Every item written: the salon, its catalog, clients with their phone index and the later words
        of their names, visits, locks."""
        return (
            1
            + self.staff
            + self.services
            + 2 * self.clients
            + self.name_words
            + self.appointments
            + self.slot_locks
        )


@dataclass
class DemoData:
    salon: Salon
    staff: list[StaffMember]
    services: list[Service]
    clients: list[Client]
    phones: list[PhoneIndex]
    words: list[NameWord]  # the later words of each name, for the desk's search
    appointments: list[Appointment]
    locks: list[DayLock]

    def items(self) -> Iterator[Entity]:
        yield self.salon
        yield from self.staff
        yield from self.services
        yield from self.clients
        yield from self.phones
        yield from self.words
        yield from self.appointments
        yield from self.locks

    def summary(self) -> DemoSummary:
        statuses = Counter(appointment.status for appointment in self.appointments)
        return DemoSummary(
            salon_id=self.salon.salon_id,
            staff=len(self.staff),
            services=len(self.services),
            clients=len(self.clients),
            appointments=len(self.appointments),
            completed=statuses["completed"],
            no_shows=statuses["no_show"],
            cancelled=statuses["cancelled"],
            upcoming=statuses["booked"] + statuses["confirmed"],
            slot_locks=len(self.locks),
            name_words=len(self.words),
        )


# --- public API -------------------------------------------------------------------------------
def load_demo(now: datetime, *, seed: int = 7, clients: int = 300) -> DemoSummary:
    """Write the demo salon into the bound table and say what was written."""
    data = build_demo(now, seed=seed, clients=clients)
    with Entity.batch_write() as batch:
        for item in data.items():
            batch.save(item)
    _plan_birthdays(data, now)
    _plan_snapshot(now)
    return data.summary()


def _plan_snapshot(now: datetime) -> None:
    """The analytics snapshot is taken as soon as the demo is in, then every night."""
    from regulars.analytics import service as analytics

    analytics.schedule_snapshot(SALON_ID, now, at=now)


def _plan_birthdays(data: DemoData, now: datetime) -> None:
    """Each client with a birthday gets the job that greets them (and credits the birthday bonus)."""
    from regulars.clients import birthdays
    from regulars.clients import repo as client_store

    for item in data.clients:
        if item.birthday:
            birthdays.schedule_birthday(SALON_ID, client_store.to_domain(item), now)


def build_demo(now: datetime, *, seed: int = 7, clients: int = 300) -> DemoData:
    """The demo salon as model instances, the same for the same ``now`` and ``seed``."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return _Builder(now.astimezone(UTC), random.Random(seed), clients).build()


# --- generation -------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Slot:
    staff_id: str
    service: ServiceSpec
    start: datetime
    end: datetime


@dataclass
class _Visit:
    slot: _Slot
    created_at: datetime
    source: str
    status: str = "booked"
    history: list[dict[str, Any]] = field(default_factory=list)
    updated_at: datetime = field(init=False)
    paid_amount: int | None = None
    late_cancellation: bool = False
    cancel_reason: str | None = None

    def __post_init__(self) -> None:
        self.updated_at = self.created_at

    @property
    def start(self) -> datetime:
        return self.slot.start

    @property
    def end(self) -> datetime:
        return self.slot.end

    def log(self, at: datetime, action: str, by: str, **details: Any) -> None:
        entry = HistoryEntry(at=at, action=action, by=by, **details)
        self.history.append(entry.model_dump(mode="json"))
        self.updated_at = at


@dataclass
class _ClientPlan:
    name: str
    locale: str
    profile: Profile
    source: str
    services: list[ServiceSpec]  # the first is the one the client mostly comes for
    favourite_staff: dict[str, str]
    window: Window
    cadence_days: int
    visits: list[_Visit] = field(default_factory=list)

    @property
    def primary(self) -> ServiceSpec:
        return self.services[0]

    def last_attended(self) -> _Visit | None:
        return next((v for v in reversed(self.visits) if v.status == "completed"), None)


class _Diary:
    """Every staff member's taken time, by local day, so no two visits of one person overlap."""

    def __init__(self, staff: Sequence[StaffSpec], days_off: dict[str, frozenset[date]], tz: ZoneInfo):
        self._tz = tz
        self._patterns = {
            member.staff_id: WorkingPattern(
                hours=_spans(member.working_hours),
                breaks=_spans(member.breaks),
                days_off=days_off[member.staff_id],
            )
            for member in staff
        }
        self._busy: dict[tuple[str, date], list[Interval]] = defaultdict(list)

    def works_on(self, staff_id: str, day: date) -> bool:
        pattern = self._patterns[staff_id]
        return day not in pattern.days_off and bool(pattern.hours.get(WEEKDAYS[day.weekday()]))

    def free_starts(
        self, staff_id: str, day: date, duration: timedelta, earliest: datetime, latest_end: datetime
    ) -> list[datetime]:
        if not self.works_on(staff_id, day):
            return []
        starts = free_starts(
            day=day,
            tz=self._tz,
            pattern=self._patterns[staff_id],
            busy=self._busy[(staff_id, day)],
            duration=duration,
            step=SLOT_STEP,
            earliest=earliest,
        )
        return [start for start in starts if start + duration <= latest_end]

    def take(self, staff_id: str, day: date, interval: Interval) -> None:
        self._busy[(staff_id, day)].append(interval)


class _Builder:
    def __init__(self, now: datetime, rng: random.Random, client_count: int):
        self.now = now
        self.rng = rng
        self.client_count = client_count
        self.tz = ZoneInfo(TIMEZONE_NAME)
        self.today = now.astimezone(self.tz).date()
        self.salon_created_at = (now - SALON_AGE).replace(minute=0, second=0, microsecond=0)
        self.history_start = now - HISTORY
        self.days_off = {member.staff_id: self._pick_days_off(member) for member in STAFF}
        self.diary = _Diary(STAFF, self.days_off, self.tz)
        self.staff_for_service = {
            service.service_id: [m.staff_id for m in STAFF if service.service_id in m.service_ids]
            for service in SERVICES
        }
        self.phones: set[str] = set()
        self._staff_numbers: dict[str, int] = {}
        self.emails: set[str] = set()

    # the whole salon
    def build(self) -> DemoData:
        plans = [self._plan_client() for _ in range(self.client_count)]
        for plan in plans:
            self._book_history(plan)
        self._book_upcoming(plans)
        clients: list[Client] = []
        phones: list[PhoneIndex] = []
        words: list[NameWord] = []
        appointments: list[Appointment] = []
        for plan in plans:
            client = self._client(plan)
            clients.append(client)
            phones.append(PhoneIndex(salon_id=SALON_ID, phone=client.phone, client_id=client.client_id))
            words.extend(name_words(SALON_ID, client.client_id, client.name))
            appointments.extend(self._appointment(client, visit) for visit in plan.visits)
        return DemoData(
            salon=self._salon(),
            staff=[self._staff_member(member) for member in STAFF],
            services=[self._service(service) for service in SERVICES],
            clients=clients,
            phones=phones,
            words=words,
            appointments=appointments,
            locks=locks_repo.whole_items(
                SALON_ID, [(a.appointment_id, self._cells(a)) for a in appointments if self._holds_locks(a)]
            ),
        )

    # catalog
    def _salon(self) -> Salon:
        return Salon(
            salon_id=SALON_ID,
            name=SALON_NAME,
            timezone=TIMEZONE_NAME,
            currency=CURRENCY,
            locale="en",
            country=COUNTRY,
            settings={"protection": LOCAL_PROTECTION},
            **SALON_PROFILE,
            created_at=self.salon_created_at,
            version=1,
        )

    def _staff_member(self, member: StaffSpec) -> StaffMember:
        return StaffMember(
            salon_id=SALON_ID,
            staff_id=member.staff_id,
            name=member.name,
            phone=to_e164(
                f"0151 5550{self._staff_numbers.setdefault(member.staff_id, len(self._staff_numbers) + 1):04d}",
                COUNTRY,
            ),  # staff notices go to them by SMS
            working_hours=member.working_hours,
            breaks=member.breaks,
            days_off={day.isoformat() for day in self.days_off[member.staff_id]},
            service_ids=list(member.service_ids),
            active=True,
            title=STAFF_TITLES.get(member.staff_id),
            version=1,
        )

    @staticmethod
    def _service(service: ServiceSpec) -> Service:
        return Service(
            salon_id=SALON_ID,
            service_id=service.service_id,
            name=service.name,
            duration_minutes=service.duration_minutes,
            price_amount=service.price_amount,
            repeat_interval_days=service.repeat_interval_days,
            active=True,
            category=SERVICE_WORDS[service.service_id][0],
            description=SERVICE_WORDS[service.service_id][1],
            version=1,
        )

    def _pick_days_off(self, member: StaffSpec) -> frozenset[date]:
        """A few of the member's working days in the coming month (a short holiday, an appointment)."""
        upcoming = (self.today + timedelta(days=offset) for offset in range(3, 31))
        workdays = [day for day in upcoming if WEEKDAYS[day.weekday()] in member.working_hours]
        return frozenset(self.rng.sample(workdays, member.days_off_in_next_month))

    # who the clients are
    def _plan_client(self) -> _ClientPlan:
        rng = self.rng
        origin = _weighted(rng, {key: weight for key, (_, weight) in ORIGINS.items()})
        pool = ORIGINS[origin][0]
        gender = "f" if rng.random() < 0.8 else "m"
        interests = INTERESTS[gender]
        primary = SERVICE_BY_ID[_weighted(rng, interests)]
        others = [SERVICE_BY_ID[s] for s in interests if s != primary.service_id]
        services = [primary, *rng.sample(others, rng.randint(0, 2))]
        cadence = round(primary.repeat_interval_days * rng.uniform(0.85, 1.25))
        return _ClientPlan(
            name=_full_name(rng, pool, origin, gender),
            locale=_weighted(rng, pool.locales),
            profile=_weighted(rng, PROFILE_WEIGHTS),
            source="widget" if rng.random() < 0.6 else "admin",
            services=services,
            favourite_staff={
                s.service_id: rng.choice(self.staff_for_service[s.service_id]) for s in services
            },
            window=rng.choice(("morning", "midday", "evening", "any")),
            cadence_days=min(45, max(14, cadence)),
        )

    # when they came
    def _book_history(self, plan: _ClientPlan) -> None:
        targets = self._history_targets(plan)
        while targets:
            slot = self._place(plan, targets.pop(0), upcoming=False)
            if slot is None:
                continue
            visit = self._past_visit(plan, slot)
            plan.visits.append(visit)
            if visit.status == "cancelled" and self.rng.random() < 0.6:
                retry = self._local_day(visit.start) + timedelta(days=self.rng.randint(2, 7))
                if retry < self.today and (not targets or retry < targets[0]):
                    targets.insert(0, retry)

    def _history_targets(self, plan: _ClientPlan) -> list[date]:
        rng = self.rng
        oldest = (self.today - self._local_day(self.history_start)).days - 1

        def days_ago(most: int, fewest: int) -> date:
            return self.today - timedelta(days=rng.randint(fewest, most))

        match plan.profile:
            case "regular":
                first = days_ago(oldest, 4 * plan.cadence_days)
                return self._rhythm(first, self.today - timedelta(days=1), plan.cadence_days)
            case "occasional":
                return self._rhythm(
                    days_ago(oldest, 150), self.today - timedelta(days=1), rng.randint(60, 120)
                )
            case "one_off":
                return [days_ago(oldest, 30)]
            case "lapsed":
                stopped = rng.randint(90, 270)
                return self._rhythm(
                    days_ago(oldest, stopped + 60), days_ago(stopped, stopped), plan.cadence_days
                )
            case "lost":
                stopped = rng.randint(183, 450)
                first = days_ago(min(oldest, stopped + 200), stopped)
                return self._rhythm(first, days_ago(stopped, stopped), plan.cadence_days + rng.randint(0, 30))
            case "new":
                return [days_ago(30, 1)] if rng.random() < 0.5 else []

    def _rhythm(self, first: date, last: date, every_days: int) -> list[date]:
        days = []
        day = first
        while day <= last:
            days.append(day)
            gap = every_days * self.rng.uniform(0.85, 1.2)
            if self.rng.random() < 0.07:  # holidays, a busy month
                gap += self.rng.randint(14, 28)
            day += timedelta(days=round(gap))
        return days

    def _book_upcoming(self, plans: list[_ClientPlan]) -> None:
        """About one upcoming booking per five clients: every newcomer who has not been yet, then
        clients whose next visit falls due within the booking horizon, in random order."""
        rng = self.rng
        horizon = self.today + BOOKING_HORIZON
        newcomers = [(p, self.today + timedelta(days=rng.randint(0, 20))) for p in plans if self._newcomer(p)]
        due: list[tuple[_ClientPlan, date]] = []
        for plan in plans:
            if plan.profile not in ("regular", "occasional", "new") or not plan.visits:
                continue
            every = plan.cadence_days if plan.profile != "occasional" else rng.randint(60, 120)
            next_due = self._local_day(plan.visits[-1].start) + timedelta(days=every)
            if next_due <= horizon:
                due.append((plan, max(next_due, self.today + timedelta(days=rng.randint(1, 10)))))
        rng.shuffle(due)
        wanted = round(self.client_count * FUTURE_BOOKINGS_PER_CLIENT)
        for plan, day in newcomers + due[: max(0, wanted - len(newcomers))]:
            slot = self._place(plan, day, upcoming=True)
            if slot is not None:
                plan.visits.append(self._upcoming_visit(plan, slot))

    @staticmethod
    def _newcomer(plan: _ClientPlan) -> bool:
        return plan.profile == "new" and not plan.visits

    def _place(self, plan: _ClientPlan, target: date, *, upcoming: bool) -> _Slot | None:
        """The client's visit on or near ``target`` (and after their previous one): with the favourite
        staff member when free, else another who does the service, in the client's preferred part of
        the day when possible."""
        rng = self.rng
        service = plan.primary if rng.random() < 0.75 else rng.choice(plan.services)
        favourite = plan.favourite_staff[service.service_id]
        others = [s for s in self.staff_for_service[service.service_id] if s != favourite]
        rng.shuffle(others)
        staff_order = [favourite, *others] if rng.random() < 0.85 else [*others, favourite]
        if upcoming:
            earliest, latest_end = self.now + MINIMUM_NOTICE, self.now + BOOKING_HORIZON
        else:
            earliest, latest_end = self.history_start, self.now
        after = self._local_day(plan.visits[-1].start) if plan.visits else None
        for offset in (0, 1, -1, 2, -2, 3, -3, 4, 5, 6, 7):
            day = target + timedelta(days=offset)
            if after is not None and day <= after:
                continue
            for staff_id in staff_order:
                starts = self.diary.free_starts(staff_id, day, service.duration, earliest, latest_end)
                if starts:
                    start = rng.choice(self._in_window(starts, plan.window) or starts)
                    slot = _Slot(staff_id, service, start, start + service.duration)
                    self.diary.take(staff_id, day, Interval(slot.start, slot.end))
                    return slot
        return None

    def _in_window(self, starts: list[datetime], window: Window) -> list[datetime]:
        low, high = WINDOW_HOURS[window]
        return [s for s in starts if low <= s.astimezone(self.tz).hour < high]

    def _local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.tz).date()

    # what happened
    def _past_visit(self, plan: _ClientPlan, slot: _Slot) -> _Visit:
        rng = self.rng
        visit = self._booking(plan, slot)
        if rng.random() < 0.04:
            self._move(visit)
        outcome = rng.random()
        if outcome < NO_SHOW_RATE:
            visit.status = "no_show"
            visit.log(visit.start + timedelta(minutes=rng.randint(15, 30)), "no_show", "admin")
        elif outcome < NO_SHOW_RATE + CANCELLATION_RATE:
            self._cancel(visit)
        else:
            self._maybe_confirm(visit)
            visit.status = "completed"
            visit.paid_amount = _paid(rng, slot.service.price_amount)
            done_at = min(self.now, visit.end + timedelta(minutes=rng.randint(0, 20)))
            visit.log(_seconds(done_at), "completed", "admin", paid_amount=visit.paid_amount)
        return visit

    def _booking(self, plan: _ClientPlan, slot: _Slot) -> _Visit:
        """A past visit as it was booked: at checkout of the previous visit, or some days ahead."""
        rng = self.rng
        previous = plan.last_attended()
        if previous and plan.profile in ("regular", "lapsed") and rng.random() < 0.35:
            created, source = previous.end + timedelta(minutes=rng.randint(2, 15)), "admin"
        else:
            created, source = slot.start - timedelta(hours=rng.triangular(1, 21 * 24, 72)), self._source(plan)
        created = _seconds(max(created, self.salon_created_at + timedelta(days=1)))
        visit = _Visit(slot=slot, created_at=created, source=source)
        visit.log(created, "booked", source)
        return visit

    def _upcoming_visit(self, plan: _ClientPlan, slot: _Slot) -> _Visit:
        rng = self.rng
        floor = max(self.now - timedelta(days=14), plan.visits[-1].end if plan.visits else self.history_start)
        created = _seconds(floor + (self.now - floor) * rng.uniform(0.0, 0.98))
        visit = _Visit(slot=slot, created_at=created, source=self._source(plan))
        visit.log(created, "booked", visit.source)
        confirm_odds = 0.7 if slot.start - self.now < timedelta(hours=48) else 0.15
        if rng.random() < confirm_odds:
            visit.status = "confirmed"
            visit.log(_seconds(created + (self.now - created) * rng.uniform(0.3, 1.0)), "confirmed", "client")
        return visit

    def _move(self, visit: _Visit) -> None:
        rng = self.rng
        moved_at = _seconds(visit.created_at + (visit.start - visit.created_at) * rng.uniform(0.1, 0.6))
        original = visit.start + timedelta(days=rng.choice((-2, -1, 1, 2, 3)), hours=rng.randint(-2, 2))
        by = rng.choice(("client", "admin"))
        visit.log(moved_at, "moved", by, start=original.isoformat(), staff_id=visit.slot.staff_id)

    def _maybe_confirm(self, visit: _Visit) -> None:
        if visit.start - visit.created_at > timedelta(days=1) and self.rng.random() < 0.6:
            confirmed = _seconds(visit.start - timedelta(hours=self.rng.uniform(2, 30)))
            if visit.updated_at < confirmed:
                visit.log(confirmed, "confirmed", "client")

    def _cancel(self, visit: _Visit) -> None:
        rng = self.rng
        after = visit.updated_at
        if rng.random() < LATE_SHARE_OF_CANCELLATIONS:
            cancelled = visit.start - timedelta(hours=rng.uniform(1, 23))
        else:
            cancelled = after + (visit.start - after) * rng.uniform(0.1, 0.8)
        if cancelled <= after:
            cancelled = after + (visit.start - after) / 2
        cancelled = _seconds(cancelled)
        visit.status = "cancelled"
        visit.late_cancellation = visit.start - cancelled < LATE_CANCELLATION
        visit.cancel_reason = rng.choice(CANCEL_REASONS) if rng.random() < 0.5 else None
        by = "client" if rng.random() < 0.6 else "admin"
        visit.log(cancelled, "cancelled", by, late=visit.late_cancellation, reason=visit.cancel_reason)

    def _source(self, plan: _ClientPlan) -> str:
        if self.rng.random() < 0.8:
            return plan.source
        return "admin" if plan.source == "widget" else "widget"

    # records
    def _client(self, plan: _ClientPlan) -> Client:
        rng = self.rng
        first_booking = min(visit.created_at for visit in plan.visits) if plan.visits else self.now
        created_at = _seconds(first_booking - timedelta(seconds=rng.randint(1, 240)))
        client = Client(
            salon_id=SALON_ID,
            client_id=new_id(created_at, rng.getrandbits),
            name=plan.name,
            name_key=name_key(plan.name),
            phone=self._phone(),
            email=self._email(plan.name) if rng.random() < 0.55 else None,
            birthday=self._birthday() if rng.random() < 0.4 else None,
            locale=plan.locale,
            notes=rng.choice(CLIENT_NOTES) if rng.random() < 0.08 else None,
            consents=self._consents(created_at, plan.source) if rng.random() < CONSENT_RATE else {},
            created_at=created_at,
            source=plan.source,
            version=1,
        )
        return client

    def _appointment(self, client: Client, visit: _Visit) -> Appointment:
        return Appointment(
            salon_id=SALON_ID,
            appointment_id=new_id(visit.created_at, self.rng.getrandbits),
            client_id=client.client_id,
            client_name=client.name,  # as the desk's day book shows it, the same as a booking writes
            staff_id=visit.slot.staff_id,
            service_id=visit.slot.service.service_id,
            start=visit.start,
            end=visit.end,
            status=visit.status,
            price_amount=visit.slot.service.price_amount,
            currency=CURRENCY,
            paid_amount=visit.paid_amount,
            source=visit.source,
            late_cancellation=visit.late_cancellation,
            cancel_reason=visit.cancel_reason,
            created_at=visit.created_at,
            updated_at=visit.updated_at,
            history=visit.history,
            version=1,
        )

    def _holds_locks(self, appointment: Appointment) -> bool:
        return appointment.start >= self.now and appointment.status in ("booked", "confirmed")

    @staticmethod
    def _cells(appointment: Appointment) -> set[locks_repo.Cell]:
        return locks_repo.cells_of(appointment.staff_id, appointment.start, appointment.end)

    def _phone(self) -> str:
        while True:
            raw = f"0{self.rng.choice(MOBILE_PREFIXES)} {self.rng.randrange(10**8):08d}"
            try:
                phone = to_e164(raw, COUNTRY)
            except InvalidInput:
                continue
            if phone not in self.phones:
                self.phones.add(phone)
                return phone

    def _email(self, name: str) -> str:
        first, *_, last = (_ascii(part) for part in name.split())
        local = self.rng.choice(
            (f"{first}.{last}", f"{first[0]}{last}", f"{first}{self.rng.randint(70, 99)}")
        )
        email = f"{local}@{self.rng.choice(EMAIL_DOMAINS)}"
        while email in self.emails:
            email = f"{local}{self.rng.randint(1, 999)}@{self.rng.choice(EMAIL_DOMAINS)}"
        self.emails.add(email)
        return email

    def _birthday(self) -> str:
        year = self.today.year - self.rng.randint(18, 70)
        return date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)).isoformat()

    def _consents(self, at: datetime, source: str) -> dict[str, Any]:
        """Marketing consent as the widget or the admin app records it."""
        text = CONSENT_TEXT.format(salon=SALON_NAME) if source == "widget" else "recorded by admin"
        granted = self.rng.random() < 0.8
        return {"marketing": {"granted": granted, "at": at.isoformat(), "source": source, "text": text}}


# --- small helpers ----------------------------------------------------------------------------
def _weighted[K](rng: random.Random, weights: dict[K, float]) -> K:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _full_name(rng: random.Random, pool: NamePool, origin: str, gender: str) -> str:
    first = rng.choice(pool.female if gender == "f" else pool.male)
    surname = rng.choice(pool.surnames)
    if origin == "ru" and gender == "f":
        surname += "a"
    if origin == "es" and rng.random() < 0.3:
        surname = f"{surname} {rng.choice([s for s in pool.surnames if s != surname])}"
    return f"{first} {surname}"


def _spans(week: dict[str, list[list[str]]]) -> dict[str, list[tuple[str, str]]]:
    return {day: [(start, end) for start, end in spans] for day, spans in week.items()}


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLITERATION))
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _paid(rng: random.Random, price: int) -> int:
    roll = rng.random()
    if roll < 0.10:  # a tip
        return price + rng.choice((200, 300, 500, 1000))
    if roll < 0.15:  # a loyalty discount
        return price - round(price * 0.1 / 50) * 50
    return price


def _seconds(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(microsecond=0)
