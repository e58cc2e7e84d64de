"""Subscribers to the stream's appointment events, run in the order their declared needs give.

Each subscriber names the subscribers that must have acted on the same event before it
(``needs``), and is handed what they returned. The list is put in order once, at import: each
subscriber keeps its place in the list unless a need moves it later. A need on a subscriber that
does not exist, a name given twice, or a cycle fails the import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# (event, now, what each needed subscriber returned for the event, by name) -> what this one returns
Act = Callable[[Any, datetime, Mapping[str, Any]], object]


@dataclass(frozen=True)
class Subscriber:
    name: str
    act: Act
    needs: tuple[str, ...] = ()


class BadSubscribers(Exception):
    pass


def in_order(subscribers: Iterable[Subscriber]) -> tuple[Subscriber, ...]:
    """The subscribers in an order where each comes after what it needs: again and again, the first
    one in the list whose needs have all been placed."""
    left = list(subscribers)
    names = [s.name for s in left]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise BadSubscribers(f"subscribers named twice: {', '.join(twice)}")
    unknown = sorted(f"{s.name} needs {n}" for s in left for n in s.needs if n not in names)
    if unknown:
        raise BadSubscribers(f"needs on no subscriber: {', '.join(unknown)}")
    placed: list[Subscriber] = []
    while left:
        ready = next((s for s in left if all(n in {p.name for p in placed} for n in s.needs)), None)
        if ready is None:
            raise BadSubscribers(f"subscribers that need each other: {', '.join(s.name for s in left)}")
        placed.append(ready)
        left.remove(ready)
    return tuple(placed)


def notify(subscribers: Iterable[Subscriber], event: object, now: datetime) -> dict[str, object]:
    """Hand the event to each subscriber in turn; what each returned, by name."""
    returned: dict[str, object] = {}
    for s in subscribers:
        returned[s.name] = s.act(event, now, {n: returned[n] for n in s.needs})
    return returned
