"""One sender for every channel keeps each provider's rate itself: an environment sends a channel's
messages at its share of the channel's rate (rate / concurrency), other channels unhindered."""

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


@dataclass
class Recorder:
    sent: list[tuple[str, float]]
    time: FakeTime
    channel: str

    def send(self, message: str) -> str:
        self.sent.append((self.channel, self.time.now))
        return message


@dataclass(frozen=True)
class Item:
    channel: str


def test_each_channel_is_held_to_its_share_of_its_rate_and_others_do_not_wait():
    time = FakeTime()
    rates = pacing.parse_rates("sms=20, telegram=30")
    pacer = pacing.Pacer(rates, share=10, clock=lambda: time.now, sleep=time.sleep)
    sent: list[tuple[str, float]] = []
    send = pacing.paced(lambda item: Recorder(sent, time, item.channel), pacer)
    for channel in ["sms", "telegram", "sms", "push", "sms", "telegram", "push"]:
        send(Item(channel)).send("hello")
    at = {c: [t for name, t in sent if name == c] for c in ("sms", "telegram", "push")}
    assert at["sms"] == pytest.approx([0.0, 0.5, 1.0])  # 20/s over 10 senders: 2 a second here
    assert at["telegram"] == pytest.approx([0.0, 1.0])  # its 1/3 s had passed: only the SMS ahead delayed it
    assert sum(time.slept) == pytest.approx(1.0)  # the sleeps were SMS's own
    assert len(at["push"]) == 2  # no rate: never waits itself
    # over all ten environments at full pace: 10 * 2 = the account's 20 SMS a second, never more
    assert 10 / pacer.interval("sms") == pytest.approx(20)


@pytest.mark.parametrize("text", ["sms=0", "sms", "=5", "sms=-1"])
def test_a_rate_must_name_a_channel_and_be_positive(text):
    with pytest.raises(ValueError):
        pacing.parse_rates(text)
