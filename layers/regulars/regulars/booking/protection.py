"""What an anonymous caller may learn, change and make the salon pay for.

The public surface is hostile by default. A request that names a phone proves nothing: a booking
reveals and changes nothing of an existing client (no links in the answer, no consent or name
change) unless the phone is proven, by a one-time code sent to it (over the cheapest channel that
reaches it) or by a link the client received. The salon chooses when a code is asked for: never,
for phones it does not know yet (the default), or always. ``always`` also hides whether a phone is
a client of the salon; with ``new_phones`` a booking without a code succeeds for a known phone
only, which tells that much.

Everything anonymous that costs the salon money is counted per address, per phone and per salon
(new phones an hour), in DynamoDB with TTL (:mod:`regulars.booking.limits_repo`): past a limit the
answer is 429 with ``Retry-After`` and nothing changes. Phones are accepted from the salon's
calling codes only (by default its country's), so nobody can make it text the world.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from regulars.booking import limits_repo as store
from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.config import link_keys, manage_link_secret
from regulars.core.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, TooManyRequests
from regulars.core.ids import new_id
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import client_locale
from regulars.salon.model import Salon

CODE_LIFETIME = timedelta(minutes=10)
CODE_ATTEMPTS = 5
PROOF_LIFETIME = timedelta(
    days=30
)  # the widget keeps it, so a regular on the same phone is not asked each time
PROOF_PURPOSE = "phone"
PHONE_CODE = "phone_code"  # the message kind


class PhoneCheckRequired(Forbidden):
    """The salon wants this phone proven by a one-time code before it takes the booking."""

    code = "phone_check_required"


# ------------------------------------------------------------------------------------------ rules
def calling_codes(salon: Salon) -> frozenset[int]:
    """The country calling codes the salon accepts phones from (its own country's by default)."""
    import phonenumbers

    chosen = salon.settings.protection.calling_codes
    if chosen:
        return frozenset(int(c) for c in chosen)
    return frozenset({phonenumbers.country_code_for_region(salon.country.upper())} - {0})


def check_country(phone: str, salon: Salon, *, field: str) -> None:
    """Refuse a phone from a country the salon does not take bookings from."""
    import phonenumbers

    code = phonenumbers.parse(phone, None).country_code
    allowed = calling_codes(salon)
    if code not in allowed:
        shown = ", ".join(f"+{c}" for c in sorted(allowed))
        raise InvalidInput.field(
            field, f"this salon takes phone numbers from {shown} only", code="phone_country_not_accepted"
        )


def _subject(kind: str, value: str) -> str:
    """What a counter or a code is kept under: a keyed hash, so no address or phone is stored as given."""
    return hmac.new(manage_link_secret(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:24]


def phone_key(phone: str) -> str:
    """What stands for a phone the salon may not know yet: the code's message is filed under it as the
    client it speaks of, so erasing the client who has the phone finds it."""
    return f"phone-{_subject('phone', phone)}"


def _hour(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%dT%H"), start + timedelta(hours=1)


def _day(now: datetime) -> tuple[str, datetime]:
    start = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return start.strftime("%Y-%m-%d"), start + timedelta(days=1)


def _count(limit: str, subject: str, most: int, window: tuple[str, datetime]) -> store.Count:
    return store.Count(
        limit=limit, subject=_subject(limit, subject), window=window[0], ends=window[1], most=most
    )


def _take(salon_id: str, counts: list[store.Count], now: datetime) -> None:
    over = store.take(salon_id, counts)
    if over is not None:
        wait = max(1, int((over.ends - now).total_seconds()) + 1)
        raise TooManyRequests(
            f"too many requests ({over.limit.replace('_', ' ')}): try again later",
            code="rate_limited",
            retry_after=wait,
        )


def limit_actions(salon_id: str, salon: Salon, address: str, now: datetime) -> None:
    """Count one anonymous change (a manage link's action, a feedback answer) from ``address``."""
    rules = salon.settings.protection
    _take(
        salon_id,
        [_count("actions_per_address_hour", address, rules.actions_per_address_hour, _hour(now))],
        now,
    )


FEED_READS_PER_HOUR = 60  # a phone's calendar polls a feed every few minutes at most
# a client rarely moves a visit twice in a day; each move is a message to them and to the staff
MOVES_PER_VISIT_DAY = 3


@dataclass(frozen=True)
class Counted:
    """What an anonymous request was counted as, to give back if it is refused after all (a bad time,
    a taken one): it used up none of the limits, so a stranger's bad requests cannot spend a client's
    bookings or moves of the day."""

    salon_id: str
    counts: tuple[store.Count, ...] = ()

    def give_back(self) -> None:
        store.give_back(self.salon_id, self.counts)


@dataclass(frozen=True)
class Admitted(Counted):
    """An anonymous booking let through, and whether its phone is proven."""

    proven: bool = False


def limit_moves(salon_id: str, appointment_id: str, now: datetime) -> Counted:
    """Count one move of a visit through its manage link: each sends the client and the staff member
    a notice, so a link in the wrong hands, from however many addresses, moves it a few times a day."""
    counts = (_count("moves_per_visit_day", appointment_id, MOVES_PER_VISIT_DAY, _day(now)),)
    _take(salon_id, list(counts), now)
    return Counted(salon_id, counts)


def limit_feed(salon_id: str, staff_id: str, now: datetime) -> None:
    """Count one read of a staff member's calendar feed (its secret URL may have been shared)."""
    _take(salon_id, [_count("feed_reads_per_hour", staff_id, FEED_READS_PER_HOUR, _hour(now))], now)


# ----------------------------------------------------------------------------------- phone proof
def proves(proof: str | None, salon_id: str, phone: str, now: datetime) -> bool:
    """Is ``proof`` a live proof, given by this salon, that its bearer holds ``phone``?"""
    if not proof:
        return False
    try:
        claims = links.verify(proof, link_keys(), purpose=PROOF_PURPOSE, now=now)
    except Forbidden:
        return False
    return claims.salon_id == salon_id and hmac.compare_digest(claims.subject, phone)


def _code_hash(check_id: str, code: str) -> str:
    return hmac.new(
        manage_link_secret(), f"phone-code:{check_id}:{code}".encode(), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class CheckStarted:
    check_id: str
    expires_at: datetime


def random_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def start_check(
    salon: Salon,
    phone: str,
    *,
    address: str,
    locale: str | None,
    now: datetime,
    new_code: Callable[[], str] = random_code,
) -> CheckStarted:
    """Send a one-time code to ``phone`` (E.164): to the client's own channel when the salon knows
    the phone, else by SMS. Counted per address, per phone and against the salon's codes an hour
    (whatever the phone: what codes can cost the salon has a ceiling however many addresses ask);
    for a phone the salon does not know, against its new phones an hour too, unless every phone
    needs a code: then a phone is counted the same whether it is a client's or not, and no answer
    tells them apart."""
    check_country(phone, salon, field="phone")
    rules = salon.settings.protection
    client_id = client_store.client_id_by_phone(salon.id, phone)
    hour = _hour(now)
    counts = [
        _count("codes_per_address_hour", address, rules.codes_per_address_hour, hour),
        _count("codes_per_phone_hour", phone, rules.codes_per_phone_hour, hour),
        _count("codes_per_hour", "salon", rules.codes_per_hour, hour),
    ]
    if client_id is None and rules.phone_check != "always":
        counts.append(_count("new_phones_per_hour", "salon", rules.new_phones_per_hour, hour))
    _take(salon.id, counts, now)
    check_id = new_id(now)
    code = new_code()
    expires_at = now + CODE_LIFETIME
    store.new_check(salon.id, check_id, _subject("phone", phone), _code_hash(check_id, code), expires_at, now)
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=salon.id,
            message_id=f"code-{check_id}",
            kind=PHONE_CODE,
            purpose="transactional",
            recipient="client" if client_id else "phone",
            client_id=client_id,
            locale=client_locale(locale, salon.locale, salon.settings.templates),
            created_at=now,
            about_client_id=None if client_id else phone_key(phone),
            values={"code": code, **({} if client_id else {"phone": phone})},
            expires=expires_at + timedelta(days=1),
        )
    )
    return CheckStarted(check_id, expires_at)


@dataclass(frozen=True)
class Proof:
    token: str
    phone: str
    expires_at: datetime


def answer_check(salon_id: str, check_id: str, phone: str, code: str, now: datetime) -> Proof:
    """The proof for the right code to ``phone`` (E.164); every answer counts against the check's
    attempts. The right code sent again while it holds (the first answer was lost on the way) gets
    a proof again rather than a refusal that would cost the client a new code; once it has expired,
    a used check is refused (409 ``check_used``)."""
    item = store.find_check(salon_id, check_id)
    if item is None or item.expires_at + timedelta(hours=1) <= now:
        raise NotFound("no such code request", code="check_not_found")
    if item.proved_at is not None and item.expires_at <= now:
        raise Conflict("this code was used already", code="check_used")
    counted = store.attempt(salon_id, check_id, CODE_ATTEMPTS)
    if counted is None:
        raise Conflict("too many wrong codes: ask for a new one", code="check_exhausted")
    if counted.expires_at <= now:
        raise InvalidInput.field("code", "this code has expired: ask for a new one", code="code_expired")
    right_phone = hmac.compare_digest(_subject("phone", phone), counted.phone_hash)
    if not (hmac.compare_digest(_code_hash(check_id, code.strip()), counted.code_hash) and right_phone):
        left = CODE_ATTEMPTS - int(counted.attempts)
        raise InvalidInput.field(
            "code",
            f"wrong code; {left} tries left" if left else "wrong code; ask for a new one",
            code="wrong_code",
        )
    if counted.proved_at is None:
        store.prove(salon_id, check_id, now)  # or another answer with the right code did just now
    expires_at = now + PROOF_LIFETIME
    token = links.sign(
        links.LinkClaims(salon_id=salon_id, subject=phone, purpose=PROOF_PURPOSE, expires_at=expires_at),
        link_keys(),
    )
    return Proof(token, phone, expires_at)


# --------------------------------------------------------------------------------------- booking
def _proven_where_required(
    salon: Salon, phone: str, *, known: bool, proof: str | None, now: datetime
) -> bool:
    """Whether ``proof`` proves ``phone``; raises PhoneCheckRequired when it does not and the salon
    asks for a code (always, or for a phone it does not know)."""
    rules = salon.settings.protection
    proven = proves(proof, salon.id, phone, now)
    if not proven and (rules.phone_check == "always" or (rules.phone_check == "new_phones" and not known)):
        reason = (
            "the code's proof has expired or is for another phone"
            if proof
            else "confirm the phone with a code"
        )
        raise PhoneCheckRequired(
            "confirm the phone with a one-time code first", fields=[FieldError("phone_proof", reason)]
        )
    return proven


def admit_booking(
    salon: Salon, phone: str, *, known: bool, proof: str | None, address: str, now: datetime
) -> Admitted:
    """May this anonymous booking go ahead? Whether the phone is proven, or not but the salon takes
    it so; raises when the salon wants a code first or a limit is reached."""
    check_country(phone, salon, field="client.phone")
    rules = salon.settings.protection
    proven = _proven_where_required(salon, phone, known=known, proof=proof, now=now)
    counts = [
        _count("bookings_per_address_hour", address, rules.bookings_per_address_hour, _hour(now)),
        _count("bookings_per_phone_day", phone, rules.bookings_per_phone_day, _day(now)),
    ]
    if not known and not proven:  # a proven phone was counted when its code was sent
        counts.append(_count("new_phones_per_hour", "salon", rules.new_phones_per_hour, _hour(now)))
    _take(salon.id, counts, now)
    return Admitted(salon.id, tuple(counts), proven=proven)


# -------------------------------------------------------------------------------- consent, proven
def proven_consent(salon: Salon, phone: str, proof: str, *, address: str, now: datetime) -> bool | None:
    """What the holder of ``phone`` agreed to about offers (None: no answer recorded, or no client by
    this phone), for the bearer of a live proof of that phone only: the booking page shows the box as
    it stands instead of guessing. Anything else is refused (403 phone_check_required) without saying
    whether the phone is a client's. Counted as an anonymous action of ``address``."""
    limit_actions(salon.id, salon, address, now)
    if not proves(proof, salon.id, phone, now):
        raise PhoneCheckRequired(
            "confirm the phone with a one-time code first",
            fields=[FieldError("phone_proof", "the code's proof has expired or is for another phone")],
        )
    client_id = client_store.client_id_by_phone(salon.id, phone)
    if client_id is None:
        return None
    marketing = client_store.get(salon.id, client_id).consents.get("marketing") or {}
    granted = marketing.get("granted")
    return granted if isinstance(granted, bool) else None


# -------------------------------------------------------------------------------------- waitlist
def admit_waitlist(salon: Salon, phone: str, *, proof: str | None, address: str, now: datetime) -> bool:
    """May this anonymous caller put ``phone`` on the waitlist? Its offers will cost the salon
    messages and go to the phone on the word of whoever typed it, so the phone must be proven
    unless the salon asks for no codes at all: a client's phone too (a booking in a client's name
    reaches them as a notice they can undo; a stranger's join would bring them offers they never
    asked for, and tell the stranger whether they wait already). Joining is counted per address, per
    phone and salon-wide. Whether the phone is proven (True) or not (False)."""
    check_country(phone, salon, field="client.phone")
    limits = salon.settings.waitlist
    proven = _proven_where_required(salon, phone, known=False, proof=proof, now=now)
    _take(
        salon.id,
        [
            _count("waitlist_joins_per_address_hour", address, limits.joins_per_address_hour, _hour(now)),
            _count("waitlist_joins_per_phone_day", phone, limits.joins_per_phone_day, _day(now)),
            _count("waitlist_joins_per_salon_hour", "salon", limits.joins_per_salon_hour, _hour(now)),
        ],
        now,
    )
    return proven
