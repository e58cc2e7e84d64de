"""Segments: saved filters over a salon's clients, evaluated afresh each time (pure).

A segment stores its conditions, never its members, so it updates itself: "last visit more than 60
days ago and marketing consent" names different clients tomorrow. Every condition that is set must
hold (AND); a list condition holds when any of its values does (OR within it).

Scores relative to the salon (RFM quintiles, lifetime-value groups) are ranks among the clients who
have visited at least once, computed from the same population the filter is applied to:
- recency: days since the last visit; the most recent fifth scores 5, the least recent 1;
- frequency: completed visits; the most frequent fifth scores 5;
- monetary: total spend; the biggest spenders' fifth scores 5;
- lifetime-value group by total spend: "top" (the top 10 %), "high" (the next 20 %), "middle" (the
  next 30 %), "low" (the rest who spent), "none" (no spend yet).
A client who never visited has no scores (0) and is in no quintile filter.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from regulars.messaging.rules.routing import Channel, Purpose, allowed

Score = Annotated[int, Field(ge=1, le=5)]
LtvGroup = Literal["top", "high", "middle", "low", "none"]
LTV_GROUPS: tuple[str, ...] = ("top", "high", "middle", "low", "none")
StatusName = Literal["new", "active", "at_risk", "lapsed", "lost", "won_back"]
Id = Annotated[str, Field(min_length=1, max_length=64)]
Amount = Annotated[int, Field(ge=0, le=10**10)]
Count = Annotated[int, Field(ge=0, le=100_000)]
Days = Annotated[int, Field(ge=0, le=36_500)]


class ConsentCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: Literal["marketing", "transactional"] = "marketing"
    channel: Literal["sms", "telegram", "whatsapp", "push"] | None = Field(
        default=None, description="this channel; none: any channel the client can be reached on"
    )


class SegmentFilter(BaseModel):
    """Who is in: every condition given must hold. Money in minor units; dates in the salon's zone."""

    model_config = ConfigDict(extra="forbid")
    last_visit_after: date | None = Field(default=None, description="last visit on or after this day")
    last_visit_before: date | None = Field(default=None, description="last visit before this day")
    days_since_visit_min: Days | None = Field(
        default=None, description="at least this many days since the last visit"
    )
    days_since_visit_max: Days | None = Field(
        default=None, description="at most this many days since the last visit"
    )
    visits_min: Count | None = None
    visits_max: Count | None = None
    spend_min: Amount | None = Field(default=None, description="total spend at least")
    spend_max: Amount | None = None
    average_spend_min: Amount | None = Field(default=None, description="spend per visit at least")
    average_spend_max: Amount | None = None
    ltv_groups: list[LtvGroup] | None = Field(default=None, max_length=5)
    recency_scores: list[Score] | None = Field(
        default=None, max_length=5, description="RFM recency quintiles, 5 best"
    )
    frequency_scores: list[Score] | None = Field(default=None, max_length=5)
    monetary_scores: list[Score] | None = Field(default=None, max_length=5)
    lifecycle: list[StatusName] | None = Field(default=None, max_length=6)
    tiers: list[Id] | None = Field(default=None, max_length=20)
    bonus_min: Amount | None = Field(default=None, description="bonus balance at least")
    bonus_max: Amount | None = None
    services: list[Id] | None = Field(default=None, max_length=50, description="had any of these services")
    staff: list[Id] | None = Field(default=None, max_length=50, description="was served by any of these")
    tags: list[Annotated[str, Field(min_length=1, max_length=40)]] | None = Field(default=None, max_length=20)
    birthday_months: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(default=None, max_length=12)
    consent: ConsentCondition | None = None

    @model_validator(mode="after")
    def _ranges(self) -> SegmentFilter:
        for low, high in (
            ("visits_min", "visits_max"),
            ("spend_min", "spend_max"),
            ("bonus_min", "bonus_max"),
            ("average_spend_min", "average_spend_max"),
            ("days_since_visit_min", "days_since_visit_max"),
            ("last_visit_after", "last_visit_before"),
        ):
            a, b = getattr(self, low), getattr(self, high)
            if a is not None and b is not None and a > b:
                raise ValueError(f"{low} must not be above {high}")
        return self

    @property
    def needs_scores(self) -> bool:
        return bool(self.ltv_groups or self.recency_scores or self.frequency_scores or self.monetary_scores)


@dataclass(frozen=True)
class Profile:
    """What a segment can ask of one client (their item and their bonus account)."""

    client_id: str
    name: str
    locale: str | None
    visits: int
    total_spent: int
    last_visit_at: datetime | None
    lifecycle: str | None
    tags: frozenset[str] = frozenset()
    birthday: date | None = None
    consents: dict = field(default_factory=dict)
    reachable: frozenset[str] = frozenset()  # channels with an address: sms (a phone), telegram, ...
    services: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    balance: int = 0
    tier: str | None = None
    erased: bool = False


@dataclass(frozen=True)
class Scores:
    recency: int
    frequency: int
    monetary: int
    ltv_group: str


class Ranking:
    """The salon's distribution of recency, frequency and spend among clients who visited."""

    def __init__(self, profiles: Iterable[Profile], now: datetime):
        visited = [p for p in profiles if p.visits > 0 and p.last_visit_at is not None]
        self.now = now
        self._days = sorted(_days_since(p, now) for p in visited)
        self._visits = sorted(p.visits for p in visited)
        self._spend = sorted(p.total_spent for p in visited)
        self._spenders = sorted(p.total_spent for p in visited if p.total_spent > 0)

    def of(self, p: Profile) -> Scores:
        if p.visits <= 0 or p.last_visit_at is None:
            return Scores(0, 0, 0, "none")
        return Scores(
            recency=_quintile_high_is_worse(self._days, _days_since(p, self.now)),
            frequency=_quintile(self._visits, p.visits),
            monetary=_quintile(self._spend, p.total_spent),
            ltv_group=_ltv_group(self._spenders, p.total_spent),
        )


def _days_since(p: Profile, now: datetime) -> int:
    assert p.last_visit_at is not None
    return max(0, (now - p.last_visit_at).days)


def _quintile(ordered: Sequence[int], value: int) -> int:
    """1..5 by the share of clients below ``value`` (ties share the lower score)."""
    below = bisect.bisect_left(ordered, value) / len(ordered)
    return 1 + min(4, int(below * 5))


def _quintile_high_is_worse(ordered: Sequence[int], value: int) -> int:
    above = (len(ordered) - bisect.bisect_right(ordered, value)) / len(ordered)
    return 1 + min(4, int(above * 5))


def _ltv_group(spenders: Sequence[int], spent: int) -> str:
    if spent <= 0 or not spenders:
        return "none"
    above = (len(spenders) - bisect.bisect_right(spenders, spent)) / len(spenders)
    if above < 0.10:
        return "top"
    if above < 0.30:
        return "high"
    if above < 0.60:
        return "middle"
    return "low"


def _in(values: list | None, value: object) -> bool:
    return values is None or value in values


def _between(value: float, low: float | None, high: float | None) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def consents_to(p: Profile, purpose: str, channel: str | None) -> bool:
    want = Purpose(purpose)
    channels = [Channel(channel)] if channel else [Channel(c) for c in sorted(p.reachable)]
    return any(c.value in p.reachable and allowed(p.consents, want, c) for c in channels)


def matches(f: SegmentFilter, p: Profile, ranking: Ranking | None, tz: ZoneInfo) -> bool:
    if p.erased:
        return False
    now = ranking.now if ranking else None
    last_day = p.last_visit_at.astimezone(tz).date() if p.last_visit_at else None
    if f.last_visit_after is not None and (last_day is None or last_day < f.last_visit_after):
        return False
    if f.last_visit_before is not None and (last_day is None or last_day >= f.last_visit_before):
        return False
    if f.days_since_visit_min is not None or f.days_since_visit_max is not None:
        if p.last_visit_at is None or now is None:
            return False
        if not _between(_days_since(p, now), f.days_since_visit_min, f.days_since_visit_max):
            return False
    if not _between(p.visits, f.visits_min, f.visits_max) or not _between(
        p.total_spent, f.spend_min, f.spend_max
    ):
        return False
    averaged = f.average_spend_min is not None or f.average_spend_max is not None
    if averaged and (
        p.visits <= 0 or not _between(p.total_spent / p.visits, f.average_spend_min, f.average_spend_max)
    ):
        return False
    if not _in(f.lifecycle, p.lifecycle) or not _in(f.tiers, p.tier):
        return False
    if not _between(p.balance, f.bonus_min, f.bonus_max):
        return False
    if f.services is not None and not p.services & set(f.services):
        return False
    if f.staff is not None and not p.staff & set(f.staff):
        return False
    if f.tags is not None and not p.tags & set(f.tags):
        return False
    if f.birthday_months is not None and (p.birthday is None or p.birthday.month not in f.birthday_months):
        return False
    if f.consent is not None and not consents_to(p, f.consent.purpose, f.consent.channel):
        return False
    if f.needs_scores:
        assert ranking is not None
        s = ranking.of(p)
        if not (
            _in(f.ltv_groups, s.ltv_group)
            and _in(f.recency_scores, s.recency)
            and _in(f.frequency_scores, s.frequency)
            and _in(f.monetary_scores, s.monetary)
        ):
            return False
    return True


def select(f: SegmentFilter, profiles: Sequence[Profile], now: datetime, tz: ZoneInfo) -> list[Profile]:
    """The clients in the segment now, in the order given."""
    ranking = Ranking(profiles, now)
    return [p for p in profiles if matches(f, p, ranking, tz)]
