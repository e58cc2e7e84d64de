"""A staff member's blocked time (a meeting, training, time off) holds its time as a visit does: no
slot is offered in it, the desk cannot book or move a visit into it, it cannot be put over a visit,
and deleting it frees the time. Also the source of a desk booking, and resizing a visit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from regulars.booking import blocks_repo, locks_repo
from regulars.booking.items import Appointment, StaffBlock
from regulars.booking.model import Block, BlockKind
from regulars.booking.repo import to_domain
from regulars.core import appointments as m
from regulars.core.errors import SlotTaken
from support.lambda_ import AdminApi, PublicApi

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"


def at(hhmm: str, day: str = TUESDAY) -> str:
    return f"{day}T{hhmm}:00+01:00"


def slots(service: str = "haircut", staff: str = "anna") -> list[str]:
    r = PublicApi().get(f"/v1/salons/salon-a/slots?service_id={service}&date={TUESDAY}&staff_id={staff}")
    assert r.status == 200, r.text
    return [s["start"] for s in r.json["slots"]]


def book(
    admin: AdminApi,
    start: str,
    *,
    staff: str = "anna",
    service: str = "haircut",
    headers: dict[str, str] | None = None,
    **extra: object,
):
    return admin.post(
        "/v1/admin/appointments",
        {
            "service_id": service,
            "staff_id": staff,
            "start": start,
            "client": {"name": "Olga Ivanova", "phone": "+49 170 1110001"},
            **extra,
        },
        headers=headers,
    )


def block(admin: AdminApi, start: str, end: str, *, staff: str = "anna", kind: str = "meeting", **extra):
    return admin.post(f"/v1/admin/staff/{staff}/blocks", {"start": start, "end": end, "kind": kind, **extra})


def cells_held_by(holder: str, staff: str = "anna") -> int:
    held = locks_repo.held(
        "salon-a", staff, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return sum(1 for mark in held.values() if mark == locks_repo.tag(holder))


def test_a_block_refuses_a_booking_and_a_move_into_it_and_no_slot_is_offered_in_it(salon):
    admin = AdminApi("salon-a")
    assert at("10:00") in slots()
    made = block(admin, at("10:00"), at("11:00"), note="team meeting")
    assert made.status == 201, made.text
    b = made.json
    assert (b["staff_id"], b["start"], b["end"], b["kind"], b["note"], b["held"]) == (
        "anna",
        at("10:00"),
        at("11:00"),
        "meeting",
        "team meeting",
        True,
    )
    assert cells_held_by(b["id"]) == 12

    free = slots()
    assert {at("09:00"), at("11:00")} <= set(free)
    assert not {at("09:15"), at("09:30"), at("10:00"), at("10:45")} & set(free)
    assert at("10:00") in slots(staff="marta")  # another member's time is not blocked

    for extra in ({}, {"outside_hours": True}):  # the slot rules refuse it; past them, the lock cells do
        refused = book(admin, at("10:30"), **extra)
        assert (refused.status, refused.json["error"]["code"]) == (409, "time_blocked"), refused.text
        assert refused.json["error"]["conflicts"] == [
            {"kind": "block", "id": b["id"], "staff_id": "anna", "start": at("10:00"), "end": at("11:00")}
        ]

    visit = book(admin, at("11:00"))
    assert visit.status == 201, visit.text
    for extra in ({}, {"outside_hours": True}):
        moved = admin.post(f"/v1/admin/appointments/{visit.json['id']}/move", {"start": at("09:30"), **extra})
        assert (moved.status, moved.json["error"]["code"]) == (409, "time_blocked"), moved.text
    assert admin.get(f"/v1/admin/appointments/{visit.json['id']}").json["start"] == at("11:00")

    # the day book gives the calendar both in one call; one staff member's, only theirs
    day = admin.get(f"/v1/admin/appointments?from={TUESDAY}").json
    assert [a["id"] for a in day["appointments"]] == [visit.json["id"]]
    assert [x["id"] for x in day["blocks"]] == [b["id"]]
    assert admin.get(f"/v1/admin/appointments?from={TUESDAY}&staff_id=marta").json["blocks"] == []


def test_a_block_is_refused_over_a_visit_or_a_block_and_deleting_it_frees_the_time(salon):
    admin = AdminApi("salon-a")
    visit = book(admin, at("15:00")).json
    over = block(admin, at("14:30"), at("15:30"), kind="training")
    assert (over.status, over.json["error"]["code"]) == (409, "overlaps_appointment"), over.text
    assert over.json["error"]["conflicts"] == [
        {
            "kind": "appointment",
            "id": visit["id"],
            "staff_id": "anna",
            "start": at("15:00"),
            "end": at("16:00"),
        }
    ]
    assert cells_held_by(visit["id"]) == 12  # the visit keeps its time
    # a cancelled visit holds nothing
    admin.post(f"/v1/admin/appointments/{visit['id']}/cancel", {})
    assert block(admin, at("14:30"), at("15:30"), kind="training").status == 201

    first = block(admin, at("10:00"), at("11:00")).json
    again = block(admin, at("10:30"), at("12:00"), kind="other")
    assert (again.status, again.json["error"]["code"]) == (409, "overlaps_block")
    assert [c["id"] for c in again.json["error"]["conflicts"]] == [first["id"]]

    assert admin.delete(f"/v1/admin/blocks/{first['id']}").status == 204
    assert cells_held_by(first["id"]) == 0
    assert at("10:00") in slots()
    assert book(admin, at("10:00")).status == 201
    gone = admin.delete(f"/v1/admin/blocks/{first['id']}")
    assert (gone.status, gone.json["error"]["code"]) == (404, "block_not_found")
    assert [x["kind"] for x in admin.get(f"/v1/admin/appointments?from={TUESDAY}").json["blocks"]] == [
        "training"
    ]


def test_a_whole_day_off_is_held_in_several_transactions_and_a_taken_cell_undoes_all_of_it(salon):
    admin = AdminApi("salon-a")
    # 09:00-20:00: 132 cells, more than one transaction holds
    day_off = block(admin, at("09:00"), at("20:00"), kind="time_off")
    assert day_off.status == 201, day_off.text
    assert day_off.json["held"] is True and cells_held_by(day_off.json["id"]) == 132
    assert slots() == [] and slots(service="brows") == []
    late = book(admin, at("19:30"), service="brows", outside_hours=True)  # in the second transaction's cells
    assert (late.status, late.json["error"]["code"]) == (409, "time_blocked")
    assert admin.delete(f"/v1/admin/blocks/{day_off.json['id']}").status == 204
    assert cells_held_by(day_off.json["id"]) == 0 and at("09:00") in slots()

    # a visit takes a cell of the second transaction between the checks and the writes: the first
    # transaction's cells are released and the block is gone
    visit = book(admin, at("18:30"), outside_hours=True)
    assert visit.status == 201
    racing = Block(
        id="racing-block",
        salon_id="salon-a",
        staff_id="anna",
        start=datetime.fromisoformat(at("09:00")),
        end=datetime.fromisoformat(at("20:00")),
        kind=BlockKind.TIME_OFF,
        held=False,
        created_by="test",
        created_at=datetime.fromisoformat(at("08:00", "2026-11-23")),
    )
    with pytest.raises(SlotTaken):
        blocks_repo.create(racing)
    assert cells_held_by("racing-block") == 0
    assert StaffBlock.find(salon_id="salon-a", block_id="racing-block", consistent=True) is None
    assert cells_held_by(visit.json["id"]) == 12
    assert at("09:00") in slots()


def test_a_block_is_validated(salon):
    admin = AdminApi("salon-a")

    def refused(start: str, end: str, **extra: object) -> tuple[int, str, list[str]]:
        r = block(admin, start, end, **extra)
        e = r.json["error"]
        return r.status, e["code"], [f["field"] for f in e["fields"]]

    assert refused(at("11:00"), at("10:00")) == (422, "end_not_after_start", ["end"])
    assert refused(at("11:00"), at("11:00")) == (422, "end_not_after_start", ["end"])
    assert refused(at("09:00"), at("09:05", "2026-12-01")) == (422, "block_too_long", ["end"])
    assert refused(at("10:03"), at("11:00")) == (422, "not_on_grid", ["start"])
    assert refused(at("10:00"), "2026-11-24T11:00:00") == (422, "invalid_input", ["end"])  # no offset
    assert refused(at("10:00", "2026-11-20"), at("11:00", "2026-11-20")) == (422, "too_soon", ["start"])
    assert refused("0001-01-01T00:00:00+01:00", at("11:00")) == (422, "block_too_long", ["end"])
    assert refused("9999-12-31T23:00:00-01:00", "9999-12-31T23:30:00-01:00") == (422, "too_far", ["start"])
    assert refused(at("10:00"), at("11:00"), kind="holiday") == (422, "invalid_input", ["kind"])
    assert refused(at("10:00"), at("11:00"), note="x" * 501) == (422, "invalid_input", ["note"])
    unknown = block(admin, at("10:00"), at("11:00"), staff="nobody")
    assert (unknown.status, unknown.json["error"]["code"]) == (404, "staff_not_found")
    assert admin.get(f"/v1/admin/appointments?from={TUESDAY}&days=14").json["blocks"] == []


def test_a_staff_user_blocks_their_own_time_only_and_the_desk_anyones(salon):
    owner = AdminApi("salon-a")
    anna = AdminApi("salon-a", "anna@salon-a.example", "staff", staff_id="anna")
    desk = AdminApi("salon-a", "desk@salon-a.example", "reception")
    own = block(anna, at("10:00"), at("11:00"), kind="time_off")
    assert own.status == 201, own.text
    other = block(anna, at("10:00"), at("11:00"), staff="marta")
    assert (other.status, other.json["error"]["code"]) == (403, "forbidden")
    martas = block(desk, at("10:00"), at("11:00"), staff="marta")
    assert martas.status == 201
    assert anna.delete(f"/v1/admin/blocks/{martas.json['id']}").status == 403
    assert cells_held_by(martas.json["id"], "marta") == 12
    assert [x["id"] for x in anna.get(f"/v1/admin/appointments?from={TUESDAY}").json["blocks"]] == [
        own.json["id"]
    ]
    assert anna.delete(f"/v1/admin/blocks/{own.json['id']}").status == 204
    # another salon's admin reaches no block of this one
    from support.salon import make_salon

    make_salon("salon-b", datetime.fromisoformat(at("09:00", "2026-11-23")))
    assert AdminApi("salon-b").delete(f"/v1/admin/blocks/{martas.json['id']}").status == 404
    assert owner.delete(f"/v1/admin/blocks/{martas.json['id']}").status == 204


def test_a_desk_booking_records_its_source_and_online_bookings_stay_widget(salon):
    admin = AdminApi("salon-a")
    sources = {}
    for n, (extra, expected) in enumerate(
        [({}, "desk"), ({"source": "phone"}, "phone"), ({"source": "walk_in"}, "walk_in")]
    ):
        r = book(admin, at(f"{10 + n}:00"), **extra)
        assert r.status == 201 and r.json["source"] == expected, r.text
        assert admin.get(f"/v1/admin/appointments/{r.json['id']}").json["source"] == expected
        sources[r.json["id"]] = expected
    keyed = {"headers": {"Idempotency-Key": "desk-call-0001"}}
    first = book(admin, at("16:00"), source="phone", **keyed)
    assert book(admin, at("16:00"), source="phone", **keyed).json["id"] == first.json["id"]
    reused = book(admin, at("16:00"), source="walk_in", **keyed)
    assert (reused.status, reused.json["error"]["code"]) == (422, "idempotency_key_reused")
    sources[first.json["id"]] = "phone"
    bad = book(admin, at("15:00"), source="email")
    assert (bad.status, [f["field"] for f in bad.json["error"]["fields"]]) == (422, ["source"])
    online = PublicApi().post(
        "/v1/salons/salon-a/appointments",
        {
            "service_id": "haircut",
            "staff_id": "marta",
            "start": at("10:00"),
            "client": {"name": "Vera", "phone": "+49 170 1110002"},
        },
    )
    assert online.status == 201, online.text
    sources[online.json["appointment"]["id"]] = "widget"
    day = admin.get(f"/v1/admin/appointments?from={TUESDAY}").json["appointments"]
    assert {a["id"]: a["source"] for a in day} == sources
    # visits the desk booked before it said how read as the desk's
    item = Appointment.find(salon_id="salon-a", appointment_id=next(iter(sources)), consistent=True)
    assert item is not None
    item.source = "admin"
    assert to_domain(item).source is m.Source.DESK


def test_a_visit_is_resized_and_held_exactly_as_a_move(salon):
    admin = AdminApi("salon-a")
    visit = book(admin, at("10:00")).json  # a haircut: 60 minutes
    longer = admin.post(
        f"/v1/admin/appointments/{visit['id']}/move", {"start": at("10:00"), "duration_minutes": 90}
    )
    assert longer.status == 200, longer.text
    assert (longer.json["start"], longer.json["end"]) == (at("10:00"), at("11:30"))
    assert cells_held_by(visit["id"]) == 18
    assert longer.json["history"][-1]["end"] == "2026-11-24T10:00:00+00:00"  # the end before, UTC
    assert at("11:30") in slots() and at("11:15") not in slots()

    # a move keeps the new length
    moved = admin.post(f"/v1/admin/appointments/{visit['id']}/move", {"start": at("14:00")})
    assert (moved.json["start"], moved.json["end"]) == (at("14:00"), at("15:30"))
    assert cells_held_by(visit["id"]) == 18

    other = book(admin, at("16:00"), service="brows").json
    into_visit = admin.post(
        f"/v1/admin/appointments/{visit['id']}/move", {"start": at("14:00"), "duration_minutes": 150}
    )
    assert (into_visit.status, into_visit.json["error"]["code"]) == (409, "slot_taken")
    into_visit = admin.post(
        f"/v1/admin/appointments/{visit['id']}/move",
        {"start": at("14:00"), "duration_minutes": 150, "outside_hours": True},
    )
    assert (into_visit.status, into_visit.json["error"]["code"]) == (409, "slot_taken")
    assert cells_held_by(other["id"]) == 4
    made = block(admin, at("15:30"), at("16:00")).json
    into_block = admin.post(
        f"/v1/admin/appointments/{visit['id']}/move",
        {"start": at("14:00"), "duration_minutes": 120, "outside_hours": True},
    )
    assert (into_block.status, into_block.json["error"]["code"]) == (409, "time_blocked")
    assert [c["id"] for c in into_block.json["error"]["conflicts"]] == [made["id"]]

    shorter = admin.post(
        f"/v1/admin/appointments/{visit['id']}/move", {"start": at("14:00"), "duration_minutes": 30}
    )
    assert (shorter.status, shorter.json["end"]) == (200, at("14:30"))
    assert cells_held_by(visit["id"]) == 6
    assert book(admin, at("14:30"), service="brows").status == 201

    for bad in (0, -15, 7, 245):
        r = admin.post(
            f"/v1/admin/appointments/{visit['id']}/move", {"start": at("14:00"), "duration_minutes": bad}
        )
        assert (r.status, [f["field"] for f in r.json["error"]["fields"]]) == (422, ["duration_minutes"]), bad
    assert admin.get(f"/v1/admin/appointments/{visit['id']}").json["end"] == at("14:30")
