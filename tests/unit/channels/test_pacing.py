"""One sender for every channel keeps each provider's rate itself: an environment sends a channel's
messages at its share of the channel's rate (rate / concurrency), other channels unhindered, and a
turn further away than a batch can wait is handed back (the sender re-queues the message)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from regulars.messaging.channels import pacing


@dataclass
class FakeTime:
    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_each_channel_is_held_to_its_share_of_its_rate_and_others_do_not_wait():
    time = FakeTime()
    rates = pacing.parse_rates("sms=20, telegram=30")
    pacer = pacing.Pacer(rates, share=10, clock=lambda: time.now, sleep=time.sleep)
    sent: list[tuple[str, float]] = []
    for channel in ["sms", "telegram", "sms", "push", "sms", "telegram", "push"]:
        assert pacer.wait(channel) == 0.0
        sent.append((channel, time.now))
    at = {c: [t for name, t in sent if name == c] for c in ("sms", "telegram", "push")}
    assert at["sms"] == pytest.approx([0.0, 0.5, 1.0])  # 20/s over 10 senders: 2 a second here
    assert at["telegram"] == pytest.approx([0.0, 1.0])  # its 1/3 s had passed: only the SMS ahead delayed it
    assert sum(time.slept) == pytest.approx(1.0)  # the sleeps were SMS's own
    assert len(at["push"]) == 2  # no rate: never waits itself
    # over all ten environments at full pace: 10 * 2 = the account's 20 SMS a second, never more
    assert 10 / pacer.interval("sms") == pytest.approx(20)


def test_a_turn_further_away_than_allowed_is_not_slept_nor_taken():
    time = FakeTime()
    pacer = pacing.Pacer({"sms": 3.0}, share=10, clock=lambda: time.now, sleep=time.sleep)  # one per 3.3 s
    assert pacer.wait("sms", at_most=2.0) == 0.0
    assert pacer.wait("sms", at_most=2.0) == pytest.approx(10 / 3)  # handed back: re-queued for then
    assert time.slept == []
    time.now = 2.0
    assert pacer.wait("sms", at_most=2.0) == 0.0 and time.slept == pytest.approx([10 / 3 - 2.0])


def test_a_provider_that_says_too_many_holds_the_channel_here_for_as_long_as_it_asked():
    time = FakeTime()
    pacer = pacing.Pacer({"telegram": 30.0}, share=1, clock=lambda: time.now, sleep=time.sleep)
    assert pacer.wait("telegram") == 0.0
    pacer.hold("telegram", 1.5)
    assert pacer.wait("telegram", at_most=1.0) == pytest.approx(1.5)  # handed back: too far for a batch
    assert pacer.wait("telegram", at_most=2.0) == 0.0 and time.now == pytest.approx(1.5)
    pacer.hold("push", 3.0)  # a channel without a rate of its own is held all the same
    assert pacer.wait("push", at_most=1.0) == pytest.approx(3.0)
    time.now += 3.0
    assert [pacer.wait("push"), pacer.wait("push")] == [0.0, 0.0] and time.now == pytest.approx(4.5)


@pytest.mark.parametrize("text", ["sms=0", "sms", "=5", "sms=-1"])
def test_a_rate_must_name_a_channel_and_be_positive(text):
    with pytest.raises(ValueError):
        pacing.parse_rates(text)
