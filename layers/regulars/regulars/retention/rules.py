"""Retention's rules, pure: a client's cadence, their lifecycle status with the reason in words,
when the status next changes, when they lapsed, and which services one invitation joins.

Everything here is a function of a client's visits (when, which service, with whom, when it was
booked), their next booking, the salon's rules and ``now``. The stream processor and the due jobs
feed it what the table holds and write down what it says, so a status never depends on the order
in which events arrived or on how often a job ran.

Visits on one day (a manicure and a pedicure in one sitting) count as one visit for a client's
cadence; a service's own cadence counts its own visits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from itertools import pairwise
from statistics import median

DAY = timedelta(days=1)
SAME_SITTING = timedelta(hours=16)  # visits closer than this are one sitting

DEFECTION_REASONS = ("price", "quality", "staff", "moved_away", "schedule", "other")  # why a client left


class Status(StrEnum):
    NEW = "new"
    ACTIVE = "active"
    AT_RISK = "at_risk"
    LAPSED = "lapsed"
    LOST = "lost"
    WON_BACK = "won_back"


# how far along the way out a status is: time alone only ever moves a client up this scale
STAGE = {
    Status.NEW: 0,
    Status.ACTIVE: 0,
    Status.WON_BACK: 0,
    Status.AT_RISK: 1,
    Status.LAPSED: 2,
    Status.LOST: 3,
}


@dataclass(frozen=True)
class Rules:
    at_risk_factor: float = 1.5  # at risk once the time since the last visit is this many cadences
    lapsed_days: int = 90
    lost_days: int = 180
    own_cadence_visits: int = 3  # with this many visits, the client's own median interval is their cadence
    default_interval_days: int = 30  # for a service without an interval of its own

    @property
    def lapsed(self) -> timedelta:
        return timedelta(days=self.lapsed_days)

    @property
    def lost(self) -> timedelta:
        return timedelta(days=self.lost_days)


@dataclass(frozen=True)
class Visit:
    at: datetime  # when it began
    service_id: str
    staff_id: str = ""
    booked_at: datetime | None = None  # when it was booked (None: not known, taken as the visit itself)

    @property
    def booked(self) -> datetime:
        return self.booked_at or self.at


@dataclass(frozen=True)
class Booking:
    """The client's next booked visit."""

    start: datetime
    booked_at: datetime


@dataclass(frozen=True)
class Complaint:
    at: datetime
    reason: str


@dataclass(frozen=True)
class Cadence:
    days: float
    own: bool  # the client's own median (else the interval of their last service)
    text: str  # "usually every 21 days" / "Manicure is due every 21 days"


@dataclass(frozen=True)
class Assessment:
    status: Status
    reason: str
    since: datetime | None
    next_check_at: datetime | None  # when the status changes next if nothing else happens
    cadence: Cadence | None = None
    returned_at: datetime | None = None  # the booking that ended the last lapse

    def as_record(self) -> dict:
        return {
            "status": self.status.value,
            "reason": self.reason,
            "since": self.since.isoformat() if self.since else None,
            "next_check_at": self.next_check_at.isoformat() if self.next_check_at else None,
            "cadence_days": round(self.cadence.days, 1) if self.cadence else None,
            "own_cadence": self.cadence.own if self.cadence else None,
            "returned_at": self.returned_at.isoformat() if self.returned_at else None,
        }


@dataclass(frozen=True)
class Lapse:
    kind: str  # lapsed | lost
    at: datetime  # the moment the client crossed the threshold
    after: Visit  # the last visit before it


@dataclass(frozen=True)
class Due:
    service_id: str
    due_at: datetime
    interval_days: float
    own: bool


@dataclass(frozen=True)
class Intervals:
    """Each service's repeat interval in days (None: the service has none) and its name."""

    days: Mapping[str, int | None] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)

    def name(self, service_id: str) -> str:
        return self.names.get(service_id, service_id)


# --- cadence --------------------------------------------------------------------------------------
def sittings(visits: Iterable[Visit]) -> list[Visit]:
    """The visits in time order, those of one sitting merged into its first (booked when the first
    of them was booked)."""
    out: list[Visit] = []
    for v in sorted(visits, key=lambda v: v.at):
        if out and v.at - out[-1].at < SAME_SITTING:
            first = out[-1]
            out[-1] = Visit(first.at, first.service_id, first.staff_id, min(first.booked, v.booked))
        else:
            out.append(v)
    return out


def median_days(moments: Sequence[datetime]) -> float | None:
    """The median gap between consecutive moments, in days; None with fewer than two gaps."""
    ordered = sorted(moments)
    gaps = [(b - a) / DAY for a, b in pairwise(ordered)]
    return float(median(gaps)) if len(gaps) >= 2 else None


def _days(value: float) -> str:
    n = round(value)
    return "1 day" if n == 1 else f"{n} days"


def service_interval(
    visits: Sequence[Visit], service_id: str, intervals: Intervals, rules: Rules
) -> Due | None:
    """When the service falls due again after the client's last visit for it: after their own median
    interval once they had it ``own_cadence_visits`` times, else after the service's interval."""
    mine = sittings(v for v in visits if v.service_id == service_id)
    if not mine:
        return None
    own = median_days([v.at for v in mine]) if len(mine) >= rules.own_cadence_visits else None
    days = own if own is not None else intervals.days.get(service_id)
    if not days:
        return None
    days = max(days, 1.0)
    return Due(service_id, mine[-1].at + timedelta(days=days), days, own is not None)


def cadence(visits: Sequence[Visit], intervals: Intervals, rules: Rules) -> Cadence | None:
    """How often the client comes: the median interval between their sittings once they had
    ``own_cadence_visits``, else the interval of the service of their last visit."""
    seen = sittings(visits)
    if not seen:
        return None
    if len(seen) >= rules.own_cadence_visits:
        days = max(median_days([v.at for v in seen]) or 1.0, 1.0)
        return Cadence(days, True, f"usually every {_days(days)}")
    last = seen[-1].service_id
    days = float(intervals.days.get(last) or rules.default_interval_days)
    return Cadence(days, False, f"{intervals.name(last)} is due every {_days(days)}")


# --- lifecycle ------------------------------------------------------------------------------------
def _returned(
    seen: Sequence[Visit], booking: Booking | None, rules: Rules
) -> tuple[datetime, timedelta] | None:
    """The booking that ended the client's latest lapse, and how long they had been away."""
    if booking is not None and seen and booking.booked_at - seen[-1].at >= rules.lapsed:
        return booking.booked_at, booking.booked_at - seen[-1].at
    for before, visit in zip(reversed(seen[:-1]), reversed(seen[1:]), strict=False):
        if visit.booked - before.at >= rules.lapsed:
            return visit.booked, visit.booked - before.at
    return None


def assess(
    visits: Sequence[Visit],
    *,
    now: datetime,
    rules: Rules,
    intervals: Intervals,
    booking: Booking | None = None,
    complaint: Complaint | None = None,
) -> Assessment:
    """The client's status now, with the reason in words and when it changes next."""
    seen = sittings(v for v in visits if v.at <= now)
    booked = f"; next visit booked for {booking.start:%Y-%m-%d}" if booking else ""
    if not seen:
        return Assessment(Status.NEW, "no visit yet" + booked, None, None)
    last = seen[-1]
    pace = cadence(seen, intervals, rules)
    assert pace is not None
    away = now - last.at
    since_last = f"{_days(away / DAY)} since the last visit" if away >= DAY else "visited today"
    back = _returned(seen, booking, rules)
    won_back = back is not None and now - back[0] < rules.lapsed
    back_text = f"back after {_days(back[1] / DAY)} away" if back else ""
    if booking is not None:
        if won_back and back is not None:
            return Assessment(Status.WON_BACK, back_text + booked, back[0], None, pace, back[0])
        if len(seen) == 1:
            return Assessment(
                Status.NEW,
                f"first visit {_days(away / DAY)} ago{booked}"
                if away >= DAY
                else "first visit today" + booked,
                last.at,
                None,
                pace,
            )
        return Assessment(Status.ACTIVE, f"{pace.text}{booked}", last.at, None, pace)
    lapsed_at, lost_at = last.at + rules.lapsed, last.at + rules.lost
    risk_at = min(last.at + timedelta(days=pace.days * rules.at_risk_factor), lapsed_at)
    returned = back[0] if back else None
    if now >= lost_at:
        return Assessment(
            Status.LOST,
            f"no visit for {_days(away / DAY)} (lost after {rules.lost_days} days)",
            lost_at,
            None,
            pace,
            returned,
        )
    if now >= lapsed_at:
        return Assessment(
            Status.LAPSED,
            f"no visit for {_days(away / DAY)} (lapsed after {rules.lapsed_days} days); {pace.text}",
            lapsed_at,
            lost_at,
            pace,
            returned,
        )
    if now >= risk_at:
        return Assessment(Status.AT_RISK, f"{pace.text}; {since_last}", risk_at, lapsed_at, pace, returned)
    if complaint is not None and last.at <= complaint.at <= now:
        return Assessment(Status.AT_RISK, complaint.reason, complaint.at, lapsed_at, pace, returned)
    if won_back and back is not None:
        return Assessment(
            Status.WON_BACK,
            f"{back_text}; {since_last}",
            back[0],
            min(risk_at, back[0] + rules.lapsed),
            pace,
            back[0],
        )
    if len(seen) == 1:
        return Assessment(
            Status.NEW,
            f"first visit {_days(away / DAY)} ago" if away >= DAY else "first visit today",
            last.at,
            risk_at,
            pace,
            returned,
        )
    return Assessment(Status.ACTIVE, f"{pace.text}; {since_last}", last.at, risk_at, pace, returned)


def lapses(
    visits: Sequence[Visit], *, now: datetime, rules: Rules, booking: Booking | None = None
) -> list[Lapse]:
    """Every time the client went ``lapsed_days`` (and ``lost_days``) with neither a visit nor a
    booking: between two visits (judged by when the later one was booked), and since the last one
    (judged by the next booking, if any)."""
    seen = sittings(v for v in visits if v.at <= now)
    out: list[Lapse] = []
    ends = [v.booked for v in seen[1:]] + [booking.booked_at if booking else now]
    for before, end in zip(seen, ends, strict=False):
        for kind, threshold in (("lapsed", rules.lapsed), ("lost", rules.lost)):
            if end - before.at >= threshold:
                out.append(Lapse(kind, before.at + threshold, before))
    return out


# --- invitations ----------------------------------------------------------------------------------
def due_services(
    visits: Sequence[Visit],
    *,
    trigger: str,
    intervals: Intervals,
    rules: Rules,
    invited: Mapping[str, datetime],
    join_days: int,
) -> list[Due]:
    """The services one invitation names when ``trigger`` falls due: the trigger and every service
    due within ``join_days`` of it, each only if not invited since its last visit; soonest first.
    Nothing if the trigger itself was invited already."""

    def fresh(due: Due) -> bool:
        last = max(v.at for v in visits if v.service_id == due.service_id)
        return invited.get(due.service_id) is None or invited[due.service_id] < last

    first = service_interval(visits, trigger, intervals, rules)
    if first is None or not fresh(first):
        return []
    window = timedelta(days=join_days)
    joined = [first]
    for service_id in sorted({v.service_id for v in visits} - {trigger}):
        due = service_interval(visits, service_id, intervals, rules)
        if due is not None and abs(due.due_at - first.due_at) <= window and fresh(due):
            joined.append(due)
    return sorted(joined, key=lambda d: (d.due_at, d.service_id))
