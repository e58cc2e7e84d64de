"""Short codes (pure), the expiry a short link inherits from its signed link, a client's locale kept as
its language, the text chosen region -> language -> salon -> English, and SMS lengths of the visit
notices with a short link."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from regulars.core import links
from regulars.core.config import KeyRing
from regulars.core.fields import ClientLocale
from regulars.messaging.rules.render import best_match, compose, resolve_template
from regulars.messaging.rules.sms_parts import sms_info, sms_text
from regulars.messaging.rules.templates import DEFAULT_TEMPLATES, MessageKind, client_locale
from regulars.messaging.shortlinks import codes

KEY = b"k" * 32
RING = KeyRing.of(b"a-link-key-of-some-length")
VISIT = datetime(2026, 12, 8, 14, 30, tzinfo=UTC)


# --- codes -----------------------------------------------------------------------------------------
def test_a_code_has_at_least_40_bits_in_8_url_safe_characters():
    code = codes.code_for("https://example.com/manage.html?token=x", KEY)
    assert len(code) == codes.LENGTH == 8 and codes.is_code(code)
    assert codes.LENGTH * math.log2(len(codes.ALPHABET)) >= 40


def test_a_code_is_the_same_for_the_same_link_and_key_and_differs_otherwise():
    url = "https://example.com/manage.html?token=x"
    assert codes.code_for(url, KEY) == codes.code_for(url, KEY)
    others = {
        codes.code_for(url + "y", KEY),
        codes.code_for(url, b"another key, as long as the first"),
        codes.code_for(url, KEY, attempt=1),
    }
    assert codes.code_for(url, KEY) not in others and len(others) == 3


@given(st.lists(st.text(min_size=1, max_size=60), min_size=2, max_size=40, unique=True))
def test_codes_of_different_links_look_unrelated(urls):
    made = [codes.code_for(u, KEY) for u in urls]
    assert all(codes.is_code(c) for c in made)
    assert len(set(made)) == len(made)  # 2**47 codes: a collision here would be a broken derivation


@pytest.mark.parametrize("text", ["", "abc", "Ab3dE9x", "Ab3dE9xY1", "Ab3d-9xY", "Ab3dE9x/", "Ab3dЖ9xY"])
def test_anything_but_eight_base62_characters_is_no_code(text):
    assert not codes.is_code(text)


def test_a_short_link_on_a_short_domain_is_at_most_30_characters():
    link = codes.short_url("https://rglr.co/", codes.code_for("x", KEY))
    assert link.startswith("https://rglr.co/s/") and len(link) == 26
    # the longest host that keeps it within 30 over https
    assert len(codes.short_url("https://" + "h" * 11, "A" * codes.LENGTH)) == 30


# --- the expiry a short link inherits ----------------------------------------------------------------
def test_a_signed_links_expiry_is_read_from_its_token_and_only_from_a_genuine_one():
    expires = datetime(2027, 1, 5, 12, 0, tzinfo=UTC)
    token = links.sign(links.LinkClaims("s", "a1", "manage", expires), RING)
    assert links.expiry_of(f"https://x.test/manage.html?token={token}", RING) == expires
    kid, body, signature = token.split(".")
    forged = f"{kid}.{body}.{signature[:-2]}AA"
    assert links.expiry_of(f"https://x.test/manage.html?token={forged}", RING) is None
    assert (
        links.expiry_of(f"https://x.test/manage.html?token={token}", KeyRing.of(b"another-key-entirely"))
        is None
    )
    assert links.expiry_of("https://x.test/book.html?salon=s", RING) is None
    assert links.expiry_of(f"https://x.test/m?token={token}&token={token}", RING) is None


# --- a client's locale --------------------------------------------------------------------------------
class _In(BaseModel):
    locale: ClientLocale


@pytest.mark.parametrize(
    ("given", "kept"),
    [("ru-RU", "ru"), ("ru_RU", "ru"), ("RU", "ru"), ("es-419", "es"), ("zh-Hant-TW", "zh")],
)
def test_a_locale_comes_in_as_its_language(given, kept):
    assert _In(locale=given).locale == kept


@pytest.mark.parametrize("given", ["", "r", "russian", "ru RU", "ru-RU;q=0.9", "12-34", "ru-" + "x" * 40])
def test_what_is_no_language_tag_is_refused(given):
    with pytest.raises(ValidationError):
        _In(locale=given)


@pytest.mark.parametrize(
    ("given", "overrides", "kept"),
    [
        ("ru", None, "ru"),
        ("es", None, "es"),
        ("de", None, "en_GB"),  # no texts in German: the salon's locale
        ("de", {"appointment_booked": {"de_AT": "Gebucht: {manage_link}"}}, "de"),
        (None, None, "en_GB"),
        ("  ", None, "en_GB"),
    ],
)
def test_a_client_keeps_a_language_there_are_texts_in_else_the_salons(given, overrides, kept):
    assert client_locale(given, "en_GB", overrides) == kept


# --- the text chosen ------------------------------------------------------------------------------------
def test_a_text_is_found_by_region_then_language_then_salon_then_english():
    overrides = {"welcome": {"es_MX": "Bienvenido a {salon_name}, cuate!", "pt": "Bem-vindo, {client_name}!"}}
    assert resolve_template("welcome", ["es-MX", "en"], overrides) == ("es_MX", overrides["welcome"]["es_MX"])
    # a client in Spain gets the Spanish default, not Mexico's text
    assert (
        resolve_template("welcome", ["es-ES", "en"], overrides)[1]
        == DEFAULT_TEMPLATES[MessageKind.WELCOME]["es"]
    )
    assert (
        resolve_template("welcome", ["ru-RU", "en"], overrides)[1]
        == DEFAULT_TEMPLATES[MessageKind.WELCOME]["ru"]
    )
    assert resolve_template("welcome", ["pt-BR", "en"], overrides)[1] == overrides["welcome"]["pt"]
    assert (
        resolve_template("welcome", ["ja", "ru"], overrides)[1]
        == DEFAULT_TEMPLATES[MessageKind.WELCOME]["ru"]
    )
    assert (
        resolve_template("welcome", ["ja", "ko"], overrides)[1]
        == DEFAULT_TEMPLATES[MessageKind.WELCOME]["en"]
    )


@pytest.mark.parametrize(
    ("wanted", "found"),
    [
        (["ru-RU", "en"], "ru"),
        (["es_MX", "en"], "es-MX"),
        (["es", "en"], "en"),  # es-MX's text is not every Spanish speaker's
        (["de", None, "en"], "en"),
        (["de"], None),
    ],
)
def test_a_campaigns_text_is_matched_the_same_way(wanted, found):
    assert best_match(["en", "ru", "es-MX"], wanted) == found


# --- SMS lengths with a short link ----------------------------------------------------------------------
TYPICAL = {
    "en": ("Anna", "Manicure", "Maria"),
    "ru": ("Анна", "Маникюр", "Мария"),
    "es": ("Ana", "Manicura", "María"),
}
LINK = "https://rglr.co/s/Ab3dE9xY"


def _notice(kind: MessageKind, locale: str) -> str:
    client, service, staff = TYPICAL[locale]
    return sms_text(
        compose(
            kind,
            client_locale=locale,
            salon_locale="en",
            timezone="Europe/Berlin",
            client_name=client,
            salon_name="Studio Demo",
            service_name=service,
            staff_name=staff,
            start=VISIT,
            previous_start=VISIT - timedelta(days=1),
            price_amount=3500,
            currency="EUR",
            manage_link=LINK,
        ).text
    )


@pytest.mark.parametrize(
    ("locale", "kind", "encoding", "parts"),
    [
        ("en", MessageKind.APPOINTMENT_BOOKED, "GSM-7", 1),
        ("en", MessageKind.APPOINTMENT_MOVED, "GSM-7", 1),
        ("en", MessageKind.REMINDER, "GSM-7", 1),
        ("es", MessageKind.APPOINTMENT_BOOKED, "GSM-7", 1),  # María goes as Maria by SMS
        ("es", MessageKind.APPOINTMENT_MOVED, "GSM-7", 1),
        ("es", MessageKind.REMINDER, "GSM-7", 1),
        ("ru", MessageKind.APPOINTMENT_BOOKED, "UCS-2", 2),  # Cyrillic: 67 a part, the link alone is 26
        ("ru", MessageKind.APPOINTMENT_MOVED, "UCS-2", 2),
        ("ru", MessageKind.REMINDER, "UCS-2", 2),
    ],
)
def test_visit_notices_with_a_short_link_and_a_typical_name_take_these_parts(locale, kind, encoding, parts):
    text = _notice(kind, locale)
    info = sms_info(text)
    assert (info.encoding, info.segments) == (encoding, parts), text
    assert text.endswith(LINK) and "Studio Demo" in text and TYPICAL[locale][1] in text


def test_the_english_booking_notice_keeps_room_for_longer_names_in_one_part():
    text = _notice(MessageKind.APPOINTMENT_BOOKED, "en")
    assert sms_info(text).units <= 130  # 30 characters to spare for a longer name, salon or service
