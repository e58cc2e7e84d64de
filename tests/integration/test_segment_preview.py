"""The segment preview from its projection (packed chunks plus the deltas the stream keeps) answers
exactly as the full read of every client does, on DynamoDB Local: for a salon that has none yet (the
preview packs it), after the nightly snapshot, and after changes the stream saw since (a new client, a
consent withdrawn, a bonus spent, an erasure, a record delivered twice, a delta older than the
snapshot)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from regulars.analytics import service as analytics
from regulars.app import stream
from regulars.campaigns import audience
from regulars.campaigns import projection_repo as projection
from regulars.campaigns.items import AudienceDelta, AudienceHead
from regulars.campaigns.segments import SegmentFilter
from regulars.clients import service as clients
from regulars.clients.items import Client
from regulars.loyalty import service as loyalty
from regulars.loyalty.items import LoyaltyAccount
from regulars.rights import service as rights
from regulars.runtime import afterwards
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration
SALON = "salon-a"
FILTERS = [
    {},
    {"consent": {"purpose": "marketing"}},
    {"consent": {"purpose": "marketing", "channel": "telegram"}},
    {"visits_min": 2, "spend_max": 30000},
    {"days_since_visit_min": 30},
    {"recency_scores": [4, 5], "frequency_scores": [1, 2, 3]},
    {"ltv_groups": ["top", "high"]},
    {"lifecycle": ["at_risk", "lapsed"]},
    {"tags": ["vip"], "services": ["colour"]},
    {"staff": ["bob"], "birthday_months": [3, 7]},
    {"bonus_min": 1, "tiers": ["gold"]},
]


def _fill(now) -> list[str]:
    ids = []
    for n in range(24):
        last = now - timedelta(days=3 + 9 * n) if n % 6 else None
        consents = {}
        if n % 3:
            consents["marketing"] = {
                "granted": n % 5 != 0,
                "at": now.isoformat(),
                "source": "admin",
                "text": "t",
            }
        if n % 4 == 1:
            consents["marketing:telegram"] = {"granted": False, "at": now.isoformat(), "source": "telegram"}
        client_id = f"c{n:03d}"
        Client(
            salon_id=SALON,
            client_id=client_id,
            name=f"Client {n}",
            phone=f"+4917055{n:05d}",
            locale="en",
            birthday=f"1990-{1 + n % 12:02d}-15" if n % 2 else None,
            tags={"vip"} if n % 5 == 2 else ({"new", "vip"} if n % 7 == 3 else set()),
            consents=consents,
            channels={"telegram": {"chat_id": 1000 + n, "linked_at": now.isoformat()}} if n % 3 == 2 else {},
            lifecycle_status=("active", "at_risk", "lapsed", None)[n % 4],
            created_at=now - timedelta(days=400),
            visits=0 if last is None else 1 + n % 5,
            total_spent=0 if last is None else 4500 * (1 + n % 5) + 100 * n,
            last_visit_at=last,
            visit_log=[]
            if last is None
            else [
                [
                    last.isoformat(),
                    ("haircut", "colour")[n % 2],
                    ("anna", "bob")[n % 3 == 0],
                    last.isoformat(),
                ]
            ],
        ).save()
        if n % 4 == 2:
            loyalty.adjust(
                SALON, client_id, amount=500 + 100 * n, reason="gift", key=f"g{n}", now=now, by="owner"
            )
            if n % 8 == 2:
                account = LoyaltyAccount.find(salon_id=SALON, client_id=client_id, consistent=True)
                assert account is not None
                account.update(actions=[LoyaltyAccount.tier.set("gold")])
        ids.append(client_id)
    return ids


def _handle(records: list[dict], now) -> None:
    """As the stream processor does: one batch, its deltas written once per client when it ends."""
    with afterwards.batch(lambda: now):
        for record in records:
            stream.handle(record, now)


def _profile_records(table) -> list[dict]:
    return [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith(stream.PROFILED)]


def _same_answers(now) -> None:
    for conditions in FILTERS:
        f = SegmentFilter.model_validate(conditions)
        assert audience.preview(SALON, f, now) == audience.preview_full(SALON, f, now), conditions


def test_the_projection_previews_as_the_full_read_before_and_after_changes(table, clock_at):
    before, snapshot_at, after = clock_at - timedelta(hours=3), clock_at - timedelta(hours=2), clock_at
    make_salon(SALON, before)
    ids = _fill(before)
    seen = _profile_records(table)
    _handle(seen, before)  # no projection kept yet: no delta either
    assert not [d for d in AudienceDelta.query(f"SALON#{SALON}") if isinstance(d, AudienceDelta)]

    # a salon without a projection: the preview packs one from the full read
    assert projection.read(SALON, before + timedelta(minutes=5)) is None
    _same_answers(before + timedelta(minutes=5))
    assert projection.read(SALON, before + timedelta(minutes=5)) is not None

    # a change seen by the stream, then another whose delta is not written before the snapshot reads
    # it: the older delta must not win over the snapshot
    clients.change(SALON, ids[1], {"tags": ["vip"]}, before)
    _handle(_profile_records(table)[len(seen) :], before + timedelta(minutes=10))
    clients.change(SALON, ids[1], {"tags": ["new"]}, before)
    seen = _profile_records(table)

    analytics.take_snapshot(SALON, snapshot_at)
    _same_answers(snapshot_at + timedelta(minutes=1))

    # after the snapshot: a new client, a consent withdrawn, a bonus spent, an erasure
    new = clients.create(
        SALON, name="Nina New", phone="+491705559999", tags=["vip"], marketing_consent=True, by="o", now=after
    )
    granted = Client.find(salon_id=SALON, client_id=ids[4], consistent=True)
    assert granted is not None and granted.consents["marketing"]["granted"]
    clients.change(
        SALON, ids[4], {"consents": {"marketing": {"granted": False, "at": after.isoformat()}}}, after
    )
    assert loyalty.adjust(SALON, ids[2], amount=-300, reason="spent", key="s2", now=after, by="desk") == -300
    rights.erase(SALON, ids[7], "owner", after)
    changed = _profile_records(table)[len(seen) :]
    assert {r["dynamodb"]["Keys"]["SK"]["S"].split("#")[1] for r in changed} >= {
        new.id,
        ids[4],
        ids[2],
        ids[7],
    }
    _handle(changed, after)
    _handle(changed[:3], after)  # delivered again

    found = projection.read(SALON, after)
    assert found is not None and found.taken_at == snapshot_at and found.deltas >= 4
    head = AudienceHead.find(salon_id=SALON, consistent=True)
    assert (
        head is not None and head.taken_at == snapshot_at
    )  # read from the snapshot's chunks, not packed anew
    _same_answers(after)
    previewed = audience.preview(SALON, SegmentFilter(tags=["vip"]), after)
    assert new.id in [s["client_id"] for s in previewed["sample"]]
    assert "Nina New" in [s["name"] for s in previewed["sample"]]  # the sample's names read for it
    # the bonus accounts (made by an ADD, so with no entity type) are read by both
    assert audience.preview(SALON, SegmentFilter(bonus_min=1, tiers=["gold"]), after)["count"] == 3
    assert ids[7] not in [s["client_id"] for s in audience.preview(SALON, SegmentFilter(), after)["sample"]]


def test_chunks_stay_under_their_limit_and_unpack_to_the_same_profiles(table, clock_at):
    make_salon(SALON, clock_at)
    _fill(clock_at)
    profiles = audience.population(SALON, audience.EVERY_CHANNEL)
    small = list(projection.chunked(profiles, limit=400))
    assert len(small) > 1 and all(len(c) <= 400 for c in small)
    unpacked = [p for c in small for p in projection.unpack(c)]
    assert [p.client_id for p in unpacked] == [p.client_id for p in profiles]
    for got, want in zip(unpacked, profiles, strict=True):
        assert (got.visits, got.total_spent, got.last_visit_at, got.lifecycle, got.tags, got.birthday) == (
            want.visits,
            want.total_spent,
            want.last_visit_at,
            want.lifecycle,
            want.tags,
            want.birthday,
        )
        assert (got.reachable, got.services, got.staff, got.balance, got.tier, got.erased) == (
            want.reachable,
            want.services,
            want.staff,
            want.balance,
            want.tier,
            want.erased,
        )
