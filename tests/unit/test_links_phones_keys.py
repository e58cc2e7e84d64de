from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.booking.items import Appointment, SlotLock
from regulars.clients.items import Client
from regulars.core import links
from regulars.core.config import KeyRing
from regulars.core.errors import Forbidden, InvalidInput
from regulars.core.phones import to_e164

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
KEY = KeyRing.parse("k1:" + "k" * 32)


def claims(**kw):
    base = {"salon_id": "demo", "subject": "a1", "purpose": "manage", "expires_at": NOW + timedelta(days=1)}
    return links.LinkClaims(**(base | kw))


def test_a_link_round_trips():
    assert links.verify(links.sign(claims(), KEY), KEY, purpose="manage", now=NOW) == claims(
        expires_at=datetime.fromtimestamp(int((NOW + timedelta(days=1)).timestamp()), UTC)
    )


@pytest.mark.parametrize(
    ("token_of", "purpose", "now", "code"),
    [
        (lambda: links.sign(claims(), KeyRing.parse("k1:" + "o" * 32)), "manage", NOW, "invalid_link"),
        (lambda: links.sign(claims(), KeyRing.parse("k9:" + "k" * 32)), "manage", NOW, "invalid_link"),
        (lambda: links.sign(claims(purpose="feedback"), KEY), "manage", NOW, "invalid_link"),
        (lambda: links.sign(claims(), KEY), "manage", NOW + timedelta(days=2), "link_expired"),
        (lambda: "garbage", "manage", NOW, "invalid_link"),
    ],
)
def test_bad_links_are_refused(token_of, purpose, now, code):
    with pytest.raises(Forbidden) as err:
        links.verify(token_of(), KEY, purpose=purpose, now=now)
    assert err.value.code == code


def test_a_rotated_ring_still_verifies_what_the_previous_key_signed_and_signs_with_the_new_one():
    old = links.sign(claims(), KEY)
    rotated = KeyRing.parse("k2:" + "n" * 32 + ", k1:" + "k" * 32)
    assert links.verify(old, rotated, purpose="manage", now=NOW).subject == "a1"
    new = links.sign(claims(), rotated)
    assert new.startswith("k2.") and links.verify(new, rotated, purpose="manage", now=NOW).subject == "a1"
    with pytest.raises(Forbidden):  # the old ring does not know the new key
        links.verify(new, KEY, purpose="manage", now=NOW)
    with pytest.raises(Forbidden):  # once the old key is dropped, its links are dead
        links.verify(old, KeyRing.parse("k2:" + "n" * 32), purpose="manage", now=NOW)


def test_a_visit_scope_survives_signing_and_a_plain_link_is_the_clients():
    assert (
        links.verify(links.sign(claims(scope="visit"), KEY), KEY, purpose="manage", now=NOW).scope == "visit"
    )
    assert links.verify(links.sign(claims(), KEY), KEY, purpose="manage", now=NOW).scope == "client"


@pytest.mark.parametrize("part", [1, 2])
def test_another_spelling_of_the_same_bytes_is_refused(part):
    """base64's last character may carry unused bits: a token whose bytes decode the same but whose
    text differs is not the token that was signed."""
    import base64

    token = links.sign(claims(), KEY)
    pieces = token.split(".")
    text = pieces[part]
    assert len(text) % 4, "the test needs a part with unused trailing bits"
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    for other in alphabet:
        twin = text[:-1] + other
        if twin != text and base64.urlsafe_b64decode(
            twin + "=" * (-len(twin) % 4)
        ) == base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)):
            break
    else:
        raise AssertionError("no other spelling found")
    pieces[part] = twin
    with pytest.raises(Forbidden):
        links.verify(".".join(pieces), KEY, purpose="manage", now=NOW)


@pytest.mark.parametrize(
    "text", ["", "short:abc", "k1:" + "a" * 32 + " k1:" + "b" * 32, "bad kid!:" + "a" * 32]
)
def test_a_bad_key_ring_is_refused(text):
    with pytest.raises(ValueError):
        KeyRing.parse(text)


def test_a_bare_secret_is_a_ring_of_one_with_a_derived_id():
    ring = KeyRing.parse("s" * 40)
    assert (
        len(ring.keys) == 1
        and ring.current[1] == b"s" * 40
        and ring.current[0] == KeyRing.of(b"s" * 40).current[0]
    )


@given(st.binary(min_size=1, max_size=40))
def test_any_altered_token_is_refused(noise):
    token = links.sign(claims(), KEY)
    altered = token[:5] + noise.hex() + token[5:]
    with pytest.raises(Forbidden):
        links.verify(altered, KEY, purpose="manage", now=NOW)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("0151 23456789", "DE", "+4915123456789"),
        ("+49 (151) 234-56789", None, "+4915123456789"),
        ("0049 151 23456789", "DE", "+4915123456789"),
        ("8 (916) 123-45-67", "RU", "+79161234567"),
        ("612 34 56 78", "ES", "+34612345678"),
        ("(650) 253-0000", "US", "+16502530000"),
    ],
)
def test_phones_in_national_formats_become_e164(raw, region, e164):
    assert to_e164(raw, region) == e164


@pytest.mark.parametrize("raw", ["", "12", "+49 000 0000", "call me", "+999 123456789"])
def test_invalid_phones_name_the_field(raw):
    with pytest.raises(InvalidInput) as err:
        to_e164(raw, "DE", field="client.phone")
    assert err.value.fields[0].field == "client.phone"


def test_keys_are_derived_from_fields():
    start = datetime(2026, 11, 24, 9, tzinfo=UTC)
    a = Appointment(salon_id="demo", appointment_id="a1", client_id="c1", staff_id="anna", start=start)
    a._derive_keys()
    assert (a.pk, a.sk) == ("SALON#demo", "APPT#a1")
    assert (a.gsi1pk, a.gsi1sk) == ("SALON#demo#STAFF#anna", "APPT#2026-11-24T09:00:00Z")
    assert (a.gsi2pk, a.gsi2sk) == ("SALON#demo#CLIENT#c1", "APPT#2026-11-24T09:00:00Z")
    a.staff_id = "marta"
    a.serialize(null_check=False)
    assert a.gsi1pk == "SALON#demo#STAFF#marta"  # a change of field moves the index key with it


def test_a_missing_field_leaves_a_sparse_index_key_empty():
    c = Client(salon_id="demo", client_id="c1")
    assert c.pk == "SALON#demo" and c.gsi1sk is None
    with pytest.raises(ValueError):
        SlotLock.render_key("pk", salon_id="demo")
