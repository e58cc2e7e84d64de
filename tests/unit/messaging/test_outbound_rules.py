"""The pure parts of sending and receiving: backoff, the queue message, reachability, signatures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.clients.model import Client
from regulars.messaging.contacts.telegram_link import TOKEN_CHARS, token_for
from regulars.messaging.inbound.webhooks import whatsapp_signature
from regulars.messaging.outbox.dispatch import reachable
from regulars.messaging.outbox.sender import MAX_QUEUE_DELAY, SendRef, backoff_seconds
from regulars.messaging.rules.routing import Channel
from regulars.salon.model import StaffMember

NOW = datetime(2026, 11, 23, 8, tzinfo=UTC)


def test_backoff_takes_the_providers_word_else_doubles_from_five_seconds():
    assert backoff_seconds(1, 7) == 7.0
    assert [backoff_seconds(n, None) for n in range(1, 6)] == [5.0, 10.0, 20.0, 40.0, 80.0]
    assert backoff_seconds(30, None) == MAX_QUEUE_DELAY


@given(
    st.integers(min_value=1, max_value=100), st.one_of(st.none(), st.floats(min_value=0.001, max_value=1e6))
)
def test_backoff_is_positive_and_never_shorter_than_asked(attempt, retry_after):
    delay = backoff_seconds(attempt, retry_after)
    assert delay > 0
    if retry_after:
        assert delay >= retry_after


def test_the_queue_message_round_trips():
    ref = SendRef("salon-a", "reminder-1", "telegram", 2)
    assert SendRef.parse(ref.body()) == ref


def _client(**channels) -> Client:
    return Client(id="c", name="C", phone="+4915123456789", created_at=NOW, channels=channels)


def test_reachable_channels_follow_what_the_client_linked_and_what_failed():
    everything = ("push", "telegram", "whatsapp", "sms")
    assert reachable("client", _client(), everything) == [Channel.SMS]
    linked = _client(
        telegram={"chat_id": 1},
        whatsapp={"opted_in_at": NOW.isoformat()},
        push={"endpoint_arn": "arn:aws:sns:eu-central-1:1:endpoint/GCM/app/x"},
    )
    assert reachable("client", linked, everything) == [
        Channel.PUSH,
        Channel.TELEGRAM,
        Channel.WHATSAPP,
        Channel.SMS,
    ]
    assert reachable("client", linked, ("sms", "telegram")) == [Channel.TELEGRAM, Channel.SMS]
    blocked = _client(telegram={"chat_id": 1, "unreachable": {"reason": "blocked"}})
    assert reachable("client", blocked, everything) == [Channel.SMS]
    staff = StaffMember(id="s", name="S", phone="+4915123456780")
    assert reachable("staff", staff, everything) == [Channel.SMS]
    assert reachable("staff", StaffMember(id="s", name="S"), everything) == []


def test_the_whatsapp_signature_is_hmac_sha256_of_the_raw_body():
    assert (
        whatsapp_signature(b"{}", "secret")
        == "sha256=77325902caca812dc259733aacd046b73817372c777b8d95b402647474516e13"
    )
    assert whatsapp_signature(b"{} ", "secret") != whatsapp_signature(b"{}", "secret")


@pytest.mark.parametrize("salon,client", [("demo", "01m83pmpgffacxkxg5p0ns"), ("a" * 60, "b" * 60)])
def test_a_telegram_link_token_fits_the_start_parameter(salon, client):
    token = token_for(salon, client, b"key")
    assert len(token) == TOKEN_CHARS <= 64
    assert all(c.isalnum() or c in "-_" for c in token)
    assert token == token_for(salon, client, b"key") != token_for(salon, client + "x", b"key")
