"""SMS length: every message kind in English, Russian and Spanish with typical values (a short name, a
service such as "Manicure", a date and time), as the SMS channel sends it (folded to GSM-7 where that
makes it GSM-7), its encoding and billed parts; and the length of each link in a message, long and
short. Pure computation: no table, no network."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from regulars.core import links
from regulars.core.config import KeyRing
from regulars.messaging.rules.render import compose
from regulars.messaging.rules.sms_parts import sms_info, sms_text
from regulars.messaging.rules.templates import MessageKind
from regulars.messaging.shortlinks import codes

from bench.report import table

PUBLIC = "https://booking.studio-demo.example"  # where a salon's pages live: a usual custom domain
SHORT = "https://rglr.co"  # a short domain mapped to the API (SHORT_LINK_BASE_URL)
LOCAL = "http://127.0.0.1:3000"  # the local runtime: no short domain, the public origin serves /s/
KEYS = KeyRing.of(b"bench-link-key-0123456789")
VISIT = datetime(2026, 12, 8, 14, 30, tzinfo=UTC)
VALUES = {
    "en": {"client_name": "Anna", "service_name": "Manicure", "staff_name": "Maria", "offer": "20% off. "},
    "ru": {"client_name": "Анна", "service_name": "Маникюр", "staff_name": "Мария", "offer": "Скидка 20%. "},
    "es": {"client_name": "Ana", "service_name": "Manicura", "staff_name": "María", "offer": "20% menos. "},
}


def _long_links() -> dict[str, str]:
    def signed(page: str, purpose: str) -> str:
        claims = links.LinkClaims(
            "studio-demo", "01kb6yk3z8k4xq2v7m9p3rt5wd", purpose, VISIT + timedelta(days=30)
        )
        return f"{PUBLIC}/{page}?token={links.sign(claims, KEYS)}"

    return {
        "manage_link": signed("manage.html", "manage"),
        "feedback_link": signed("feedback.html", "feedback"),
        "booking_link": f"{PUBLIC}/book.html?salon=studio-demo&service=manicure",
        "referral link": f"{PUBLIC}/book.html?salon=studio-demo&ref=K7QM2XWP",
    }


def _short(base: str, url: str) -> str:
    return codes.short_url(base, codes.code_for(url, KEYS.current[1]))


def _text(kind: MessageKind, locale: str, link: str) -> str:
    words = VALUES[locale]
    return compose(
        kind,
        client_locale=locale,
        salon_locale="en",
        timezone="Europe/Berlin",
        salon_name="Studio Demo",
        start=VISIT,
        previous_start=VISIT - timedelta(days=1),
        price_amount=3500,
        currency="EUR",
        amount=500,
        balance=1200,
        expires_at=VISIT + timedelta(days=60),
        tier="Gold",
        rate_bp=1000,
        services=words["service_name"],
        code="482913",
        rating="2",
        comment="Waited too long",
        client_phone="+4915123456789",
        manage_link=link,
        booking_link=link,
        feedback_link=link,
        **{k: v for k, v in words.items() if k != "offer"},
        offer=words["offer"] if kind is MessageKind.WINBACK_BONUS else "",
    ).text


def report() -> str:
    long = _long_links()
    link = _short(SHORT, long["manage_link"])
    rows = []
    worst = {"en": 0, "ru": 0, "es": 0}
    for kind in MessageKind:
        row: list[object] = [kind.value]
        for locale in ("en", "ru", "es"):
            info = sms_info(sms_text(_text(kind, locale, link)))
            worst[locale] = max(worst[locale], info.segments)
            row.append(f"{info.encoding} {info.units} / {info.segments}")
        rows.append(row)
    kinds = table(
        "SMS parts of every message kind (encoding, units / parts)",
        ["kind", "en", "ru", "es"],
        rows,
        note=(
            f"Typical values: Anna / Анна / Ana, Manicure, Maria / Мария / María, Studio Demo, "
            f"{VISIT:%a %d %b} 15:30 Berlin, EUR 35, every link {len(link)} characters ({SHORT}/s/…). "
            "GSM-7 holds 160 septets in one part (153 a part beyond), UCS-2 70 units (67). "
            f"Most parts of any kind: en {worst['en']}, ru {worst['ru']}, es {worst['es']}."
        ),
    )
    link_rows = [
        [name, len(url), len(_short(SHORT, url)), len(_short(LOCAL, url))] for name, url in long.items()
    ]
    lengths = table(
        "Links in messages: characters",
        ["link", f"full ({PUBLIC})", f"short ({SHORT})", f"short (local, {LOCAL})"],
        link_rows,
        note=f"A short link is the origin, `/s/` and {codes.LENGTH} characters of code; "
        "an origin of at most 19 characters (`https://` and an 11-character host) keeps it within 30.",
    )
    return kinds + "\n" + lengths
