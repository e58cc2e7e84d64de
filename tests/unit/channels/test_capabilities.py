"""Each channel declares what it can do, and the code outside the channels reads that instead of
asking which channel it has: which channels reach a person and at what address, which ids need the
chat, and no ``if channel is ...`` branch outside the channels and each provider's own modules."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest
import regulars
from regulars.clients.model import Client
from regulars.messaging.channels import capabilities, clients
from regulars.messaging.outbox.dispatch import address_of, reachable
from regulars.messaging.outbox.repo import provider_key
from regulars.messaging.rules.routing import Channel
from regulars.salon.model import StaffMember

PHONE = "+14155550123"
ALL = ("push", "telegram", "whatsapp", "sms")
GONE = {"unreachable": {"reason": "blocked", "at": "2026-01-01T00:00:00+00:00"}}
# Where a channel's name may decide what happens: the channels themselves, each provider's webhooks,
# and the modules that are one provider's own (linking a Telegram chat, registering a push device).
PROVIDERS_OWN = ("messaging/channels/", "messaging/inbound/webhooks.py", "messaging/inbound/telegram_link.py")


def client(phone: str | None = PHONE, **channels: dict) -> Client:
    return Client(
        id="c1", name="Ana", phone=phone, channels=channels, created_at=datetime(2026, 1, 1, tzinfo=UTC)
    )


def test_every_channel_declares_its_capabilities_and_how_its_client_is_built():
    assert set(capabilities.CAPABILITIES) == set(Channel) == set(clients.BUILDERS)
    assert all(capabilities.of(c.value) is capabilities.CAPABILITIES[c] for c in Channel)


@pytest.mark.parametrize(
    ("person", "reached"),
    [
        (client(), ["sms"]),
        (client(whatsapp={"last_inbound_at": "2026-01-02T10:00:00+00:00"}), ["sms"]),  # not opted in
        (client(whatsapp={"opted_in_at": "2026-01-02T10:00:00+00:00"}), ["whatsapp", "sms"]),
        (client(None, whatsapp={"opted_in_at": "2026-01-02T10:00:00+00:00"}), []),  # erased: no phone
        (client(telegram={"chat_id": 987654321}), ["telegram", "sms"]),
        (client(push={"endpoint_arn": "arn:aws:sns:us-east-1:1:endpoint/GCM/app/e1"}), ["push", "sms"]),
        (client(telegram={"chat_id": 987654321, **GONE}, sms=GONE), []),
        (client(push={"registered_at": "2026-01-02T10:00:00+00:00"}, telegram={"linked_at": "x"}), ["sms"]),
        (StaffMember(id="s1", name="Bo", phone=PHONE), ["sms"]),
        (StaffMember(id="s1", name="Bo"), []),
    ],
)
def test_the_channels_that_reach_a_person(person, reached):
    assert reachable("client", person, ALL) == reached
    assert reachable("client", person, ("sms",)) == [c for c in reached if c == "sms"]


def test_the_address_on_each_channel():
    person = client(
        telegram={"chat_id": 987654321},
        push={"endpoint_arn": "arn:e1"},
        whatsapp={"opted_in_at": "2026-01-02T10:00:00+00:00"},
    )
    assert {c.value: address_of(c, person) for c in reachable("client", person, ALL)} == {
        "push": "arn:e1",
        "telegram": "987654321",
        "whatsapp": PHONE,
        "sms": PHONE,
    }


def test_a_provider_id_carries_the_chat_only_where_the_provider_numbers_messages_per_chat():
    assert provider_key("telegram", "987654321", "42") == "987654321:42"
    assert [provider_key(c, PHONE, "wamid.1") for c in ("whatsapp", "sms", "push")] == ["wamid.1"] * 3


def test_a_provider_id_is_kept_on_the_channels_whose_answers_name_a_message_by_it():
    # Telegram's buttons, WhatsApp's statuses and quoted replies, two-way SMS's quoted replies; a
    # push is answered by nothing
    assert [c.value for c in Channel if capabilities.of(c).refers_back] == ["telegram", "whatsapp", "sms"]


def _named(node: ast.AST) -> bool:
    """Does the expression name one channel (``Channel.SMS``, ``"telegram"``)?"""
    names = {c.name for c in Channel}
    return any(
        (
            isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name)
            and n.value.id == "Channel"
            and n.attr in names
        )
        or (isinstance(n, ast.Constant) and n.value in ALL)
        for n in ast.walk(node)
    )


def _by_name(node: ast.AST) -> bool:
    """Is it a branch on a named channel, or a look-up of a channel's record by a name typed in?"""
    if isinstance(node, ast.Compare):
        return any(_named(n) for n in (node.left, *node.comparators))
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value in ALL
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and bool(node.args)
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value in ALL
    )


def test_no_branch_on_a_named_channel_outside_the_channels_and_the_providers_own_modules():
    library = Path(regulars.__file__).parent
    branches = []
    for path in sorted(library.rglob("*.py")):
        where = path.relative_to(library).as_posix()
        if not where.startswith(PROVIDERS_OWN):
            branches += [
                f"{where}:{node.lineno}: {ast.unparse(node)}"
                for node in ast.walk(ast.parse(path.read_text()))
                if _by_name(node)
            ]
    assert branches == []
