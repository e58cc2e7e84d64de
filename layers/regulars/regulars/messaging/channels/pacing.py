"""Each channel's provider rate, held by the sender itself.

One queue and one sender carry every channel's messages, so no per-channel concurrency limit holds a
provider's rate any more: each execution environment sends a channel's messages at most at its share
of that channel's rate (the rate divided by the sender's concurrency, the queue's
``MaximumConcurrency``), waiting before a send that would come too soon. A wait longer than a
batch can afford (its sends must fit in the function's timeout) is not slept: the sender puts the
message back in the queue for then, untouched. A provider that still answers 429 is honoured twice:
the message waits ``retry_after`` in the queue, and the environment sends nothing more on the
channel for the time the provider named, a second when it named none (:meth:`Pacer.hold`), so the
rest of its batch does not meet the same answer.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


def parse_rates(text: str) -> dict[str, float]:
    """``"sms=20,telegram=30"`` as ``{"sms": 20.0, "telegram": 30.0}``; a rate must be positive."""
    rates: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        rate = float(value)
        if not name.strip() or rate <= 0:
            raise ValueError(f"a channel's rate is name=messages per second, above 0: {part!r}")
        rates[name.strip()] = rate
    return rates


@dataclass
class Pacer:
    """Sends of one channel at least ``share / rate`` seconds apart in this environment."""

    rates: Mapping[str, float]
    share: int = 1  # how many environments send at once (each takes this part of a rate)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    _next: dict[str, float] = field(default_factory=dict)

    def interval(self, channel: str) -> float:
        rate = self.rates.get(channel)
        return max(1, self.share) / rate if rate else 0.0

    def wait(self, channel: str, at_most: float = math.inf) -> float:
        """Sleep until a send on ``channel`` keeps to its rate and take that turn: 0.0 (at once for a
        channel with no rate). When the turn is more than ``at_most`` seconds away, sleep not and take
        nothing: how many seconds away it is."""
        interval = self.interval(channel)
        now = self.clock()
        due = self._next.get(channel, now)
        if due - now > at_most:
            return due - now
        if due > now:
            self.sleep(due - now)
            now = max(due, self.clock())  # a sleep that overran must not bring the next turn closer
        if interval:
            self._next[channel] = now + interval
        return 0.0

    def hold(self, channel: str, seconds: float) -> None:
        """No turn on ``channel`` for ``seconds`` from now (its provider answered "too many requests")."""
        self._next[channel] = max(self._next.get(channel, -math.inf), self.clock() + seconds)
