from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from regulars.messaging.rules.routing import (
    DEFAULT_ORDER,
    Channel,
    Purpose,
    allowed,
    choose,
    consent_key,
    opt_in,
    opt_out,
)

YES = {"granted": True, "at": "2026-11-23T08:00:00+00:00", "source": "widget", "text": "yes"}
NO = {"granted": False, "at": "2026-11-23T09:00:00+00:00", "source": "sms", "text": "STOP"}
ALL = set(Channel)


def test_the_cheapest_reachable_channel_wins():
    assert choose(Purpose.TRANSACTIONAL, ALL, {}) is Channel.PUSH
    assert choose(Purpose.TRANSACTIONAL, {Channel.SMS, Channel.WHATSAPP}, {}) is Channel.WHATSAPP
    assert choose(Purpose.TRANSACTIONAL, {Channel.SMS}, {}) is Channel.SMS


def test_a_permanent_failure_falls_back_to_the_next_channel():
    reach = {Channel.TELEGRAM, Channel.WHATSAPP, Channel.SMS}
    assert choose(Purpose.TRANSACTIONAL, reach, {}, failed={Channel.TELEGRAM}) is Channel.WHATSAPP
    assert (
        choose(Purpose.TRANSACTIONAL, reach, {}, failed={Channel.TELEGRAM, Channel.WHATSAPP}) is Channel.SMS
    )
    assert choose(Purpose.TRANSACTIONAL, reach, {}, failed=reach) is None


def test_the_salon_orders_the_channels():
    assert choose(Purpose.TRANSACTIONAL, ALL, {}, order=[Channel.SMS, Channel.PUSH]) is Channel.SMS


def test_marketing_needs_a_yes_and_reminders_do_not():
    assert choose(Purpose.MARKETING, {Channel.SMS}, {}) is None
    assert choose(Purpose.MARKETING, {Channel.SMS}, {"marketing": YES}) is Channel.SMS
    assert choose(Purpose.TRANSACTIONAL, {Channel.SMS}, {"marketing": NO}) is Channel.SMS


def test_stop_over_sms_ends_marketing_everywhere_and_sms_for_everything():
    consents = opt_out(
        {"marketing": YES, "marketing:telegram": YES}, Channel.SMS, at="t", source="sms", text="STOP"
    )
    for channel in Channel:
        assert not allowed(consents, Purpose.MARKETING, channel)
    assert not allowed(consents, Purpose.TRANSACTIONAL, Channel.SMS)
    assert allowed(consents, Purpose.TRANSACTIONAL, Channel.TELEGRAM)
    back = opt_in(consents, Channel.SMS, at="t2", source="sms", text="START")
    assert allowed(back, Purpose.TRANSACTIONAL, Channel.SMS) and allowed(back, Purpose.MARKETING, Channel.SMS)
    assert not allowed(back, Purpose.MARKETING, Channel.TELEGRAM)


@given(
    purpose=st.sampled_from(list(Purpose)),
    reachable=st.sets(st.sampled_from(list(Channel))),
    failed=st.sets(st.sampled_from(list(Channel))),
    grants=st.dictionaries(
        st.sampled_from([consent_key(p, c) for p in Purpose for c in Channel] + ["marketing"]),
        st.booleans(),
    ),
)
def test_the_choice_is_always_reachable_allowed_untried_and_the_first_such(
    purpose, reachable, failed, grants
):
    consents = {k: {"granted": v} for k, v in grants.items()}
    chosen = choose(purpose, reachable, consents, failed=failed)
    candidates = [
        c for c in DEFAULT_ORDER if c in reachable and c not in failed and allowed(consents, purpose, c)
    ]
    assert chosen == (candidates[0] if candidates else None)
    if chosen is not None and purpose is Purpose.MARKETING:
        assert consents.get(f"marketing:{chosen.value}", consents.get("marketing", {})).get("granted")
