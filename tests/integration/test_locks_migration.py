"""The upgrade from per-cell lock items to day items, on DynamoDB Local: the old items of future
visits and blocks become cells of day items that refuse an overlapping booking, those of cancelled
visits are dropped, and a second run changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from regulars.booking import locks_migration, locks_repo, locks_upgrade_repo
from regulars.booking.items import SlotLock
from regulars.core import clock
from regulars.core.schedule import cells
from regulars.store.base import Tx
from support.lambda_ import AdminApi

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"
FAR = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def at(hhmm: str) -> str:
    return f"{TUESDAY}T{hhmm}:00+01:00"


def book(admin: AdminApi, start: str) -> dict:
    r = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": start,
            "client": {"name": "Olga Ivanova", "phone": "+49 170 1110001"},
        },
    )
    assert r.status == 201, r.text
    return r.json


def as_before_the_upgrade(holder: str, start: str, end: str, *, held_now: bool = True) -> int:
    """Put the holder's time back as earlier releases kept it: one SlotLock per cell, no day cells."""
    span = cells(datetime.fromisoformat(start), datetime.fromisoformat(end))
    if held_now:
        tx = Tx()
        locks_repo.stage(tx, "salon-a", holder, free={("anna", c) for c in span})
        tx.commit()
    for cell in span:
        SlotLock(
            salon_id="salon-a",
            staff_id="anna",
            minute=cell,
            appointment_id=holder,
            expires=cell + timedelta(days=1),
        ).save()
    return len(span)


def old_items() -> list[SlotLock]:
    return [
        i
        for i in SlotLock.query(SlotLock.render_key("pk", salon_id="salon-a", staff_id="anna"))
        if isinstance(i, SlotLock)
    ]


def test_old_locks_move_into_day_items_once_and_keep_refusing_overlaps(salon):
    admin = AdminApi("salon-a")
    visit = book(admin, at("10:00"))
    cancelled = book(admin, at("14:00"))
    assert admin.post(f"/v1/admin/appointments/{cancelled['id']}/cancel", {}).status == 200
    made = admin.post(
        "/v1/admin/staff/anna/blocks", {"start": at("16:00"), "end": at("17:30"), "kind": "meeting"}
    )
    assert made.status == 201, made.text
    block = made.json
    old = as_before_the_upgrade(visit["id"], at("10:00"), at("11:00"))
    old += as_before_the_upgrade(block["id"], at("16:00"), at("17:30"))
    old += as_before_the_upgrade(cancelled["id"], at("14:00"), at("15:00"), held_now=False)
    assert locks_repo.held("salon-a", "anna", *FAR) == {} and len(old_items()) == old == 42

    report = locks_upgrade_repo.migrate("salon-a", clock.now())
    assert (report.holders, report.cells, report.stale, report.deleted) == (2, 30, 12, 42)
    assert report.conflicts == []
    held = locks_repo.held("salon-a", "anna", *FAR)
    assert sorted(held.values()) == sorted(
        [locks_repo.tag(visit["id"])] * 12 + [locks_repo.tag(block["id"])] * 18
    )
    assert old_items() == []

    again = locks_upgrade_repo.migrate("salon-a", clock.now())  # a second run: nothing left to move
    assert (again.holders, again.deleted, again.conflicts) == (0, 0, [])
    assert locks_repo.held("salon-a", "anna", *FAR) == held

    overlapping = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": at("10:30"),
            "client": {"name": "Ida", "phone": "+49 170 1110002"},
        },
    )
    assert (overlapping.status, overlapping.json["error"]["code"]) == (409, "slot_taken")
    adjacent = book(admin, at("11:00"))  # next to the migrated visit: free
    assert admin.delete(f"/v1/admin/blocks/{block['id']}").status == 204  # the migrated block frees its time
    marks = set(locks_repo.held("salon-a", "anna", *FAR).values())
    assert marks == {locks_repo.tag(visit["id"]), locks_repo.tag(adjacent["id"])}


def test_a_rerun_while_a_visit_moved_takes_its_current_time_and_a_time_taken_meanwhile_is_a_conflict(
    table, salon
):
    admin = AdminApi("salon-a")
    visit = book(admin, at("10:00"))
    other = book(admin, at("12:00"))
    as_before_the_upgrade(visit["id"], at("10:00"), at("11:00"))
    # the visit moves after the upgrade, before the migration: its old items still name 10:00
    moved = admin.post(f"/v1/admin/appointments/{visit['id']}/move", {"start": at("09:00")})
    assert moved.status == 200, moved.text
    # and old items of the other visit name a time a third holder took meanwhile
    as_before_the_upgrade(other["id"], at("12:00"), at("13:00"))
    tx = Tx()
    locks_repo.stage(tx, "salon-a", "third", take={("anna", datetime.fromisoformat(at("12:30")))})
    tx.commit()

    assert (
        locks_migration.main(["--table", table, "--salon", "salon-a"]) == 1
    )  # the operator's command: a conflict
    held = locks_repo.held("salon-a", "anna", *FAR)
    mine = sorted(c for c, t in held.items() if t == locks_repo.tag(visit["id"]))
    assert mine == cells(datetime.fromisoformat(at("09:00")), datetime.fromisoformat(at("10:00")))
    assert {i.appointment_id for i in old_items()} == {other["id"]}  # kept for the desk
