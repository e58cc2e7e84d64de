"""Placeholder values from domain data: names as given, times and money formatted with Babel.

Babel is imported inside the functions: ``regulars`` is imported by every Lambda function and
only the ones that render messages should pay for loading locale data.

Dates and times follow each locale's own CLDR conventions (order of day and month, 12- or
24-hour clock): ``Tue, Nov 24, 10:00 AM`` (``en``, which CLDR reads as US English),
``Tue 24 Nov, 10:00`` (``en-GB``), ``вт, 24 нояб., 10:00`` (``ru``), ``mar, 24 nov, 10:00``
(``es``), ``Di., 24. Nov., 10:00`` (``de``).

Formatted values use ordinary spaces where CLDR puts no-break or narrow no-break spaces
(``1 500 ₽``, ``10:00 AM``): those characters are not in GSM-7 and would turn a Latin-script SMS
into UCS-2 (70 characters a part instead of 160).
"""

from __future__ import annotations

import copy
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from regulars.messaging.rules.templates import confirm_hint, normalize_locale

DATE_SKELETON = "MMMEd"  # weekday, day and abbreviated month, in the locale's order
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("a visit time must be timezone-aware")
    return at


def _zone(tz: str | ZoneInfo) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def format_date(at: datetime, tz: str | ZoneInfo, locale: str) -> str:
    """The visit's local date, short: ``Tue, Nov 24``, ``вт, 24 нояб.``, ``mar, 24 nov``."""
    from babel.dates import format_skeleton

    text = format_skeleton(DATE_SKELETON, _aware(at), tzinfo=_zone(tz), locale=normalize_locale(locale))
    return text.translate(_SPACES)


def format_time(at: datetime, tz: str | ZoneInfo, locale: str) -> str:
    """The visit's local time in the locale's short form: ``10:00 AM``, ``10:00``."""
    from babel.dates import format_time as babel_format_time

    text = babel_format_time(_aware(at), "short", tzinfo=_zone(tz), locale=normalize_locale(locale))
    return text.translate(_SPACES)


def format_when(at: datetime, tz: str | ZoneInfo, locale: str) -> str:
    """Date and time of a visit in the salon's time zone: ``Tue, Nov 24, 10:00 AM``,
    ``вт, 24 нояб., 10:00``, ``mar, 24 nov, 10:00``."""
    return f"{format_date(at, tz, locale)}, {format_time(at, tz, locale)}"


def format_price(amount: int, currency: str, locale: str) -> str:
    """Integer minor units as money in the locale: ``€35``, ``1 500 ₽``, ``35,50 €``.
    Whole amounts are shown without fraction digits; others with the currency's own digits."""
    from babel import Locale
    from babel.numbers import format_currency, get_currency_precision

    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError("amount must be integer minor units")
    babel_locale = Locale.parse(normalize_locale(locale))
    digits = get_currency_precision(currency)
    value = Decimal(amount).scaleb(-digits)
    text: str
    if amount % (10**digits) == 0:
        pattern = copy.copy(babel_locale.currency_formats["standard"])
        pattern.frac_prec = (0, 0)
        text = pattern.apply(
            value.to_integral_value(), babel_locale, currency=currency, currency_digits=False
        )
    else:
        text = format_currency(value, currency, locale=babel_locale)
    return text.translate(_SPACES)


def message_values(
    *,
    locale: str,
    timezone: str | ZoneInfo,
    client_name: str | None = None,
    salon_name: str | None = None,
    service_name: str | None = None,
    staff_name: str | None = None,
    start: datetime | None = None,
    previous_start: datetime | None = None,
    price_amount: int | None = None,
    currency: str | None = None,
    manage_link: str | None = None,
    amount: int | None = None,
    balance: int | None = None,
    expires_at: datetime | None = None,
    tier: str | None = None,
    rate_bp: int | None = None,
    booking_link: str | None = None,
    feedback_link: str | None = None,
    client_phone: str | None = None,
    rating: str | None = None,
    comment: str | None = None,
    services: str | None = None,
    offer: str | None = None,
    code: str | None = None,
    hold_minutes: int | None = None,
    **other_links: str | None,
) -> dict[str, str]:
    """The placeholder values for a message in ``locale``, from domain data.

    Only what is given becomes a value (a template that needs a missing one fails to render);
    ``confirm_hint`` is always there. ``start`` gives ``when``, ``date`` and ``time``;
    ``previous_start`` gives ``previous_when``; ``price_amount`` (minor units) with ``currency``
    gives ``price``. Any other link a kind declares is given by its name (``offer_link=...``): only
    names ending in ``_link`` are taken so."""
    unknown = sorted(name for name in other_links if not name.endswith("_link"))
    if unknown:
        raise TypeError(f"message_values() got unexpected keyword arguments {unknown}")
    values: dict[str, str] = {"confirm_hint": confirm_hint(locale)}
    values.update({k: v for k, v in other_links.items() if v is not None})
    names = {
        "client_name": client_name,
        "salon_name": salon_name,
        "service_name": service_name,
        "staff_name": staff_name,
        "manage_link": manage_link,
        "tier": tier,
        "booking_link": booking_link,
        "feedback_link": feedback_link,
        "client_phone": client_phone,
        "rating": rating,
        "comment": comment,
        "services": services,
        "offer": offer,
        "code": code,
        "hold_minutes": str(hold_minutes) if hold_minutes is not None else None,
    }
    values.update({k: v for k, v in names.items() if v is not None})
    if start is not None:
        values["when"] = format_when(start, timezone, locale)
        values["date"] = format_date(start, timezone, locale)
        values["time"] = format_time(start, timezone, locale)
    if previous_start is not None:
        values["previous_when"] = format_when(previous_start, timezone, locale)
    if price_amount is not None:
        if not currency:
            raise ValueError("a price needs its currency")
        values["price"] = format_price(price_amount, currency, locale)
    for name, money in (("amount", amount), ("balance", balance)):
        if money is not None:
            if not currency:
                raise ValueError("an amount needs its currency")
            values[name] = format_price(money, currency, locale)
    if expires_at is not None:
        values["expires"] = format_date(expires_at, timezone, locale)
    if rate_bp is not None:
        from babel.numbers import format_percent

        values["rate"] = format_percent(rate_bp / 10_000, locale=normalize_locale(locale)).translate(_SPACES)
    return values
