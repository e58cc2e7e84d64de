"""Segments, campaigns, their members and figures; and a salon's client population, read in pages.

A member's figures and its group's sums move together in one transaction, with a marker for the
event that moved them, so a stream record delivered twice counts once and the sums always equal the
members' figures (the square of a figure moves by 2xd + d^2 when the figure x moves by d).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from regulars.campaigns import model
from regulars.campaigns.items import Campaign, CampaignMember, CampaignTally, Segment
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.clients.items import Client
from regulars.core.errors import NotFound
from regulars.loyalty.items import LoyaltyAccount
from regulars.store.base import Entity, Tx
from regulars.store.items import ProcessedEvent

FIGURES = ("bookings", "visits", "revenue", "bonus_spent")
GROUPS = ("sent", "holdout")
MARKER_KEEP = timedelta(days=30)
ATTEMPTS = 8


# --- the population --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClientAccount:
    """A client as a campaign's population reads them: the client, their lifecycle status, their bonus."""

    client: clients_model.Client
    lifecycle: str | None
    balance: int
    tier: str | None


def client_pages(salon_id: str, page_size: int = 1000) -> Iterator[list[ClientAccount]]:
    """The salon's clients a page at a time, each with their bonus account (one range Query a page:
    the accounts sort by client id as the clients do)."""
    pk = Client.render_key("pk", salon_id=salon_id)
    start: dict | None = None
    while True:
        result = Entity.query(pk, Entity.sk.startswith("CLIENT#"), limit=page_size, last_evaluated_key=start)
        clients = [c for c in result if isinstance(c, Client)]
        start = result.last_evaluated_key
        accounts = _accounts(pk, clients[0].client_id, clients[-1].client_id) if clients else {}
        yield [_held(c, accounts.get(c.client_id)) for c in clients]
        if not start:
            return


def _accounts(pk: str, first: str, last: str) -> dict[str, LoyaltyAccount]:
    """The bonus accounts of the clients ``first`` to ``last``, read as raw items: an account is
    made by an ADD of its balance, so it carries no entity type that a typed query would match."""
    connection, found, start = Entity._get_connection(), {}, None
    condition = Entity.sk.between(f"LOYALTY#{first}", f"LOYALTY#{last}")
    while True:
        page = connection.query(pk, range_key_condition=condition, exclusive_start_key=start)
        for raw in page.get("Items", []):
            account = LoyaltyAccount.from_raw_data(raw)
            found[account.client_id or raw["SK"]["S"].removeprefix("LOYALTY#")] = account
        start = page.get("LastEvaluatedKey")
        if not start:
            return found


def client_account(salon_id: str, client_id: str) -> ClientAccount | None:
    """One client with their bonus account, as they are now (None: no such client)."""
    client = Client.find(salon_id=salon_id, client_id=client_id, consistent=True)
    if client is None:
        return None
    return _held(client, LoyaltyAccount.find(salon_id=salon_id, client_id=client_id, consistent=True))


def names(salon_id: str, client_ids: list[str]) -> dict[str, str]:
    """The names of a few clients (the ones no longer there left out)."""
    keys = [Client.primary_key(salon_id=salon_id, client_id=c) for c in client_ids]
    return (
        {c.client_id: c.name for c in Client.batch_get(keys, attributes_to_get=["client_id", "name"])}
        if keys
        else {}
    )


def _held(c: Client, account: LoyaltyAccount | None) -> ClientAccount:
    return ClientAccount(
        client_store.to_domain(c),
        c.lifecycle_status,
        int(account.balance or 0) if account is not None else 0,
        account.tier if account is not None else None,
    )


# --- segments --------------------------------------------------------------------------------------
def _segment(item: Segment) -> model.Segment:
    return model.Segment(
        salon_id=item.salon_id,
        id=item.segment_id,
        name=item.name,
        filter=item.filter or {},
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _segment_item(salon_id: str, segment_id: str) -> Segment:
    item = Segment.find(salon_id=salon_id, segment_id=segment_id, consistent=True)
    if item is None:
        raise NotFound(f"segment {segment_id} not found", code="segment_not_found")
    return item


def segment(salon_id: str, segment_id: str) -> model.Segment:
    return _segment(_segment_item(salon_id, segment_id))


def segments(salon_id: str) -> list[model.Segment]:
    pk = Segment.render_key("pk", salon_id=salon_id)
    return [_segment(s) for s in Entity.query(pk, Entity.sk.startswith("SEGMENT#")) if isinstance(s, Segment)]


def add_segment(s: model.Segment) -> model.Segment:
    item = Segment(
        salon_id=s.salon_id,
        segment_id=s.id,
        name=s.name,
        filter=s.filter,
        created_by=s.created_by,
        created_at=s.created_at,
        updated_at=s.updated_at,
    )
    item.save()
    return _segment(item)


def change_segment(
    salon_id: str, segment_id: str, *, name: str, filter: dict, now: datetime
) -> model.Segment:
    """A segment's new name and conditions (over the version read: a change made meanwhile is refused)."""
    item = _segment_item(salon_id, segment_id)
    item.name, item.filter, item.updated_at = name, filter, now
    item.save()
    return _segment(item)


def delete_segment(salon_id: str, segment_id: str) -> None:
    _segment_item(salon_id, segment_id).delete()


# --- campaigns -------------------------------------------------------------------------------------
def _campaign(item: Campaign) -> model.Campaign:
    return model.Campaign(
        salon_id=item.salon_id,
        id=item.campaign_id,
        name=item.name,
        kind=item.kind,
        segment_id=item.segment_id,
        filter=item.filter or {},
        messages=item.messages or {},
        offer=item.offer,
        send_at=item.send_at,
        holdout_percent=float(item.holdout_percent),
        window_days=int(item.window_days),
        status=item.status,
        audience=int(item.audience or 0),
        sent_group=int(item.sent_group or 0),
        holdout_group=int(item.holdout_group or 0),
        batches=int(item.batches or 0),
        started_at=item.started_at,
        created_by=item.created_by,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


def _campaign_item(salon_id: str, campaign_id: str) -> Campaign:
    item = Campaign.find(salon_id=salon_id, campaign_id=campaign_id, consistent=True)
    if item is None:
        raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
    return item


def campaign(salon_id: str, campaign_id: str) -> model.Campaign:
    return _campaign(_campaign_item(salon_id, campaign_id))


def campaigns(salon_id: str) -> list[model.Campaign]:
    """The salon's campaigns, the latest send time first."""
    pk = Campaign.render_key("pk", salon_id=salon_id)
    found = [
        _campaign(c) for c in Entity.query(pk, Entity.sk.startswith("CAMPAIGN#")) if isinstance(c, Campaign)
    ]
    return sorted(found, key=lambda c: c.send_at, reverse=True)


def add_campaign(c: model.Campaign) -> bool:
    """Write a new campaign unless one with its id exists; True if written now."""
    return Campaign(
        salon_id=c.salon_id,
        campaign_id=c.id,
        name=c.name,
        kind=c.kind,
        segment_id=c.segment_id,
        filter=c.filter,
        messages=c.messages,
        offer=c.offer,
        send_at=c.send_at,
        holdout_percent=c.holdout_percent,
        window_days=c.window_days,
        status=c.status,
        created_by=c.created_by,
        created_at=c.created_at,
        updated_at=c.updated_at,
    ).save_new()


def move_campaign(
    salon_id: str, campaign_id: str, *, was: str, to: str, now: datetime, **figures: int | datetime
) -> model.Campaign | None:
    """Move a campaign from status ``was`` to ``to``, setting ``figures`` (audience, groups, batches,
    started_at) with it; None if it is no longer in ``was``."""
    for _ in range(ATTEMPTS):
        item = _campaign_item(salon_id, campaign_id)
        if item.status != was:
            return None
        actions = [
            Campaign.status.set(to),
            Campaign.updated_at.set(now),
            *(getattr(Campaign, name).set(value) for name, value in figures.items()),
        ]
        if item.update_if(actions, Campaign.status == was):  # and the version read
            return _campaign(item)
    raise RuntimeError(f"could not move campaign {campaign_id} to {to} after {ATTEMPTS} attempts")


def add_members(
    salon_id: str, campaign_id: str, members: list[tuple[str, str]], start: datetime, end: datetime
) -> None:
    """Write (client, group) members that are not written yet (a batch run again writes none twice
    and never resets a member's figures)."""
    for client_id, group in members:
        CampaignMember(
            salon_id=salon_id,
            campaign_id=campaign_id,
            client_id=client_id,
            group=group,
            window_start=start,
            window_end=end,
        ).save_new()


def memberships(salon_id: str, client_id: str) -> list[CampaignMember]:
    pk = CampaignMember.render_key("pk", salon_id=salon_id)
    return [
        m
        for m in Entity.query(pk, Entity.sk.startswith(f"MEMBER#{client_id}#"), consistent_read=True)
        if isinstance(m, CampaignMember)
    ]


def _tally_actions(salon_id: str, campaign_id: str, group: str) -> list[Any]:
    return [
        CampaignTally.salon_id.set(salon_id),
        CampaignTally.campaign_id.set(campaign_id),
        CampaignTally.group.set(group),
        CampaignTally.entity_type.set(CampaignTally),
    ]


def attribute(member: CampaignMember, event_id: str, deltas: dict[str, int], now: datetime) -> bool:
    """Add ``deltas`` to the member's figures and to its group's sums, once per event; False if the
    event had been counted for this member before."""
    marker = f"campaign:{member.campaign_id}:{member.client_id}:{event_id}"
    for _ in range(ATTEMPTS):
        current = CampaignMember.find(
            salon_id=member.salon_id,
            client_id=member.client_id,
            campaign_id=member.campaign_id,
            consistent=True,
        )
        if current is None:
            return False
        tx = Tx()
        tx.put(
            ProcessedEvent(
                salon_id=member.salon_id, event_id=marker, processed_at=now, expires=now + MARKER_KEEP
            ),
            ProcessedEvent.pk.does_not_exist(),
            label="event",
        )
        member_actions: list[Any] = []
        tally_actions = _tally_actions(member.salon_id, member.campaign_id, current.group)
        for figure, d in deltas.items():
            if not d:
                continue
            x = int(getattr(current, figure) or 0)
            member_actions.append(getattr(CampaignMember, figure).set(x + d))
            tally_actions += [
                getattr(CampaignTally, figure).add(d),
                getattr(CampaignTally, f"{figure}_sq").add(2 * x * d + d * d),
            ]
        if not member_actions:
            return False
        tx.update(current, member_actions, label="member")
        tx.update(
            CampaignTally(salon_id=member.salon_id, campaign_id=member.campaign_id, group=current.group),
            tally_actions,
            label="tally",
            add_version_condition=False,
        )
        done = tx.commit_once()  # None: the member moved meanwhile (another event): read again
        if done is not None:
            return done
    raise RuntimeError(f"could not count {event_id} for {member.client_id} after {ATTEMPTS} attempts")


def tallies(salon_id: str, campaign_id: str) -> dict[str, CampaignTally]:
    pk = CampaignTally.render_key("pk", salon_id=salon_id)
    found = Entity.query(pk, Entity.sk.startswith(f"CAMPAIGNSTATS#{campaign_id}#"), consistent_read=True)
    return {t.group: t for t in found if isinstance(t, CampaignTally)}
