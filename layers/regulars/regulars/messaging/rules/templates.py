"""Message kinds, their placeholders, the default texts, and the checks a salon's own text passes.

A template is plain text with ``{placeholder}`` fields (``{{`` and ``}}`` for literal braces).
Each kind allows a fixed set of placeholders; a salon's override may use any of them and no
other, with no attribute access, indexing, conversion or format spec. Overrides are checked when
the salon saves them (:func:`validate_overrides`) and again before use.

The default English and Spanish texts use only GSM-7 characters (Spanish avoids the accented
vowels the GSM basic set lacks), so that with GSM-7 values they travel at 160 characters per SMS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from string import Formatter

from regulars.core.errors import DomainError, FieldError, InvalidInput
from regulars.messaging.rules.keywords import REPLY_WORDS

MAX_TEMPLATE_CHARS = 1000


class MessageKind(StrEnum):
    APPOINTMENT_BOOKED = "appointment_booked"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_CANCELLED = "appointment_cancelled"
    REMINDER = "reminder"
    REMINDER_WITH_CONFIRMATION = "reminder_with_confirmation"
    STAFF_APPOINTMENT_BOOKED = "staff_appointment_booked"
    STAFF_APPOINTMENT_MOVED = "staff_appointment_moved"
    STAFF_APPOINTMENT_CANCELLED = "staff_appointment_cancelled"
    OPT_OUT_CONFIRMATION = "opt_out_confirmation"
    BONUS_EARNED = "bonus_earned"
    BONUS_BURN_WARNING = "bonus_burn_warning"
    TIER_UP = "tier_up"
    BIRTHDAY_GREETING = "birthday_greeting"
    FEEDBACK_REQUEST = "feedback_request"
    WELCOME = "welcome"
    THANK_YOU = "thank_you"
    MANAGER_ALERT = "manager_alert"
    REPEAT_INVITATION = "repeat_invitation"
    REBOOK_INVITATION = "rebook_invitation"
    WINBACK = "winback"
    WINBACK_BONUS = "winback_bonus"
    PHONE_CODE = "phone_code"
    WAITLIST_OFFER = "waitlist_offer"


# The messages a reply answers: a YES or a NO that quotes none answers the last of them the address
# was sent (regulars.messaging.inbound), whatever else went to it since.
ANSWERED_BY_REPLY = frozenset({MessageKind.REMINDER_WITH_CONFIRMATION.value})


class TemplateError(InvalidInput):
    """A template text that cannot be used: unknown placeholder, bad syntax, empty, too long."""

    code = "invalid_template"


class MissingTemplateValues(DomainError):
    """A template needs values the caller did not provide."""

    code = "missing_template_values"


_VISIT = frozenset(
    {"client_name", "salon_name", "service_name", "staff_name", "when", "date", "time", "price"}
)

PLACEHOLDERS: dict[MessageKind, frozenset[str]] = {
    MessageKind.APPOINTMENT_BOOKED: _VISIT | {"manage_link"},
    MessageKind.APPOINTMENT_MOVED: _VISIT | {"manage_link", "previous_when"},
    MessageKind.APPOINTMENT_CANCELLED: _VISIT | {"manage_link"},
    MessageKind.REMINDER: _VISIT | {"manage_link"},
    MessageKind.REMINDER_WITH_CONFIRMATION: _VISIT | {"manage_link", "confirm_hint"},
    MessageKind.STAFF_APPOINTMENT_BOOKED: _VISIT,
    MessageKind.STAFF_APPOINTMENT_MOVED: _VISIT | {"previous_when"},
    MessageKind.STAFF_APPOINTMENT_CANCELLED: _VISIT,
    MessageKind.OPT_OUT_CONFIRMATION: frozenset({"client_name", "salon_name"}),
    MessageKind.BONUS_EARNED: frozenset({"client_name", "salon_name", "amount", "balance", "expires"}),
    MessageKind.BONUS_BURN_WARNING: frozenset(
        {"client_name", "salon_name", "amount", "expires", "booking_link"}
    ),
    MessageKind.TIER_UP: frozenset({"client_name", "salon_name", "tier", "rate"}),
    MessageKind.BIRTHDAY_GREETING: frozenset(
        {"client_name", "salon_name", "amount", "expires", "booking_link"}
    ),
    MessageKind.FEEDBACK_REQUEST: frozenset(
        {"client_name", "salon_name", "service_name", "staff_name", "feedback_link"}
    ),
    MessageKind.WELCOME: frozenset({"client_name", "salon_name"}),
    MessageKind.THANK_YOU: frozenset({"client_name", "salon_name", "staff_name", "booking_link"}),
    MessageKind.MANAGER_ALERT: frozenset(
        {"client_name", "client_phone", "service_name", "staff_name", "rating", "comment"}
    ),
    MessageKind.REPEAT_INVITATION: frozenset({"client_name", "salon_name", "services", "booking_link"}),
    MessageKind.REBOOK_INVITATION: _VISIT | {"booking_link"},
    MessageKind.WINBACK: frozenset({"client_name", "salon_name", "offer", "booking_link"}),
    MessageKind.WINBACK_BONUS: frozenset(
        {"client_name", "salon_name", "offer", "amount", "expires", "booking_link"}
    ),
    MessageKind.PHONE_CODE: frozenset({"code", "salon_name"}),
    MessageKind.WAITLIST_OFFER: frozenset(
        {
            "client_name",
            "salon_name",
            "service_name",
            "staff_name",
            "when",
            "date",
            "time",
            "hold_minutes",
            "offer_link",
        }
    ),
}

K = MessageKind
DEFAULT_TEMPLATES: dict[MessageKind, dict[str, str]] = {
    K.APPOINTMENT_BOOKED: {
        "en": "{client_name}, you're booked at {salon_name}: {service_name} with {staff_name}, {when}, "
        "{price}. Manage: {manage_link}",
        "ru": "{client_name}, вы записаны в {salon_name}: {service_name}, мастер {staff_name}, {when}, "
        "{price}. Ваша запись: {manage_link}",
        "es": "{client_name}, tienes cita en {salon_name}: {service_name} con {staff_name}, {when}, "
        "{price}. Tu cita: {manage_link}",
    },
    K.APPOINTMENT_MOVED: {
        "en": "{client_name}, your visit to {salon_name} is moved to {when}: {service_name} with "
        "{staff_name}. Manage: {manage_link}",
        "ru": "{client_name}, ваша запись в {salon_name} перенесена на {when}: {service_name}, "
        "мастер {staff_name}. Ваша запись: {manage_link}",
        "es": "{client_name}, tu cita en {salon_name} cambia a {when}: {service_name} con {staff_name}. "
        "Tu cita: {manage_link}",
    },
    K.APPOINTMENT_CANCELLED: {
        "en": "{client_name}, your visit to {salon_name} ({service_name}, {when}) is cancelled.",
        "ru": "{client_name}, ваша запись в {salon_name} ({service_name}, {when}) отменена.",
        "es": "{client_name}, tu cita en {salon_name} ({service_name}, {when}) queda cancelada.",
    },
    K.REMINDER: {
        "en": "Reminder: {service_name} at {salon_name}, {when}, with {staff_name}. Manage: {manage_link}",
        "ru": "Напоминаем: {service_name} в {salon_name}, {when}, мастер {staff_name}. Ваша запись: "
        "{manage_link}",
        "es": "Recordatorio: {service_name} en {salon_name}, {when}, con {staff_name}. Tu cita: {manage_link}",
    },
    K.REMINDER_WITH_CONFIRMATION: {
        "en": "Reminder: {service_name} at {salon_name}, {when}, with {staff_name}. {confirm_hint}",
        "ru": "Напоминаем: {service_name} в {salon_name}, {when}, мастер {staff_name}. {confirm_hint}",
        "es": "Recordatorio: {service_name} en {salon_name}, {when}, con {staff_name}. {confirm_hint}",
    },
    K.STAFF_APPOINTMENT_BOOKED: {
        "en": "New booking: {client_name}, {service_name}, {when}.",
        "ru": "Новая запись: {client_name}, {service_name}, {when}.",
        "es": "Nueva cita: {client_name}, {service_name}, {when}.",
    },
    K.STAFF_APPOINTMENT_MOVED: {
        "en": "Moved: {client_name}, {service_name}, now {when} (was {previous_when}).",
        "ru": "Перенос: {client_name}, {service_name}, {when} (было {previous_when}).",
        "es": "Cita cambiada: {client_name}, {service_name}, ahora {when} (antes {previous_when}).",
    },
    K.STAFF_APPOINTMENT_CANCELLED: {
        "en": "Cancelled: {client_name}, {service_name}, {when}.",
        "ru": "Отмена: {client_name}, {service_name}, {when}.",
        "es": "Cita cancelada: {client_name}, {service_name}, {when}.",
    },
    K.BONUS_EARNED: {
        "en": "{client_name}, you earned {amount} bonus at {salon_name}. Balance: {balance}, to spend by {expires}.",
        "ru": "{client_name}, вам начислено {amount} бонусами в {salon_name}. Баланс: {balance}, потратить до {expires}.",
        "es": "{client_name}, has ganado {amount} de saldo en {salon_name}. Saldo: {balance}, para usar hasta el {expires}.",
    },
    K.BONUS_BURN_WARNING: {
        "en": "{client_name}, {amount} of your bonus at {salon_name} burns on {expires}. Book a visit to use it: "
        "{booking_link}",
        "ru": "{client_name}, {expires} у вас сгорят бонусы на {amount} в {salon_name}. Запишитесь, чтобы потратить их: "
        "{booking_link}",
        "es": "{client_name}, {amount} de tu saldo en {salon_name} caduca el {expires}. Reserva para usarlo: "
        "{booking_link}",
    },
    K.TIER_UP: {
        "en": "{client_name}, welcome to {tier} at {salon_name}: from now on {rate} of every visit comes back as bonus.",
        "ru": "{client_name}, теперь у вас уровень {tier} в {salon_name}: {rate} каждого визита вернется бонусами.",
        "es": "{client_name}, ya eres {tier} en {salon_name}: desde ahora el {rate} de cada visita vuelve como saldo.",
    },
    K.BIRTHDAY_GREETING: {
        "en": "Happy birthday, {client_name}! {salon_name} gives you {amount} bonus, to spend by {expires}: "
        "{booking_link}",
        "ru": "С днём рождения, {client_name}! {salon_name} дарит вам {amount} бонусами до {expires}: {booking_link}",
        "es": "¡Feliz cumpleaños, {client_name}! {salon_name} te regala {amount} de saldo hasta el {expires}: "
        "{booking_link}",
    },
    K.FEEDBACK_REQUEST: {
        "en": "{client_name}, how was your {service_name} with {staff_name}? Tell us in one tap: {feedback_link}",
        "ru": "{client_name}, как вам {service_name} у мастера {staff_name}? Оцените визит: {feedback_link}",
        "es": "{client_name}, ¿qué tal tu {service_name} con {staff_name}? Cuéntanos en un toque: {feedback_link}",
    },
    K.WELCOME: {
        "en": "Welcome to {salon_name}, {client_name}! We look forward to seeing you.",
        "ru": "{client_name}, добро пожаловать в {salon_name}! Будем рады вас видеть.",
        "es": "¡Te damos la bienvenida a {salon_name}, {client_name}! Te esperamos con gusto.",
    },
    K.THANK_YOU: {
        "en": "Thank you for your first visit to {salon_name}, {client_name}. {staff_name} will be glad to see you "
        "again: {booking_link}",
        "ru": "{client_name}, спасибо за первый визит в {salon_name}. {staff_name} ждёт вас снова: "
        "{booking_link}",
        "es": "Gracias por tu primera visita a {salon_name}, {client_name}. {staff_name} te espera de nuevo: "
        "{booking_link}",
    },
    K.MANAGER_ALERT: {
        "en": "Unhappy client: {client_name} ({client_phone}) rated {service_name} with {staff_name} {rating}/5. "
        '"{comment}" A follow-up task is open.',
        "ru": "Недовольный клиент: {client_name} ({client_phone}) оценил(а) {service_name}, мастер {staff_name}, на "
        '{rating}/5. "{comment}" Открыта задача перезвонить.',
        "es": "Cliente insatisfecho: {client_name} ({client_phone}) puso {rating}/5 a {service_name} con "
        '{staff_name}. "{comment}" Hay una tarea de seguimiento abierta.',
    },
    K.REPEAT_INVITATION: {
        "en": "{client_name}, it's time for your {services} at {salon_name}. Book in one tap: {booking_link}",
        "ru": "{client_name}, пора снова к нам в {salon_name}: {services}. Записаться: {booking_link}",
        "es": "{client_name}, ya toca tu {services} en {salon_name}. Reserva en un toque: {booking_link}",
    },
    K.REBOOK_INVITATION: {
        "en": "{client_name}, we're sorry we didn't see you on {date} at {salon_name}. Book a new time for "
        "{service_name}: {booking_link}",
        "ru": "{client_name}, жаль, что {date} не получилось прийти в {salon_name}. Выберите новое время для "
        "{service_name}: {booking_link}",
        "es": "{client_name}, sentimos no haberte visto el {date} en {salon_name}. Elige otra hora para "
        "{service_name}: {booking_link}",
    },
    K.WINBACK: {
        "en": "{client_name}, we miss you at {salon_name}! {offer}Book a visit: {booking_link}",
        "ru": "{client_name}, мы скучаем! {offer}Ждем вас в {salon_name}: {booking_link}",
        "es": "{client_name}, ¡te echamos de menos en {salon_name}! {offer}Reserva tu cita: {booking_link}",
    },
    K.WINBACK_BONUS: {
        "en": "{client_name}, we miss you at {salon_name}! Here is {amount} bonus for your next visit, until "
        "{expires}. {offer}Book: {booking_link}",
        "ru": "{client_name}, мы скучаем! {salon_name} дарит вам {amount} бонусами до {expires}. {offer}"
        "Записаться: {booking_link}",
        "es": "{client_name}, ¡te echamos de menos en {salon_name}! Te regalamos {amount} de saldo hasta el "
        "{expires}. {offer}Reserva: {booking_link}",
    },
    K.PHONE_CODE: {  # short: one part in GSM-7 and in UCS-2 with a typical salon name
        "en": "{code} is your code to book at {salon_name}. It works for 10 minutes.",
        "ru": "Код для записи в {salon_name}: {code}. Действует 10 минут.",
        "es": "{code} es tu codigo para reservar en {salon_name}. Vale 10 minutos.",
    },
    K.WAITLIST_OFFER: {  # short: one GSM-7 part in English with a typical name and a short link
        "en": "{client_name}, {service_name} {when} is free at {salon_name}. Tap in {hold_minutes} min to book: "
        "{offer_link}",
        "ru": "{client_name}, освободилось время: {service_name}, {when}, {salon_name}. Записаться "
        "({hold_minutes} мин): {offer_link}",
        "es": "{client_name}, hay hueco: {service_name} {when} en {salon_name}. Reserva en {hold_minutes} min: "
        "{offer_link}",
    },
    K.OPT_OUT_CONFIRMATION: {
        "en": "You're unsubscribed from {salon_name} messages. Reply START to resubscribe.",
        "ru": "Вы отписались от сообщений {salon_name}. Вернуть их: ответьте СТАРТ.",
        "es": "Te has dado de baja de los mensajes de {salon_name}. Para volver a recibirlos, responde ALTA.",
    },
}
del K

# The sentence behind {confirm_hint}: it names exactly the reply words keywords.classify reads.
CONFIRM_HINTS: dict[str, str] = {
    "en": "Reply {yes} to confirm or {no} to cancel.",
    "ru": "Ответьте {yes}, чтобы подтвердить, или {no}, чтобы отменить.",
    "es": "Responde {yes} para confirmar o {no} para cancelar.",
}
DEFAULT_LOCALE = "en"

_NAME = re.compile(r"^[a-z_]+$")


def placeholders(text: str) -> list[str]:
    """The placeholder names a template uses, in order; TemplateError for a malformed text
    (unbalanced braces, ``{a.b}``, ``{a[0]}``, ``{a!r}``, ``{a:>9}``, ``{}``)."""
    names = []
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as exc:
        raise TemplateError.field("template", f"malformed placeholder syntax ({exc})") from exc
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _NAME.match(name) or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise TemplateError.field(
                "template", f"{shown} is not a plain placeholder such as {{client_name}}"
            )
        names.append(name)
    return names


def validate_template(text: str, kind: MessageKind | str) -> None:
    """Refuse a text that ``kind`` cannot render: see :func:`placeholders`, plus unknown
    placeholders for the kind, an empty text, or more than MAX_TEMPLATE_CHARS characters."""
    kind = parse_kind(kind)
    if not text.strip():
        raise TemplateError.field("template", "must not be empty")
    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateError.field("template", f"must be at most {MAX_TEMPLATE_CHARS} characters")
    unknown = sorted(set(placeholders(text)) - PLACEHOLDERS[kind])
    if unknown:
        allowed = ", ".join("{" + n + "}" for n in sorted(PLACEHOLDERS[kind]))
        raise TemplateError.field(
            "template",
            f"unknown placeholder(s) {', '.join('{' + n + '}' for n in unknown)} for {kind}; allowed: {allowed}",
        )


Overrides = Mapping[str, Mapping[str, str]]  # kind -> locale -> text


def validate_overrides(overrides: Overrides) -> None:
    """Check a salon's overrides, ``{kind: {locale: text}}``, all at once: every kind known,
    every locale a valid tag Babel knows, every text valid for its kind. One TemplateError
    lists every problem, each field named ``kind.locale``."""
    problems: list[FieldError] = []
    for kind, texts in overrides.items():
        if kind not in PLACEHOLDERS:
            problems.append(FieldError(str(kind), "unknown message kind"))
            continue
        for locale, text in texts.items():
            name = f"{kind}.{locale}"
            if not is_known_locale(locale):
                problems.append(FieldError(name, "unknown locale"))
                continue
            try:
                validate_template(text, kind)
            except TemplateError as exc:
                problems.extend(FieldError(name, f.reason) for f in exc.fields)
    if problems:
        raise TemplateError("; ".join(f"{p.field}: {p.reason}" for p in problems), fields=problems)


def normalize_locale(locale: str) -> str:
    """``es-MX`` -> ``es_MX``; ``RU`` -> ``ru``."""
    parts = locale.strip().replace("-", "_").split("_")
    return "_".join([parts[0].lower(), *(p.upper() if len(p) == 2 else p for p in parts[1:])])


def language_of(locale: str) -> str:
    return normalize_locale(locale).split("_")[0]


def text_languages(overrides: Overrides | None = None) -> frozenset[str]:
    """The languages there are texts in: the default ones, and those of a salon's own texts."""
    own = {language_of(locale) for texts in (overrides or {}).values() for locale in texts if locale.strip()}
    return frozenset({DEFAULT_LOCALE, *DEFAULT_TEMPLATES[MessageKind.APPOINTMENT_BOOKED], *own})


def client_locale(given: str | None, salon_locale: str, overrides: Overrides | None = None) -> str:
    """The locale to keep for a client who came with ``given`` (a BCP 47 tag as a browser or a form sends
    it: ``ru-RU``, ``ru_RU``, ``RU``): its language (``ru``) when there are texts in it, else the
    salon's locale (nothing given, ``xx``, a language with no texts). Regional texts a salon writes
    (``es_MX``) are still found for a client whose locale names the region (set by the salon)."""
    if given and given.strip():
        language = language_of(given)
        if language in text_languages(overrides):
            return language
    return salon_locale


def is_known_locale(locale: str) -> bool:
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(normalize_locale(locale))
    except (UnknownLocaleError, ValueError, TypeError):
        return False
    return True


def confirm_hint(locale: str) -> str:
    """The reply instruction for {confirm_hint} in ``locale``'s language; English for a language
    without one (a salon writing its own text in another language writes its own hint)."""
    language = language_of(locale)
    if language not in CONFIRM_HINTS:
        language = DEFAULT_LOCALE
    yes, no = REPLY_WORDS[language]
    return CONFIRM_HINTS[language].format(yes=yes, no=no)


def parse_kind(kind: MessageKind | str) -> MessageKind:
    try:
        return MessageKind(kind)
    except ValueError:
        raise TemplateError.field("kind", f"unknown message kind {kind!r}") from None
