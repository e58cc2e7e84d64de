"""Each channel's provider rate, held by the sender itself.

One queue and one sender carry every channel's messages, so no per-channel concurrency limit holds a
provider's rate any more: each execution environment sends a channel's messages at most at its share
of that channel's rate (the rate divided by the sender's concurrency, the queue's
``MaximumConcurrency``), waiting before a send that would come too soon. A provider that still
answers 429 is honoured as before: the message waits ``retry_after`` in the queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol


class _Sends(Protocol):
    def send(self, message: Any) -> Any: ...


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

    def wait(self, channel: str) -> None:
        """Return when a send on ``channel`` keeps to its rate (at once for a channel with none)."""
        interval = self.interval(channel)
        if not interval:
            return
        now = self.clock()
        due = self._next.get(channel, now)
        if due > now:
            self.sleep(due - now)
            now = due
        self._next[channel] = now + interval


@dataclass(frozen=True)
class _Paced:
    client: _Sends
    pacer: Pacer
    channel: str

    def send(self, message: Any) -> Any:
        self.pacer.wait(self.channel)
        return self.client.send(message)


def paced(clients: Callable[[Any], Any], pacer: Pacer) -> Callable[[Any], Any]:
    """``clients`` (a message to its channel's client) with every send kept to its channel's rate."""
    return lambda item: _Paced(clients(item), pacer, str(item.channel))
