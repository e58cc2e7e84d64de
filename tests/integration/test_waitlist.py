"""The waitlist on DynamoDB Local, through the functions as Lambda runs them: clients join from the
page (proven, limited), a cancelled visit's time is offered to the first who match (through the
outbox, a few at once, a few a day per phone, never in quiet hours), the first acceptance books it
and a second is refused, an expired hold passes the time to the next, a duplicate stream delivery
doubles nothing, and the desk lists, books and removes entries."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from regulars.app import jobs as worker
from regulars.app import messages as dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.items import Message
from regulars.messaging.rules.sms_parts import sms_segments
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs import ticker
from regulars.salon import repo as catalog_store
from regulars.waitlist.items import Opening, WaitlistEntry, WaitlistOffer
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, HttpResult, PublicApi, handler
from support.moments import moment
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"
TUESDAY = "2026-11-24"
JOIN = f"/v1/salons/{SALON}/waitlist"


def salon(clock_at, quiet_hours: str = "22:00-07:00", protection: dict | None = None, **waitlist):
    job_store.advance_watermark(clock_at - timedelta(minutes=2), clock_at)
    return make_salon(
        SALON,
        clock_at,
        quiet_hours=quiet_hours,
        waitlist=waitlist,
        **({"protection": protection} if protection else {}),
    )


def resettle(protection: dict, **waitlist) -> None:
    """The salon's owner changes the protection and waitlist settings."""
    current = catalog_store.load_catalog(SALON).salon.settings
    changed = current.model_copy(
        update={
            "protection": current.protection.model_copy(update=protection),
            "waitlist": current.waitlist.model_copy(update=waitlist),
        }
    )
    catalog_store.update_salon(SALON, settings=changed.model_dump())


def wish(phone: str, name: str = "Lena Vogel", **extra) -> dict:
    return {
        "client": {"name": name, "phone": phone},
        "service_id": "haircut",
        "days": [TUESDAY],
        "parts": ["morning"],
        "consent": True,
    } | extra


def join(public: PublicApi, phone: str, **extra) -> dict:
    joined = public.post(JOIN, wish(phone, **extra))
    assert joined.status == 201, joined.json
    return joined.json


def book_visit(
    admin: AdminApi,
    start: str = f"{TUESDAY}T10:00:00+01:00",
    phone: str = "+4915100000099",
    service: str = "haircut",
) -> str:
    made = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": service,
            "staff_id": "anna",
            "start": start,
            "client": {"name": "Otto", "phone": phone},
        },
    )
    assert made.status == 201, made.json
    return made.json["id"]


def run_stream(table: str) -> None:
    """Every visit change so far through the stream function (earlier ones again: a redelivery)."""
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def cancel(admin: AdminApi, table: str, visit: str) -> None:
    assert admin.post(f"/v1/admin/appointments/{visit}/cancel", {}).status == 200
    run_stream(table)


def offers() -> list[WaitlistOffer]:
    return sorted(WaitlistOffer.scan(), key=lambda o: o.created_at)


def offer_messages() -> list[Message]:
    return [m for m in Message.scan() if m.kind == "waitlist_offer"]


def code_of(message: Message) -> str:
    return parse_qs(urlsplit(message.values["offer_link"]).query)["o"][0]


def entry_of(message: Message) -> WaitlistEntry:
    offer = WaitlistOffer.find(salon_id=SALON, offer_id=message.values["offer_id"])
    return WaitlistEntry.find(salon_id=SALON, entry_id=offer.entry_id)


def run_due(until: datetime) -> list:
    queue: list = []
    ticker.tick(until, lambda refs: (queue.extend(refs), [])[1])
    return [worker.run(ref, until) for ref in queue]


def accept(code: str) -> object:
    return PublicApi().post(f"/v1/salons/{SALON}/waitlist-offers/{code}/accept")


# --- joining ---------------------------------------------------------------------------------------------
def test_joining_is_checked_once_per_phone_and_service_and_idempotent(table, clock_at):
    salon(clock_at)
    public = PublicApi()
    key = {"Idempotency-Key": "join-0000001"}
    first = public.post(JOIN, wish("+4915100000001", days=[TUESDAY, "2026-11-26"]), headers=key)
    assert first.status == 201, first.json
    entry = first.json["entry"]
    assert (entry["status"], entry["service_name"], entry["days"]) == (
        "waiting",
        "Haircut",
        [TUESDAY, "2026-11-26"],
    )
    assert entry["expires_at"] == "2026-11-27T00:00:00+01:00"  # the end of the last day asked for
    again = public.post(JOIN, wish("+4915100000001", days=[TUESDAY, "2026-11-26"]), headers=key)
    assert (again.status, again.json) == (201, first.json)
    twice = public.post(JOIN, wish("+4915100000001"))
    assert (twice.status, twice.json["error"]["code"]) == (409, "already_waiting")

    bad = [
        (wish("+4915100000002", consent=False), "consent", "consent_required"),
        (wish("+4915100000002", days=["2027-06-01"]), "days.0", "day_out_of_range"),
        (wish("+4915100000002", days=[]), "days", "no_days"),
        (wish("+4915100000002", staff_ids=["nobody"]), "staff_ids.0", "unknown_staff"),
        (wish("+4915100000002", service_id="manicure", staff_ids=["anna"]), "staff_ids.0", "staff_mismatch"),
        (wish("+14155550100"), "client.phone", "phone_country_not_accepted"),
    ]
    for body, field, code in bad:
        refused = public.post(JOIN, body)
        assert refused.status == 422, (field, refused.json)
        assert (refused.json["error"]["fields"][0]["field"], refused.json["error"]["code"]) == (field, code)
    assert len(list(WaitlistEntry.scan())) == 1

    page = public.get(
        f"/v1/salons/{SALON}/waitlist/{parse_qs(urlsplit(first.json['leave_url']).query)['t'][0]}"
    )
    assert page.status == 200 and page.json["entry"]["id"] == entry["id"]
    token = parse_qs(urlsplit(first.json["leave_url"]).query)["t"][0]
    for _ in range(2):
        left = public.post(f"/v1/salons/{SALON}/waitlist/{token}/leave")
        assert (left.status, left.json["entry"]["status"]) == (200, "left")
    assert public.post(JOIN, wish("+4915100000001")).status == 201  # free to join again
    # an entry whose last day is over holds its phone no longer, though its claim waits for the TTL
    with moment(datetime.fromisoformat(entry["expires_at"]) + timedelta(hours=1)):
        later = public.post(JOIN, wish("+4915100000001", days=["2026-12-01"]))
    assert later.status == 201, later.json
    assert public.get(f"/v1/salons/{SALON}/waitlist/{token[:-2]}xx").status == 403


def test_joining_is_limited_and_needs_a_proven_phone_unless_the_salon_takes_no_codes(table, clock_at):
    salon(clock_at, protection={"phone_check": "new_phones"}, joins_per_phone_day=2)
    public = PublicApi()
    unproven = public.post(JOIN, wish("+4915100000003"))
    assert (unproven.status, unproven.json["error"]["code"]) == (403, "phone_check_required")
    # a client's phone too: its owner would get offers on a stranger's word (a booking would not need it)
    made = AdminApi(SALON).post("/v1/admin/clients", {"name": "Ida Known", "phone": "+4915100000007"})
    assert made.status == 201, made.json
    known = public.post(JOIN, wish("+4915100000007"))
    assert (known.status, known.json["error"]["code"]) == (403, "phone_check_required")
    assert not list(WaitlistEntry.scan())

    resettle({"phone_check": "never"}, joins_per_phone_day=2)
    for service in ("haircut", "brows"):
        assert public.post(JOIN, wish("+4915100000003", service_id=service)).status == 201
    over = public.post(JOIN, wish("+4915100000003", service_id="manicure"))
    assert (over.status, over.json["error"]["code"]) == (429, "rate_limited")
    assert 0 < int(over.headers["retry-after"]) <= 24 * 3600

    resettle({}, joins_per_address_hour=2)
    same_address = PublicApi(source_ip="203.0.113.9")
    assert same_address.post(JOIN, wish("+4915100000004")).status == 201
    assert same_address.post(JOIN, wish("+4915100000005")).status == 201
    assert same_address.post(JOIN, wish("+4915100000006")).status == 429
    assert len(list(WaitlistEntry.scan())) == 4


# --- filling -------------------------------------------------------------------------------------------
def test_a_cancelled_time_is_offered_to_the_first_who_match_at_most_n_and_a_redelivery_doubles_nothing(
    table, clock_at
):
    salon(clock_at, offers_per_slot=3)
    admin, public = AdminApi(SALON), PublicApi()
    visit = book_visit(admin)
    join(public, "+4915100000010", name="Afternoons Only", parts=["afternoon"])  # does not match 10:00
    join(public, "+4915100000011", name="Anna Lang")
    join(public, "+4915100000012", name="Wrong Staff", staff_ids=["marta"])
    join(
        public,
        "+4915100000013",
        name="Olga",
        client={"name": "Olga", "phone": "+4915100000013", "locale": "ru"},
    )
    join(public, "+4915100000014", name="Brows Fit", service_id="brows")  # 20 minutes fit in the freed hour
    join(public, "+4915100000015", name="Fourth Match")
    run_stream(table)
    assert not offer_messages()  # nothing freed yet

    cancel(admin, table, visit)
    run_stream(table)  # the same records delivered again
    sent = offer_messages()
    assert sorted(entry_of(m).name for m in sent) == ["Anna Lang", "Brows Fit", "Olga"]
    assert len(offers()) == 3
    (opening,) = Opening.scan()
    assert (opening.status, opening.round_number, len(opening.offered)) == ("open", 1, 3)

    for m in sent:
        assert dispatch.dispatch(SALON, m.message_id, clock_at).done
    texts = {entry_of(m).name: outbox.get_item(SALON, m.message_id) for m in sent}
    english = texts["Anna Lang"]
    assert english.channel == "sms" and english.address == "+4915100000011"
    assert (
        "Anna Lang, Haircut Tue, Nov 24, 10:00 AM is free at Salon salon-a. Tap in 15 min to book: "
        in english.text
    )
    assert sms_segments(english.text) == 1, english.text
    assert "освободилось время" in texts["Olga"].text
    assert "Brows" in texts["Brows Fit"].text


def test_a_visit_moved_away_frees_its_old_time_for_the_clients_it_fits(table, clock_at):
    salon(clock_at)
    admin, public = AdminApi(SALON), PublicApi()
    visit = book_visit(admin, f"{TUESDAY}T10:00:00+01:00", service="brows")
    book_visit(admin, f"{TUESDAY}T10:30:00+01:00", phone="+4915100000097")  # anna is busy from 10:30
    join(public, "+4915100000080", name="Haircut Too Long")  # 60 minutes do not fit 10:00-10:30
    join(public, "+4915100000081", name="Brows Fit", service_id="brows")  # 20 minutes do
    moved = admin.post(f"/v1/admin/appointments/{visit}/move", {"start": f"{TUESDAY}T15:00:00+01:00"})
    assert moved.status == 200, moved.json
    run_stream(table)
    (offer,) = offer_messages()
    assert entry_of(offer).name == "Brows Fit"
    shown = PublicApi().get(f"/v1/salons/{SALON}/waitlist-offers/{code_of(offer)}").json["offer"]
    assert (shown["start"], shown["end"]) == (f"{TUESDAY}T10:00:00+01:00", f"{TUESDAY}T10:20:00+01:00")


def test_a_no_show_frees_the_rest_of_its_time_for_the_desk_and_the_clients_it_fits(table, clock_at):
    salon(clock_at)
    current = catalog_store.load_catalog(SALON).salon.settings
    catalog_store.update_salon(
        SALON, settings=current.model_copy(update={"min_notice_minutes": 15}).model_dump()
    )  # with the default hold of 15 minutes, a time from 09:30 may be offered at 09:00
    admin, public = AdminApi(SALON), PublicApi()
    today = "2026-11-23"

    def desk(service: str, start: str, phone: str = "+4915100000072") -> HttpResult:
        return admin.post(
            "/v1/admin/appointments",
            {
                "service_id": service,
                "staff_id": "anna",
                "start": f"{today}T{start}:00+01:00",
                "outside_hours": True,
                "client": {"name": "Otto", "phone": phone},
            },
        )

    made = desk("haircut", "08:50", "+4915100000099")  # began ten minutes ago, until 09:50
    assert made.status == 201, made.json
    assert desk("haircut", "09:50", "+4915100000098").status == 201  # anna is busy from 09:50
    join(public, "+4915100000070", name="Haircut Too Long", days=[today])  # 60 minutes do not fit
    join(public, "+4915100000071", name="Brows Fit", service_id="brows", days=[today])
    run_stream(table)
    assert admin.post(f"/v1/admin/appointments/{made.json['id']}/no-show", {}).status == 200
    run_stream(table)
    run_stream(table)  # delivered again: one offer
    (offer,) = offer_messages()
    assert entry_of(offer).name == "Brows Fit"
    shown = public.get(f"/v1/salons/{SALON}/waitlist-offers/{code_of(offer)}").json["offer"]
    assert (shown["start"], shown["end"]) == (f"{today}T09:30:00+01:00", f"{today}T09:50:00+01:00")

    # the desk may book what the client left, from 09:00 (the minute it was marked in is over then);
    # the minutes before stay the no-show's
    assert desk("brows", "08:45").status == 409
    assert desk("brows", "09:00").status == 201


def test_the_first_acceptance_books_and_a_second_is_refused_and_the_same_one_again_answers_the_same(
    table, clock_at
):
    salon(clock_at)
    admin, public = AdminApi(SALON), PublicApi()
    visit = book_visit(admin)
    join(public, "+4915100000020", name="First")
    join(public, "+4915100000021", name="Second")
    cancel(admin, table, visit)
    first, second = sorted(offer_messages(), key=lambda m: entry_of(m).name)

    shown = PublicApi().get(f"/v1/salons/{SALON}/waitlist-offers/{code_of(first)}")
    assert shown.status == 200 and shown.json["offer"]["status"] == "open"
    assert shown.json["offer"]["start"] == f"{TUESDAY}T10:00:00+01:00"
    booked = accept(code_of(first))
    assert booked.status == 201, booked.json
    assert booked.json["appointment"]["start"] == f"{TUESDAY}T10:00:00+01:00"
    assert "manage.html?token=" in booked.json["manage_url"]
    again = accept(code_of(first))
    assert (again.status, again.json["appointment"]["id"]) == (201, booked.json["appointment"]["id"])

    refused = accept(code_of(second))
    assert (refused.status, refused.json["error"]["code"]) == (409, "offer_taken")
    assert "Someone else took this time" in refused.json["error"]["message"]
    assert (
        PublicApi().get(f"/v1/salons/{SALON}/waitlist-offers/{code_of(second)}").json["offer"]["status"]
        == "taken"
    )
    code = code_of(second)
    assert accept(code[:-1] + ("B" if code.endswith("A") else "A")).status == 404  # one character off

    entries = {e.name: e for e in WaitlistEntry.scan()}
    assert (entries["First"].status, entries["First"].appointment_id) == (
        "booked",
        booked.json["appointment"]["id"],
    )
    assert entries["Second"].status == "waiting"
    (opening,) = Opening.scan()
    assert (opening.status, opening.appointment_id) == ("taken", booked.json["appointment"]["id"])


def test_an_expired_hold_passes_the_time_to_the_next_and_refuses_the_late_answer(table, clock_at):
    salon(clock_at, offers_per_slot=1, hold_minutes=15)
    admin, public = AdminApi(SALON), PublicApi()
    visit = book_visit(admin)
    join(public, "+4915100000030", name="Slow")
    join(public, "+4915100000031", name="Quick")
    cancel(admin, table, visit)
    (slow,) = offer_messages()
    assert entry_of(slow).name == "Slow"
    (opening,) = Opening.scan()

    assert run_due(opening.hold_until - timedelta(minutes=1)) == []
    assert len(offer_messages()) == 1  # still holding
    outcomes = run_due(opening.hold_until + timedelta(minutes=1))
    assert [o.reason for o in outcomes] == ["offered to 1"]
    quick = next(m for m in offer_messages() if m.message_id != slow.message_id)
    assert entry_of(quick).name == "Quick"

    late = accept(code_of(slow))
    assert (late.status, late.json["error"]["code"]) == (409, "offer_expired")
    from regulars.core import clock

    saved = clock.offset()
    clock.set_offset(saved + (opening.hold_until - clock_at) + timedelta(minutes=2))
    try:
        assert accept(code_of(quick)).status == 201
    finally:
        clock.set_offset(saved)
    (opening,) = Opening.scan()
    assert (opening.status, opening.round_number) == ("taken", 2)


def test_one_phone_gets_at_most_its_daily_offers(table, clock_at):
    salon(clock_at, offers_per_client_day=1)
    admin, public = AdminApi(SALON), PublicApi()
    first = book_visit(admin, f"{TUESDAY}T10:00:00+01:00")
    second = book_visit(admin, f"{TUESDAY}T11:00:00+01:00", phone="+4915100000098")
    join(public, "+4915100000040", name="Keen")
    join(public, "+4915100000040", name="Keen", service_id="brows")
    cancel(admin, table, first)
    cancel(admin, table, second)
    assert [entry_of(m).name for m in offer_messages()] == ["Keen"]
    assert {o.status for o in Opening.scan()} == {"open", "lapsed"}


def test_no_offer_lands_in_quiet_hours_the_round_waits_for_their_end(table, clock_at):
    salon(clock_at, quiet_hours="21:00-09:00")  # the clock reads 08:59 in Berlin
    admin, public = AdminApi(SALON), PublicApi()
    visit = book_visit(admin)
    join(public, "+4915100000050", name="Early Bird")
    cancel(admin, table, visit)
    assert not offer_messages()
    (opening,) = Opening.scan()
    assert opening.round_number == 0 and opening.status == "open"
    assert [o.reason for o in run_due(clock_at + timedelta(minutes=1))] == ["offered to 1"]
    assert [entry_of(m).name for m in offer_messages()] == ["Early Bird"]


# --- the desk --------------------------------------------------------------------------------------------
def test_the_desk_lists_books_and_removes_entries_within_its_role(table, clock_at):
    salon(clock_at)
    public = PublicApi()
    join(public, "+4915100000060", name="Desk One")
    join(public, "+4915100000061", name="Desk Two", service_id="manicure", days=[], weekdays=[3])
    reception, owner = AdminApi(SALON, "desk@example.com", role="reception"), AdminApi(SALON)
    listed = reception.get("/v1/admin/waitlist")
    assert [e["client_name"] for e in listed.json["entries"]] == ["Desk One", "Desk Two"]
    assert [
        e["client_name"] for e in reception.get("/v1/admin/waitlist?service_id=manicure").json["entries"]
    ] == ["Desk Two"]
    wednesday = [e["client_name"] for e in reception.get("/v1/admin/waitlist?day=2026-11-25").json["entries"]]
    assert wednesday == ["Desk Two"]
    one, two = listed.json["entries"]

    booked = reception.post(
        f"/v1/admin/waitlist/{one['id']}/book",
        {"start": f"{TUESDAY}T15:00:00+01:00", "staff_id": "anna"},
        headers={"Idempotency-Key": "desk-book-01"},
    )
    assert booked.status == 201, booked.json
    closed = reception.post(
        f"/v1/admin/waitlist/{one['id']}/book", {"start": f"{TUESDAY}T16:00:00+01:00", "staff_id": "anna"}
    )
    assert (closed.status, closed.json["error"]["code"]) == (409, "entry_closed")
    assert reception.delete(f"/v1/admin/waitlist/{two['id']}").status == 403
    staff = AdminApi(SALON, "stylist@example.com", role="staff", staff_id="anna")
    assert staff.get("/v1/admin/waitlist").status == 403
    removed = owner.delete(f"/v1/admin/waitlist/{two['id']}")
    assert (removed.status, removed.json["status"]) == (200, "removed")
    assert owner.get("/v1/admin/waitlist").json["entries"] == []


def test_a_clients_export_holds_and_erasure_takes_their_waitlist_entries(table, clock_at):
    salon(clock_at)
    owner = AdminApi(SALON)
    client = owner.post("/v1/admin/clients", {"name": "Forget Me", "phone": "+4915100000070"})
    assert client.status == 201, client.json
    join(PublicApi(), "+4915100000070", name="Forget Me")
    join(PublicApi(), "+4915100000071", name="Stays")
    exported = owner.get(f"/v1/admin/clients/{client.json['id']}/export")
    assert exported.status == 200, exported.json
    (entry,) = exported.json["waitlist"]  # theirs only, with its consent and its evidence
    assert (entry["name"], entry["phone"], entry["status"]) == ("Forget Me", "+4915100000070", "waiting")
    assert entry["consent"]["granted"] is True
    erased = owner.post(f"/v1/admin/clients/{client.json['id']}/erase", {"reason": "asked"})
    assert erased.status == 200, erased.json
    assert erased.json["removed"]["waitlist"] == 1
    assert [e.name for e in WaitlistEntry.scan()] == ["Stays"]
    assert PublicApi().post(JOIN, wish("+4915100000070")).status == 201  # the phone's claim went too
