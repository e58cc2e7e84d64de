"""Campaigns sent to a segment, measured against a holdout (the segments and their previews: ``audience``).

A campaign runs as jobs, never in one invocation:
1. ``campaign-start`` at the send time reads the salon's clients in pages, applies the segment,
   keeps those with marketing consent on a channel that reaches them (the audience), splits them into
   the sent group and the holdout (a hash of client and campaign), and schedules one
   ``campaign-batch`` job per 500 members;
2. each ``campaign-batch`` writes its members (both groups), credits the offer's bonus and writes one
   marketing message per sent member routed at once (consent, quiet hours and the frequency cap
   applied as dispatch applies them, the channel chosen, the text rendered: one write, queued, no
   dispatch step through the stream; one held for quiet hours is planned and dispatched at the
   window's end); the messaging pipeline does the rest (the consent checked again as the queued
   message is published, one queue per channel, senders at the providers' rates).
Every step is keyed on the campaign and the client, so a job delivered twice does nothing twice.

Attribution: the stream counts each booking made and each visit completed in a member's window
(``attribute``) on the member and its group's sums; the report reads the two groups' sums.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from regulars.campaigns import repo as store
from regulars.campaigns import uplift
from regulars.campaigns.audience import audience_of, audited, population, segment_filter
from regulars.campaigns.model import Campaign
from regulars.campaigns.segments import SegmentFilter, select
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.errors import Conflict, InvalidInput
from regulars.core.events import AppointmentEvent, EventType
from regulars.core.ids import new_id
from regulars.loyalty import credits as loyalty
from regulars.messaging.outbox import dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.formatting import format_date, format_price
from regulars.messaging.rules.render import best_match
from regulars.messaging.shortlinks import service as short_links
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import service as salon_service
from regulars.salon.model import Catalog

START = "campaign-start"
BATCH = "campaign-batch"
BATCH_SIZE = 500
KINDS = ("new_services", "holiday_bonus", "personal_offer", "early_access", "other")
PLACEHOLDERS = frozenset({"name", "salon", "link", "offer", "bonus", "expires"})
ATTRIBUTION_HORIZON = timedelta(days=91)  # the longest window: older events cannot count for any campaign


# --- campaigns ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CampaignSpec:
    name: str
    kind: str
    segment_id: str | None
    filter: SegmentFilter | None
    messages: dict[str, str]
    send_at: datetime
    bonus_amount: int | None = None
    bonus_lifetime_days: int = 30
    offer_text: str | None = None
    holdout_percent: float | None = None
    window_days: int | None = None


def _check(spec: CampaignSpec, f: SegmentFilter) -> None:
    for locale, text in spec.messages.items():
        try:
            names = {n for _, n, _, _ in string.Formatter().parse(text) if n is not None}
        except ValueError:
            raise InvalidInput.field(f"messages.{locale}", "braces must pair: {name}, {link}") from None
        unknown = names - PLACEHOLDERS
        if unknown:
            raise InvalidInput.field(
                f"messages.{locale}",
                f"unknown placeholder {{{sorted(unknown)[0]}}}; known: {', '.join(sorted(PLACEHOLDERS))}",
            )
        if names & {"bonus", "expires"} and not spec.bonus_amount:
            raise InvalidInput.field(f"messages.{locale}", "{bonus} and {expires} need an offer with a bonus")
    if spec.kind == "holiday_bonus" and not spec.bonus_amount:
        raise InvalidInput.field("offer.bonus_amount", "a holiday bonus campaign gives a bonus")
    if spec.kind == "personal_offer" and not (spec.bonus_amount or spec.offer_text):
        raise InvalidInput.field("offer", "a personal offer needs a bonus or a text")
    if spec.kind == "early_access" and not f.tiers:
        raise InvalidInput.field("filter.tiers", "early access is for a tier: name it")


def create_campaign(
    salon_id: str, spec: CampaignSpec, who: str, now: datetime, key: str | None = None
) -> Campaign:
    """Schedule the campaign's start at its send time. With ``key`` (the request's Idempotency-Key,
    hashed) the campaign is that key's: a retried request returns the campaign it made, never a second
    one (every client would hear twice), and the key given for another campaign is refused."""
    cat = salon_service.catalog(salon_id)
    f = spec.filter if spec.filter is not None else segment_filter(salon_id, spec.segment_id or "")
    _check(spec, f)
    if spec.send_at < now - timedelta(minutes=1):
        raise InvalidInput.field("send_at", "must not be in the past")
    if spec.bonus_amount and not cat.salon.settings.loyalty.enabled:
        raise InvalidInput.field("offer.bonus_amount", "the salon's loyalty programme is off")
    rules = cat.salon.settings.campaigns
    offer: dict[str, Any] | None = None
    if spec.bonus_amount or spec.offer_text:
        offer = {
            "bonus_amount": spec.bonus_amount,
            "bonus_lifetime_days": spec.bonus_lifetime_days,
            "text": spec.offer_text,
        }
    item = Campaign(
        salon_id=salon_id,
        id=key or new_id(now),
        name=spec.name,
        kind=spec.kind,
        segment_id=spec.segment_id,
        filter=f.model_dump(mode="json", exclude_none=True),
        messages=spec.messages,
        offer=offer,
        send_at=max(spec.send_at, now),
        holdout_percent=spec.holdout_percent if spec.holdout_percent is not None else rules.holdout_percent,
        window_days=spec.window_days or rules.window_days,
        status="scheduled",
        created_by=who,
        created_at=now,
        updated_at=now,
    )
    if not store.add_campaign(item):
        first = store.campaign(salon_id, item.id)
        if _what(first) != _what(item):
            raise Conflict(
                "this Idempotency-Key was used for another campaign", code="idempotency_key_reused"
            )
        item = first
    else:
        audited(
            salon_id,
            "campaign.created",
            who,
            now,
            campaign_id=item.id,
            name=item.name,
            segment_id=item.segment_id,
            send_at=item.send_at.isoformat(),
            offer=item.offer,
        )
    # idempotent: a retry after a failure between the two writes schedules what the first did not
    job_store.schedule(
        salon_id,
        f"{START}-{item.id}",
        kind=START,
        subject=Subject.CAMPAIGN.of(item.id),
        due_at=item.send_at,
        now=now,
        payload={"campaign_id": item.id},
    )
    return item


def _what(item: Campaign) -> tuple:
    """What a campaign says and to whom (its send time aside: a past one was moved to the request's now)."""
    return (
        item.name,
        item.kind,
        item.segment_id,
        item.filter,
        item.messages,
        item.offer,
        item.holdout_percent,
        item.window_days,
    )


def cancel(salon_id: str, campaign_id: str, now: datetime, who: str = "system") -> Campaign:
    item = store.move_campaign(salon_id, campaign_id, was="scheduled", to="cancelled", now=now)
    if item is None:
        raise Conflict(
            f"the campaign is {store.campaign(salon_id, campaign_id).status}: only a scheduled one can "
            f"be cancelled",
            code="campaign_started",
        )
    job_store.cancel_pending(salon_id, Subject.CAMPAIGN.of(campaign_id), now)
    audited(salon_id, "campaign.cancelled", who, now, campaign_id=campaign_id, name=item.name)
    return item


def start(job: DueJob, now: datetime) -> Outcome:
    salon_id, campaign_id = job.salon_id, job.payload["campaign_id"]
    item = store.campaign(salon_id, campaign_id)
    if item.status != "scheduled":
        return Outcome(False, f"the campaign is {item.status}")
    profiles = population(salon_id)
    chosen = audience_of(
        select(
            SegmentFilter.model_validate(item.filter), profiles, job.due_at, salon_service.salon(salon_id).tz
        )
    )
    members = [
        (
            p.client_id,
            "holdout" if uplift.in_holdout(campaign_id, p.client_id, item.holdout_percent) else "sent",
        )
        for p in chosen
    ]
    batches = [members[i : i + BATCH_SIZE] for i in range(0, len(members), BATCH_SIZE)]
    for n, batch in enumerate(batches):
        job_store.schedule(
            salon_id,
            f"{BATCH}-{campaign_id}-{n}",
            kind=BATCH,
            subject=Subject.CAMPAIGN.of(campaign_id),
            due_at=now,
            now=now,
            payload={"campaign_id": campaign_id, "members": batch},
        )
    held = sum(1 for _, g in members if g == "holdout")
    if (
        store.move_campaign(
            salon_id,
            campaign_id,
            was="scheduled",
            to="sending",
            now=now,
            audience=len(members),
            sent_group=len(members) - held,
            holdout_group=held,
            batches=len(batches),
            started_at=job.due_at,
        )
        is None
    ):
        return Outcome(False, "the campaign is no longer scheduled")
    return Outcome(True, f"{len(members)} in the audience, {held} held out, {len(batches)} batches")


def _text(
    item: Campaign, client: clients_model.Client, cat: Catalog, expires: datetime | None, link: str
) -> str:
    """The campaign's text in the client's language (its region's text first, then its language's),
    else the salon's, else the first written; ``link`` is the booking page's short link."""
    messages: dict[str, str] = item.messages
    locale = best_match(messages, (client.locale, cat.salon.locale)) or next(iter(messages))
    offer = item.offer or {}
    values = {
        "name": client.name,
        "salon": cat.salon.name,
        "link": link,
        "offer": offer.get("text") or "",
        "bonus": format_price(int(offer["bonus_amount"]), cat.salon.currency, locale)
        if offer.get("bonus_amount")
        else "",
        "expires": format_date(expires, cat.salon.timezone, locale) if expires else "",
    }
    return messages[locale].format_map(values)


def batch(job: DueJob, now: datetime) -> Outcome:
    salon_id, campaign_id = job.salon_id, job.payload["campaign_id"]
    item = store.campaign(salon_id, campaign_id)
    if item.status == "cancelled":
        return Outcome(False, "the campaign was cancelled")
    start_at = item.started_at or item.send_at
    end_at = start_at + timedelta(days=item.window_days)
    members = [(c, g) for c, g in job.payload["members"]]
    store.add_members(salon_id, campaign_id, members, start_at, end_at)
    cat = salon_service.catalog(salon_id)
    offer = item.offer or {}
    bonus, lifetime = int(offer.get("bonus_amount") or 0), int(offer.get("bonus_lifetime_days") or 30)
    planned = 0
    link = short_links.shorten(links.booking_page(cat.salon.id), now=now)
    for client_id, group in members:
        if group != "sent":
            continue
        client = client_store.get(salon_id, client_id)
        if client.erased_at is not None:
            continue
        expires = None
        if bonus and cat.salon.settings.loyalty.enabled:
            loyalty.credit(
                salon_id,
                client_id,
                amount=bonus,
                source="campaign",
                source_id=campaign_id,
                lifetime_days=lifetime,
                at=start_at,
                now=now,
                announce=None,
                reason=f"campaign: {item.name}",
            )
            expires = loyalty.lot_expiry(start_at, lifetime)
        planned += dispatch.plan_routed(
            outbox.PlannedMessage(
                salon_id=salon_id,
                message_id=f"campaign-{campaign_id}-{client_id}",
                kind="campaign",
                purpose="marketing",
                recipient="client",
                client_id=client_id,
                campaign_id=campaign_id,
                locale=client.locale,
                text=_text(item, client, cat, expires, link),
                values={"campaign": item.name},
                created_at=now,
            ),
            now,
            visit_of=dispatch.no_visit,
            client=client,
        )
    return Outcome(True, f"{len(members)} members, {planned} messages planned")


def progress(item: Campaign) -> dict[str, int]:
    jobs = [j for j in job_store.jobs_of(item.salon_id, Subject.CAMPAIGN.of(item.id)) if j.kind == BATCH]
    return {"batches": item.batches, "batches_done": sum(j.status in ("done", "skipped") for j in jobs)}


def status_of(item: Campaign) -> str:
    if item.status == "sending":
        p = progress(item)
        if p["batches_done"] >= p["batches"]:
            return "sent"
    return item.status


# --- attribution --------------------------------------------------------------------------------------
def on_event(event: AppointmentEvent, now: datetime) -> int:
    """Count a booking made or a visit completed for the client's campaigns whose window it falls in."""
    a = event.appointment
    if event.type is EventType.BOOKED:
        at, deltas = a.created_at, {"bookings": 1}
    elif event.type is EventType.COMPLETED:
        at, deltas = (
            a.start,
            {"visits": 1, "revenue": int(a.paid_amount or 0), "bonus_spent": int(a.bonus_amount or 0)},
        )
    else:
        return 0
    if at < now - ATTRIBUTION_HORIZON:
        return 0
    counted = 0
    for member in store.memberships(a.salon_id, a.client_id):
        if member.window_start <= at < member.window_end:
            counted += store.attribute(member, event.event_id, deltas, now)
    return counted


# --- the report ---------------------------------------------------------------------------------------
DEFINITIONS = {
    "audience": "clients in the segment when the campaign started who had marketing consent on a channel "
    "that reaches them; split at random into the sent group and the holdout",
    "bookings": "visits booked (by anyone, on any channel) by a member during the window, cancelled or not",
    "visits": "visits completed by a member that began during the window",
    "revenue": "what members paid in money for those visits, in minor units of the salon's currency (the "
    "bonus they paid with is not in it)",
    "bonus_spent": "bonus members used to pay for those visits",
    "incremental": "(sent group's average per member - holdout's average) x members of the sent group, with "
    "a 95 % confidence interval (the larger of Welch's and the pooled standard error, Student's t); "
    f"too_few: fewer than {uplift.MIN_HOLDOUT} held out, and nothing can be told yet",
    "message_cost": "what the providers charged for the campaign's messages, in the salon's currency",
    "cost": "message cost (the bonus members spent is already off the revenue: counted again, it would be "
    "counted twice)",
    "roi": "(incremental revenue - cost) / cost",
}


def report(salon_id: str, campaign_id: str, now: datetime) -> dict[str, Any]:
    item = store.campaign(salon_id, campaign_id)
    cat = salon_service.catalog(salon_id)
    sums = store.tallies(salon_id, campaign_id)
    sizes = {"sent": item.sent_group, "holdout": item.holdout_group}
    start_at = item.started_at or item.send_at
    end_at = start_at + timedelta(days=item.window_days)

    def figure(group: str, name: str) -> uplift.Sums:
        t = sums.get(group)
        return uplift.Sums(
            sizes[group],
            float(getattr(t, name) or 0) if t else 0.0,
            float(getattr(t, f"{name}_sq") or 0) if t else 0.0,
        )

    groups = {
        g: {
            "members": sizes[g],
            **{f: int(figure(g, f).total) for f in store.FIGURES},
            "per_member": {f: round(figure(g, f).mean, 4) for f in store.FIGURES},
        }
        for g in store.GROUPS
    }
    effects = {f: uplift.effect(figure("sent", f), figure("holdout", f)) for f in store.FIGURES}
    incremental = {
        f: None
        if e is None
        else {
            "value": round(e.incremental, 2),
            "low": round(e.low, 2),
            "high": round(e.high, 2),
            "per_member": round(e.per_member, 4),
            "significant": e.significant,
            "too_few": e.too_few,
        }
        for f, e in effects.items()
    }
    messages_sent, cost_micros = outbox.campaign_sends(salon_id, item.id)
    message_cost = cost_micros * cat.salon.settings.campaigns.message_cost_rate / 1_000_000
    cost = message_cost  # the bonus spent is already off the revenue, which is what was paid in money
    revenue_effect = effects["revenue"]
    return {
        "campaign": campaign_view(item),
        "window": {"start": start_at, "end": end_at, "closed": now >= end_at},
        "currency": cat.salon.currency,
        "groups": groups,
        "messages": {"sent": messages_sent, "cost_micros": cost_micros, "cost": round(message_cost, 2)},
        "incremental": incremental,
        "cost": round(cost, 2),
        "roi": None if revenue_effect is None else _rounded(uplift.roi(revenue_effect.incremental, cost)),
        "definitions": DEFINITIONS,
    }


def _rounded(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def campaign_view(item: Campaign) -> dict[str, Any]:
    """A campaign as the admin sees it: with how far its sending is (read from its batch jobs)."""
    return {
        **item.model_dump(
            include={
                "id",
                "name",
                "kind",
                "segment_id",
                "filter",
                "messages",
                "offer",
                "send_at",
                "holdout_percent",
                "window_days",
                "audience",
                "sent_group",
                "holdout_group",
                "started_at",
                "created_by",
                "created_at",
            }
        ),
        "status": status_of(item),
        **progress(item),
    }


def campaign(salon_id: str, campaign_id: str) -> dict[str, Any]:
    return campaign_view(store.campaign(salon_id, campaign_id))


def campaigns(salon_id: str) -> list[dict[str, Any]]:
    """The salon's campaigns, the latest send time first."""
    return [campaign_view(c) for c in store.campaigns(salon_id)]


def local_send_time(salon_id: str, when: datetime | date) -> datetime:
    """A send time given without an offset is the salon's wall-clock time."""
    if isinstance(when, datetime) and when.tzinfo is not None:
        return when
    return datetime.fromisoformat(str(when)).replace(tzinfo=salon_service.salon(salon_id).tz)
