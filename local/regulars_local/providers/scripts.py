"""What a provider fake is told to do: behaviours both fakes know, and scripts of behaviours per recipient.

A fake takes one behaviour per call it answers: the recipient's next scripted one, else the next one
scripted for every recipient, else its normal answer. Each scripted behaviour lasts a number of calls or,
without a count, for good (which makes anything scripted after it for the same recipient unreachable).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from http import HTTPStatus

MAX_HOLD_SECONDS = 30.0


@dataclass(frozen=True)
class Succeed:
    """The provider's normal answer (what a fake does when nothing else is scripted)."""


@dataclass(frozen=True)
class ServerError:
    """A 5xx answer in the provider's error envelope."""

    status: int = 500

    def __post_init__(self) -> None:
        if not 500 <= self.status <= 599:
            raise ValueError(f"a server error has a 5xx status, not {self.status}")

    @property
    def reason(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return "Server Error"


@dataclass(frozen=True)
class Hang:
    """Hold the request for ``seconds`` (at most :data:`MAX_HOLD_SECONDS`), long enough for a client to give up.

    The late answer is what the provider did meanwhile: with ``delivered`` it sent the message and was only
    slow to say so (it is recorded at once, as the provider has it); without, it gave up (a 504, nothing sent).
    """

    seconds: float
    delivered: bool = False

    def __post_init__(self) -> None:
        if not 0 < self.seconds <= MAX_HOLD_SECONDS:
            raise ValueError(f"a hang lasts more than 0 and at most {MAX_HOLD_SECONDS} s, not {self.seconds}")


@dataclass
class _Step[B]:
    behaviour: B
    remaining: int | None  # calls left; None: for good


class Script[K, B]:
    """Behaviours queued per key and for every key. Not thread-safe: its fake holds a lock around it."""

    def __init__(self) -> None:
        self._queues: dict[K | None, deque[_Step[B]]] = {}

    def add(self, behaviour: B, key: K | None = None, times: int | None = None) -> None:
        """Queue ``behaviour`` for ``key`` (None: every key) for the next ``times`` calls (None: for good)."""
        if times is not None and times < 1:
            raise ValueError(f"a behaviour is scripted for at least one call, not {times}")
        self._queues.setdefault(key, deque()).append(_Step(behaviour, times))

    def next(self, key: K) -> B | None:
        """The behaviour for this call to ``key``, used up; None when nothing is scripted."""
        for queue in (self._queues.get(key), self._queues.get(None)):
            if queue:
                step = queue[0]
                if step.remaining is not None:
                    step.remaining -= 1
                    if step.remaining == 0:
                        queue.popleft()
                return step.behaviour
        return None

    def clear(self) -> None:
        self._queues.clear()
