"""The analytics report, from a period's tallies and the latest snapshot (pure).

Every figure carries its definition, so the owner reads what a number means next to the number."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from pydantic import BaseModel, Field

from regulars.analytics.model import RETURN_DAYS, Tally

DEFINITIONS: dict[str, str] = {
    "visits": "Visits completed in the period (by the day of the visit).",
    "revenue": "What was paid for those visits, in minor units (bonus paid is not in it).",
    "new_clients": "Visits that were the client's first completed visit at the salon.",
    "repeat_visit_rate": "Of the visits completed, the share made by clients who had visited before.",
    "average_visit_interval_days": "Mean days between a completed visit and the same client's previous one.",
    "no_show_rate": "Of the visits due (completed or no-show), the share the client did not come to.",
    "late_cancellation_rate": "Of the visits due or cancelled late, the share cancelled inside the salon's "
    "late-cancellation window.",
    "cancellation_rate": "Of the visits due or cancelled, the share cancelled (at any time).",
    "reminder_confirmation_rate": "Of the visits due whose reminder asked for a confirmation, the share confirmed.",
    "no_show_rate_confirmed": "No-show rate among visits the client had confirmed.",
    "no_show_rate_unconfirmed": "No-show rate among visits never confirmed.",
    "rebooking_rate": "Of the visits completed, the share after which the client's next visit was booked "
    "within 7 days (at the desk or online).",
    "services_done": "Services done in the completed visits: a visit of several services counts each.",
    "clients_visited": "Clients with a completed visit, counted once in each month of the period they came.",
    "returning_clients": "Clients with a repeat visit, counted once in each month of the period they had one.",
    "messages_sent": "Messages a provider accepted in the period, over all channels and purposes.",
    "message_cost": "What those messages cost, in the salon's minor units (the provider's price at the "
    "salon's message cost rate).",
    "bonus_issued": "Bonus credited in the period (visits, birthdays, referrals, campaigns, adjustments up).",
    "bonus_spent": "Bonus clients paid with in the period.",
    "bonus_burned": "Bonus that expired unused in the period.",
    "retention_spend": "Marketing messages' cost plus the bonus spent: what keeping clients cost.",
    "retention_spend_per_returning_client": "Retention spend divided by the returning clients.",
}
COHORT_DEFINITION = (
    "Clients by the month of their first completed visit; returned within N days: their "
    "next completed visit came at most N days after the first. A window is complete once N "
    "days have passed since the cohort month's last day; before that the rate can still rise."
)
MESSAGES_DEFINITION = (
    "Messages accepted by a provider, by channel and purpose (transactional: about a visit "
    "or the bonus; marketing: campaigns, invitations, win-backs), with their cost."
)
SNAPSHOT_DEFINITIONS: dict[str, str] = {
    "lifecycle": "Clients by lifecycle status (new, active, at risk, lapsed, lost, won back) at the snapshot.",
    "ltv_groups": "Clients by total spend among those who spent: top 10 %, high (next 20 %), middle (next "
    "30 %), low (the rest); none: no spend yet. With the spend of each group.",
    "top_clients": "The clients who spent the most, at the snapshot.",
    "bonus_liability": "Bonus clients hold and can still spend (the sum of balances), in minor units.",
}


class Figure(BaseModel):
    value: float | int | None = Field(description="None when the denominator is zero")
    definition: str
    numerator: int | None = None
    denominator: int | None = None


class CohortWindow(BaseModel):
    days: int
    returned: int
    rate: float | None
    complete: bool


class Cohort(BaseModel):
    month: str
    clients: int
    returned: int = Field(description="clients who came back at all")
    windows: list[CohortWindow]


class MessageRow(BaseModel):
    channel: str
    purpose: str
    count: int
    cost: int = Field(description="minor units of the salon's currency")
    cost_micros: int = Field(description="millionths of the provider's currency")


class MonthRow(BaseModel):
    month: str
    visits: int
    revenue: int
    new_clients: int
    no_shows: int
    returning_clients: int


class Snapshot(BaseModel):
    taken_at: datetime
    clients: int
    lifecycle: dict[str, int]
    ltv_groups: dict[str, dict[str, int]]
    top_clients: list[dict]
    bonus_liability: int
    bonus_accounts: int
    definitions: dict[str, str] = SNAPSHOT_DEFINITIONS


class ServiceRow(BaseModel):
    service_id: str
    count: int = Field(description="Times the service was done in completed visits")
    list_amount: int = Field(description="Their list prices summed, in minor units (not what was paid)")


class Report(BaseModel):
    period_from: str
    period_to: str
    currency: str
    figures: dict[str, Figure]
    monthly: list[MonthRow]
    cohorts: list[Cohort]
    cohorts_definition: str = COHORT_DEFINITION
    messages: list[MessageRow]
    messages_definition: str = MESSAGES_DEFINITION
    services: list[ServiceRow] = Field(
        default=[], description="Each service done in completed visits, most done first"
    )
    snapshot: Snapshot | None = Field(description="None until the first nightly snapshot has been taken")


def months(first: str, last: str) -> list[str]:
    y, mo = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{mo:02d}" <= last:
        out.append(f"{y:04d}-{mo:02d}")
        y, mo = (y + 1, 1) if mo == 12 else (y, mo + 1)
    return out


def _month_end(month: str) -> date:
    y, mo = int(month[:4]), int(month[5:7])
    return (date(y + 1, 1, 1) if mo == 12 else date(y, mo + 1, 1)) - timedelta(days=1)


def _ratio(key: str, numerator: int, denominator: int) -> Figure:
    return Figure(
        value=round(numerator / denominator, 4) if denominator else None,
        definition=DEFINITIONS[key],
        numerator=numerator,
        denominator=denominator,
    )


def _mean(key: str, total: int, count: int) -> Figure:
    return Figure(
        value=round(total / count, 2) if count else None,
        definition=DEFINITIONS[key],
        numerator=total,
        denominator=count,
    )


def _plain(key: str, value: int) -> Figure:
    return Figure(value=value, definition=DEFINITIONS[key])


def build(
    tallies: Iterable[Tally],
    *,
    first: str,
    last: str,
    today: date,
    currency: str,
    cost_rate: int,
    snapshot: Snapshot | None,
) -> Report:
    """The report for months ``first``..``last`` (the salon's calendar); ``today`` in the salon's zone."""
    count: dict[tuple[str, str], int] = defaultdict(int)  # (figure, value) over the period
    amount: dict[tuple[str, str], int] = defaultdict(int)
    by_month: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for t in tallies:
        key = (t.figure, t.value)
        count[key] += t.count
        amount[key] += t.amount
        sums = by_month[(t.month, t.figure, t.value)]
        sums[0] += t.count
        sums[1] += t.amount

    def c(figure: str, value: str) -> int:
        return count[(figure, value)]

    def a(figure: str, value: str) -> int:
        return amount[(figure, value)]

    completed, no_show = c("outcomes", "completed"), c("outcomes", "no_show")
    late, cancelled = c("outcomes", "late_cancellation"), c("outcomes", "cancelled")
    messages: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for (figure, value), n in list(count.items()):
        if figure == "messages":
            channel, purpose, _kind = value.split(":", 2)
            row = messages[(channel, purpose)]
            row[0] += n
            row[1] += amount[(figure, value)]
    message_rows = [
        MessageRow(
            channel=ch, purpose=p, count=n, cost_micros=micros, cost=round(micros * cost_rate / 1_000_000)
        )
        for (ch, p), (n, micros) in sorted(messages.items())
    ]
    marketing_cost = sum(r.cost for r in message_rows if r.purpose == "marketing")
    bonus_spent = -a("bonus", "redemption")
    returning = c("clients", "returning")
    spend = marketing_cost + bonus_spent
    figures = {
        "visits": _plain("visits", c("visits", "all")),
        "revenue": _plain("revenue", a("visits", "all")),
        "new_clients": _plain("new_clients", c("visits", "first")),
        "repeat_visit_rate": _ratio("repeat_visit_rate", c("visits", "repeat"), c("visits", "all")),
        "average_visit_interval_days": _mean(
            "average_visit_interval_days", a("intervals", "all"), c("intervals", "all")
        ),
        "no_show_rate": _ratio("no_show_rate", no_show, completed + no_show),
        "late_cancellation_rate": _ratio("late_cancellation_rate", late, completed + no_show + late),
        "cancellation_rate": _ratio("cancellation_rate", cancelled, completed + no_show + cancelled),
        "reminder_confirmation_rate": _ratio(
            "reminder_confirmation_rate",
            c("reminded", "confirmed"),
            c("reminded", "confirmed") + c("reminded", "unconfirmed"),
        ),
        "no_show_rate_confirmed": _ratio(
            "no_show_rate_confirmed",
            c("by_confirmation", "confirmed:no_show"),
            c("by_confirmation", "confirmed:no_show") + c("by_confirmation", "confirmed:completed"),
        ),
        "no_show_rate_unconfirmed": _ratio(
            "no_show_rate_unconfirmed",
            c("by_confirmation", "unconfirmed:no_show"),
            c("by_confirmation", "unconfirmed:no_show") + c("by_confirmation", "unconfirmed:completed"),
        ),
        "rebooking_rate": _ratio("rebooking_rate", c("rebooked", "all"), completed),
        "services_done": _plain("services_done", sum(n for (f, _), n in count.items() if f == "services")),
        "clients_visited": _plain("clients_visited", c("clients", "visited")),
        "returning_clients": _plain("returning_clients", returning),
        "messages_sent": _plain("messages_sent", sum(r.count for r in message_rows)),
        "message_cost": _plain("message_cost", sum(r.cost for r in message_rows)),
        "bonus_issued": _plain("bonus_issued", a("bonus", "accrual") + max(0, a("bonus", "adjustment"))),
        "bonus_spent": _plain("bonus_spent", bonus_spent),
        "bonus_burned": _plain("bonus_burned", -a("bonus", "expiry")),
        "retention_spend": _plain("retention_spend", spend),
        "retention_spend_per_returning_client": _mean(
            "retention_spend_per_returning_client", spend, returning
        ),
    }
    period = months(first, last)
    monthly = [
        MonthRow(
            month=mo,
            visits=by_month[(mo, "visits", "all")][0],
            revenue=by_month[(mo, "visits", "all")][1],
            new_clients=by_month[(mo, "visits", "first")][0],
            no_shows=by_month[(mo, "outcomes", "no_show")][0],
            returning_clients=by_month[(mo, "clients", "returning")][0],
        )
        for mo in period
    ]
    cohorts = []
    for mo in period:
        size = by_month[(mo, "cohort", "clients")][0]
        if not size:
            continue
        windows = [
            CohortWindow(
                days=n,
                returned=(r := by_month[(mo, "cohort", f"returned_{n}")][0]),
                rate=round(r / size, 4),
                complete=today > _month_end(mo) + timedelta(days=n),
            )
            for n in RETURN_DAYS
        ]
        cohorts.append(
            Cohort(month=mo, clients=size, returned=by_month[(mo, "cohort", "returned")][0], windows=windows)
        )
    return Report(
        period_from=first,
        period_to=last,
        currency=currency,
        figures=figures,
        monthly=monthly,
        cohorts=cohorts,
        messages=message_rows,
        services=sorted(
            (
                ServiceRow(service_id=v, count=n, list_amount=amount[(f, v)])
                for (f, v), n in count.items()
                if f == "services"
            ),
            key=lambda r: (-r.count, r.service_id),
        ),
        snapshot=snapshot,
    )
