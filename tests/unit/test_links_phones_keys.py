from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.booking import links
from regulars.errors import Forbidden, InvalidInput
from regulars.phones import to_e164
from regulars.store.models import Appointment, Client, SlotLock

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)
KEY = b"k" * 32


def claims(**kw):
    base = {"salon_id": "demo", "appointment_id": "a1", "purpose": "manage", "expires_at": NOW + timedelta(days=1)}
    return links.LinkClaims(**(base | kw))


def test_a_link_round_trips():
    assert links.verify(links.sign(claims(), KEY), KEY, purpose="manage", now=NOW) == claims(
        expires_at=datetime.fromtimestamp(int((NOW + timedelta(days=1)).timestamp()), UTC))


@pytest.mark.parametrize(
    ("token_of", "purpose", "now", "code"),
    [
        (lambda: links.sign(claims(), b"other-key"), "manage", NOW, "invalid_link"),
        (lambda: links.sign(claims(purpose="feedback"), KEY), "manage", NOW, "invalid_link"),
        (lambda: links.sign(claims(), KEY), "manage", NOW + timedelta(days=2), "link_expired"),
        (lambda: "garbage", "manage", NOW, "invalid_link"),
    ],
)
def test_bad_links_are_refused(token_of, purpose, now, code):
    with pytest.raises(Forbidden) as err:
        links.verify(token_of(), KEY, purpose=purpose, now=now)
    assert err.value.code == code


@given(st.binary(min_size=1, max_size=40))
def test_any_altered_token_is_refused(noise):
    token = links.sign(claims(), KEY)
    altered = token[:5] + noise.hex() + token[5:]
    with pytest.raises(Forbidden):
        links.verify(altered, KEY, purpose="manage", now=NOW)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [("0151 23456789", "DE", "+4915123456789"), ("+49 (151) 234-56789", None, "+4915123456789"),
     ("0049 151 23456789", "DE", "+4915123456789"), ("8 (916) 123-45-67", "RU", "+79161234567"),
     ("612 34 56 78", "ES", "+34612345678"), ("(650) 253-0000", "US", "+16502530000")],
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
