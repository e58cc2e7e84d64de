"""Templates: default texts, Babel-formatted values, overrides, the locale chain, validation."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from string import Formatter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.messaging.rules.formatting import format_price, format_when, message_values
from regulars.messaging.rules.render import compose, fill, locale_chain, render, resolve_template
from regulars.messaging.rules.sms_parts import sms_encoding, sms_segments
from regulars.messaging.rules.templates import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    MessageKind,
    MissingTemplateValues,
    TemplateError,
    placeholders,
    validate_overrides,
    validate_template,
)

VISIT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Berlin and Madrid, 12:00 in Moscow
EARLIER = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)
LINK = "https://regulars.example/m/Xy7"


def facts(**changes):
    base = dict(
        timezone="Europe/Berlin",
        client_name="Anna",
        salon_name="Studio Nine",
        service_name="Haircut",
        staff_name="Maria",
        start=VISIT,
        price_amount=3500,
        currency="EUR",
        manage_link=LINK,
        amount=1250,
        balance=4000,
        expires_at=VISIT,
        tier="Gold",
        rate_bp=1000,
        booking_link="https://example.com/book.html?salon=s",
        feedback_link="https://example.com/feedback.html?token=t",
        client_phone="+4915123456789",
        rating="2",
        comment="Too long a wait",
        services="Manicure and Pedicure",
        offer="20% off colouring. ",
        code="482913",
        offer_link="https://example.com/offer.html?s=s&o=AbCdEfGh12345678",
        hold_minutes=15,
    )
    return base | changes


@pytest.mark.parametrize(
    ("locale", "timezone", "expected"),
    [
        ("en", "Europe/Berlin", "Tue, Nov 24, 10:00 AM"),
        ("en-US", "America/New_York", "Tue, Nov 24, 4:00 AM"),
        ("en-GB", "Europe/London", "Tue 24 Nov, 09:00"),
        ("ru", "Europe/Berlin", "вт, 24 нояб., 10:00"),
        ("ru", "Europe/Moscow", "вт, 24 нояб., 12:00"),
        ("es", "Europe/Madrid", "mar, 24 nov, 10:00"),
        ("es-MX", "America/Mexico_City", "mar 24 de nov, 3:00 a.m."),
        ("de", "Europe/Berlin", "Di., 24. Nov., 10:00"),
    ],
)
def test_visit_time_is_formatted_for_the_locale_in_the_salons_zone(locale, timezone, expected):
    assert format_when(VISIT, timezone, locale) == expected


def test_formatted_values_use_plain_spaces():
    # CLDR's narrow no-break space before AM would make an English SMS UCS-2
    assert sms_encoding(format_when(VISIT, "Europe/Berlin", "en")) == "GSM-7"
    assert format_price(150000, "RUB", "ru") == "1 500 ₽"


def test_visit_time_on_a_day_the_clocks_change():
    # 2026-11-01 in New York: 10:00 EST is 15:00 UTC
    assert (
        format_when(datetime(2026, 11, 1, 15, 0, tzinfo=UTC), "America/New_York", "en")
        == "Sun, Nov 1, 10:00 AM"
    )


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "expected"),
    [
        (3500, "EUR", "en", "€35"),
        (3550, "EUR", "en", "€35.50"),
        (3500, "EUR", "es", "35 €"),
        (3550, "EUR", "es", "35,50 €"),
        (150000, "RUB", "ru", "1 500 ₽"),
        (150050, "RUB", "ru", "1 500,50 ₽"),
        (2500, "USD", "en", "$25"),
        (1000, "JPY", "en", "¥1,000"),  # no minor units
        (12345, "KWD", "en", "KWD12.345"),  # three
    ],
)
def test_price_is_money_from_minor_units(amount, currency, locale, expected):
    assert format_price(amount, currency, locale) == expected


def test_price_refuses_anything_but_integer_minor_units():
    with pytest.raises(TypeError):
        format_price(35.0, "EUR", "en")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            "Anna, you're booked at Studio Nine: Haircut with Maria, Tue, Nov 24, 10:00 AM, €35. "
            f"Manage: {LINK}",
        ),
        (
            "ru",
            "Anna, вы записаны в Studio Nine: Haircut, мастер Maria, вт, 24 нояб., 10:00, 35 €. "
            f"Ваша запись: {LINK}",
        ),
        (
            "es",
            f"Anna, tienes cita en Studio Nine: Haircut con Maria, mar, 24 nov, 10:00, 35 €. Tu cita: {LINK}",
        ),
    ],
)
def test_appointment_booked_in_each_language(locale, expected):
    result = compose(MessageKind.APPOINTMENT_BOOKED, client_locale=locale, salon_locale="en", **facts())
    assert result.text == expected
    assert result.locale == locale


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (
            "en",
            "Reminder: Haircut at Studio Nine, Tue, Nov 24, 10:00 AM, with Maria. "
            "Reply YES to confirm or NO to cancel.",
        ),
        (
            "ru",
            "Напоминаем: Стрижка в Studio Nine, вт, 24 нояб., 10:00, мастер Мария. "
            "Ответьте ДА, чтобы подтвердить, или НЕТ, чтобы отменить.",
        ),
        (
            "es",
            "Recordatorio: Corte en Studio Nine, mar, 24 nov, 10:00, con Maria. "
            "Responde SI para confirmar o NO para cancelar.",
        ),
    ],
)
def test_reminder_with_confirmation_in_each_language(locale, expected):
    names = {"en": ("Haircut", "Maria"), "ru": ("Стрижка", "Мария"), "es": ("Corte", "Maria")}[locale]
    result = compose(
        "reminder_with_confirmation",
        client_locale=locale,
        salon_locale=None,
        **facts(service_name=names[0], staff_name=names[1]),
    )
    assert result.text == expected


def test_staff_message_about_a_moved_visit():
    result = compose(
        "staff_appointment_moved",
        client_locale=None,
        salon_locale="ru",
        **facts(timezone="Europe/Moscow", client_name="Анна", service_name="Стрижка", previous_start=EARLIER),
    )
    assert result.text == "Перенос: Анна, Стрижка, вт, 24 нояб., 12:00 (было пн, 23 нояб., 18:30)."


def test_english_and_spanish_reminders_fit_one_gsm7_sms():
    for locale in ("en", "es"):
        text = compose("reminder_with_confirmation", client_locale=locale, salon_locale=None, **facts()).text
        assert sms_encoding(text) == "GSM-7"
        assert sms_segments(text) == 1


def test_every_kind_has_a_valid_default_in_every_language():
    assert set(DEFAULT_TEMPLATES) == set(MessageKind) == set(PLACEHOLDERS)
    for kind, texts in DEFAULT_TEMPLATES.items():
        assert set(texts) == {"en", "ru", "es"}, kind
        for text in texts.values():
            validate_template(text, kind)


def test_english_and_spanish_defaults_are_gsm7_apart_from_their_values():
    for kind, texts in DEFAULT_TEMPLATES.items():
        for locale in ("en", "es"):
            literal = "".join(piece for piece, *_ in Formatter().parse(texts[locale]))
            assert sms_encoding(literal) == "GSM-7", (kind, locale)


def test_every_default_renders_with_full_values():
    for kind, texts in DEFAULT_TEMPLATES.items():
        for locale in texts:
            values = message_values(locale=locale, previous_start=EARLIER, **facts())
            text = render(kind, locale, values)
            assert "{" not in text and "}" not in text


def test_locale_chain_is_client_then_salon_then_english():
    assert locale_chain("es-MX", "ru") == ("es_MX", "ru", "en")
    assert locale_chain(None, "ru") == ("ru", "en")
    assert locale_chain("en", "en") == ("en",)
    assert locale_chain("", None) == ("en",)


def test_a_language_without_a_text_falls_back_to_the_salons_and_values_follow_it():
    result = compose("reminder", client_locale="de", salon_locale="ru", **facts())
    assert result.locale == "ru"
    assert result.text.startswith("Напоминаем: Haircut в Studio Nine, вт, 24 нояб., 10:00")


def test_a_regional_locale_uses_its_languages_text_and_its_own_formats():
    result = compose(
        "appointment_booked",
        client_locale="es-MX",
        salon_locale="en",
        **facts(timezone="America/Mexico_City", price_amount=35000, currency="MXN"),
    )
    assert result.locale == "es_MX"
    assert result.text.startswith(
        "Anna, tienes cita en Studio Nine: Haircut con Maria, mar 24 de nov, 3:00 a.m., $350."
    )


def test_a_salon_override_wins_for_its_kind_and_locale():
    overrides = {"reminder": {"es": "Hola {client_name}! Te esperamos {when} en {salon_name}."}}
    validate_overrides(overrides)
    for locale in ("es", "es-ES"):
        result = compose("reminder", client_locale=locale, salon_locale="en", overrides=overrides, **facts())
        assert result.text == "Hola Anna! Te esperamos mar, 24 nov, 10:00 en Studio Nine."
    mexico = compose("reminder", client_locale="es-MX", salon_locale="en", overrides=overrides, **facts())
    assert mexico.text == "Hola Anna! Te esperamos mar 24 de nov, 10:00 a.m. en Studio Nine."
    # other kinds and locales keep the defaults
    assert compose(
        "reminder", client_locale="en", salon_locale=None, overrides=overrides, **facts()
    ).text.startswith("Reminder:")
    assert compose(
        "appointment_cancelled", client_locale="es", salon_locale=None, overrides=overrides, **facts()
    ).text.startswith("Anna, tu cita en")


def test_an_exact_regional_override_beats_the_language_one():
    overrides = {"reminder": {"es": "A {client_name}", "es-MX": "B {client_name}"}}
    assert render("reminder", "es_MX", {"client_name": "Ana"}, overrides) == "B Ana"
    assert render("reminder", "es_AR", {"client_name": "Ana"}, overrides) == "A Ana"


def test_an_override_in_a_language_without_defaults_is_used():
    overrides = {"reminder": {"de": "Erinnerung: {service_name}, {when}."}}
    validate_overrides(overrides)
    result = compose("reminder", client_locale="de", salon_locale="ru", overrides=overrides, **facts())
    assert (result.locale, result.text) == ("de", "Erinnerung: Haircut, Di., 24. Nov., 10:00.")
    assert "Erinnerung" in render("reminder", ["de"], message_values(locale="de", **facts()), overrides)


def test_resolve_reports_the_locale_the_text_was_found_for():
    assert resolve_template("reminder", ["fr", "es"])[0] == "es"
    assert resolve_template("reminder", "fr")[0] == "en"


def test_missing_values_are_an_error_naming_them():
    with pytest.raises(MissingTemplateValues, match=r"\{manage_link\}, \{when\}"):
        render("reminder", "en", {"service_name": "Haircut", "salon_name": "S", "staff_name": "M"})


def test_values_are_inserted_literally():
    text = fill("Hi {client_name}, {{literal}}", {"client_name": "{salon_name} {0} {client_name.__class__}"})
    assert text == "Hi {salon_name} {0} {client_name.__class__}, {literal}"


def test_an_empty_value_leaves_no_double_space():
    values = message_values(locale="en", **facts()) | {"confirm_hint": ""}
    assert render("reminder_with_confirmation", "en", values).endswith("with Maria.")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Hi {client}", "unknown placeholder(s) {client}"),
        ("Hi {client_name.__class__}", "not a plain placeholder"),
        ("Hi {client_name[0]}", "not a plain placeholder"),
        ("Hi {client_name!r}", "not a plain placeholder"),
        ("Hi {client_name:>20}", "not a plain placeholder"),
        ("Hi {}", "not a plain placeholder"),
        ("Hi {0}", "not a plain placeholder"),
        ("Hi {client_name", "malformed"),
        ("Hi client_name}", "malformed"),
        ("   ", "must not be empty"),
        ("x" * 1001, "at most 1000"),
        ("Reply {confirm_hint}", "unknown placeholder(s) {confirm_hint} for reminder"),
    ],
)
def test_invalid_templates_are_refused_with_a_clear_reason(text, reason):
    with pytest.raises(TemplateError) as caught:
        validate_template(text, "reminder")
    assert reason in caught.value.message
    assert caught.value.code == "invalid_template"
    assert caught.value.fields and caught.value.fields[0].field == "template"


def test_the_unknown_placeholder_error_lists_what_is_allowed():
    with pytest.raises(TemplateError) as caught:
        validate_template("Bye {when}", "opt_out_confirmation")
    assert "allowed: {client_name}, {salon_name}" in caught.value.message


def test_literal_braces_are_allowed():
    validate_template("Use code {{SPRING}} at {salon_name}", "reminder")
    assert placeholders("Use code {{SPRING}} at {salon_name}") == ["salon_name"]


def test_overrides_are_checked_all_at_once():
    overrides = {
        "reminder": {"en": "Hi {nope}", "xx": "Hi", "ru": "Привет, {client_name}"},
        "birthday": {"en": "Happy birthday"},
    }
    with pytest.raises(TemplateError) as caught:
        validate_overrides(overrides)
    assert {f.field for f in caught.value.fields} == {"reminder.en", "reminder.xx", "birthday"}


def test_an_invalid_stored_override_is_not_sent():
    with pytest.raises(TemplateError):
        render("reminder", "en", {}, {"reminder": {"en": "Hi {nope}"}})


def test_an_unknown_kind_is_refused():
    with pytest.raises(TemplateError, match="unknown message kind"):
        render("birthday", "en", {})


@given(
    name=st.text(alphabet=st.characters(blacklist_categories=("Z", "C")), max_size=40),
    kind=st.sampled_from(sorted(MessageKind)),
    locale=st.sampled_from(["en", "ru", "es"]),
)
def test_any_client_name_is_rendered_as_given(name, kind, locale):
    values = message_values(locale=locale, previous_start=EARLIER, **facts(client_name=name))
    text = render(kind, locale, values)
    if "{client_name}" in DEFAULT_TEMPLATES[kind][locale]:
        assert name in text


def test_importing_messaging_does_not_load_babel():
    code = "import sys, regulars.messaging.rules; print('babel' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
