"""Phone numbers: any common national or international format in, E.164 out."""

from __future__ import annotations

from regulars.core.errors import InvalidInput


def to_e164(raw: str, default_region: str | None, *, field: str = "phone") -> str:
    """Normalise ``raw`` to E.164, reading national formats in the salon's region.

    Raises InvalidInput naming ``field`` when the number cannot be a real phone number.
    """
    import phonenumbers  # lazy: only the routes that take a phone pay for its metadata

    text = (raw or "").strip()
    if not text:
        raise InvalidInput.field(field, "a phone number is required", code="invalid_phone")
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        parsed = phonenumbers.parse(text, None if text.startswith("+") else default_region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput.field(field, "not a phone number", code="invalid_phone") from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidInput.field(field, "not a valid phone number", code="invalid_phone")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def region_of_country(country: str | None) -> str | None:
    return country.upper() if country else None
