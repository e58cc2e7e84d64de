"""The public surface as an attacker meets it: a phone proves nothing until a code sent to it comes
back, links reach only who may have them, and everything that costs the salon money is limited
(per address, per phone, per salon), answering 429 and changing nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from regulars.app import messages as dispatch
from regulars.booking.items import Appointment, PhoneCheck
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.clients.items import Client, PhoneIndex
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.items import Message
from regulars.salon.model import Catalog
from regulars.store.base import Entity
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, PublicApi, handler
from support.moments import moment
from support.phones import prove as proven_by_code
from support.phones import received_code
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"
PHONE = "+4915123456789"


def booking(start: str = f"{TUESDAY}T10:00:00+01:00", phone: str = PHONE, name: str = "Eva Weber", **extra):
    return {
        "service_id": "haircut",
        "staff_id": "anna",
        "start": start,
        "client": {"name": name, "phone": phone},
    } | extra


def protected(clock_at, **rules) -> Catalog:
    return make_salon("salon-a", clock_at, protection=rules)


def the_code(check_id: str) -> str:
    return received_code("salon-a", check_id)


def prove(public: PublicApi, phone: str = PHONE) -> str:
    return proven_by_code(public, phone)


def run_stream(table: str) -> None:
    """The visits' changes through the stream function: their notices are planned."""
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def token_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def items() -> list[Entity]:
    return [i for i in Entity.scan() if type(i).__name__ not in ("RateCount",)]


def client_of(phone: str = PHONE) -> clients_model.Client:
    return client_store.get("salon-a", client_store.client_id_by_phone("salon-a", phone))


# --- a phone proves nothing ---------------------------------------------------------------------------
def test_a_booking_with_a_known_phone_reveals_and_changes_nothing_of_that_client(table, clock_at):
    protected(clock_at)  # new phones need a code; a known one books without
    public = PublicApi()
    proof = prove(public)
    own = public.post(
        "/v1/salons/salon-a/appointments", booking(consents={"marketing": True}, phone_proof=proof)
    )
    assert own.status == 201 and own.json["phone_proven"] and own.json["telegram_url"] is None  # no bot here
    assert token_of(own.json["manage_url"])
    before = client_of()
    assert before.consents["marketing"]["granted"] is True

    stranger = public.post(
        "/v1/salons/salon-a/appointments",
        booking(start=f"{TUESDAY}T15:00:00+01:00", name="Someone Else", consents={"marketing": False}),
    )
    assert stranger.status == 201, stranger.text
    assert stranger.json["manage_url"] is None and stranger.json["telegram_url"] is None
    assert stranger.json["phone_proven"] is False
    after = client_of()
    assert (after.name, after.consents) == (before.name, before.consents)
    visit = Appointment.find(salon_id="salon-a", appointment_id=stranger.json["appointment"]["id"])
    assert visit.client_id == before.id and visit.client_name == "Eva Weber"


def test_the_real_phone_gets_the_notice_of_a_booking_made_in_its_name(table, clock_at):
    protected(clock_at, phone_check="never")
    public = PublicApi()
    public.post("/v1/salons/salon-a/appointments", booking())
    made = public.post(
        "/v1/salons/salon-a/appointments", booking(start=f"{TUESDAY}T15:00:00+01:00", name="Mallory")
    )
    run_stream(table)
    notice = outbox.get_item(
        "salon-a",
        next(
            x.message_id
            for x in Message.scan()
            if x.appointment_id == made.json["appointment"]["id"] and x.recipient == "client"
        ),
    )
    assert outbox.get_item("salon-a", notice.message_id).status == "queued"  # routed as it was planned
    sent = outbox.get_item("salon-a", notice.message_id)
    assert (sent.channel, sent.address) == ("sms", PHONE)
    assert "Eva Weber" in sent.text and "Mallory" not in sent.text
    (short,) = re.findall(r"/s/[0-9A-Za-z]{8}$", sent.text)
    assert "manage.html?token=" in PublicApi().get(short).headers["location"]


@pytest.mark.parametrize("mode", ["new_phones", "always"])
def test_a_salon_that_wants_a_code_refuses_an_unproven_new_phone_and_stores_nothing(table, clock_at, mode):
    protected(clock_at, phone_check=mode)
    r = PublicApi().post("/v1/salons/salon-a/appointments", booking())
    assert r.status == 403
    assert r.json["error"]["code"] == "phone_check_required"
    assert r.json["error"]["fields"][0]["field"] == "phone_proof"
    assert not [i for i in items() if isinstance(i, Appointment | Client | PhoneIndex)]


def test_always_asks_a_known_phone_too_and_a_proof_is_for_its_own_phone_and_salon(table, clock_at):
    protected(clock_at, phone_check="always")
    public = PublicApi()
    proof = prove(public)
    assert public.post("/v1/salons/salon-a/appointments", booking(phone_proof=proof)).status == 201
    again = public.post("/v1/salons/salon-a/appointments", booking(start=f"{TUESDAY}T15:00:00+01:00"))
    assert (again.status, again.json["error"]["code"]) == (403, "phone_check_required")
    other_phone = public.post(
        "/v1/salons/salon-a/appointments",
        booking(start=f"{TUESDAY}T15:00:00+01:00", phone="+4917012345678", phone_proof=proof),
    )
    assert other_phone.status == 403
    make_salon("salon-b", clock_at, protection={"phone_check": "always"})
    body = booking(phone_proof=proof)
    assert public.post("/v1/salons/salon-b/appointments", body).status == 403


def test_a_proven_new_client_gets_its_links_and_its_consent(table, clock_at):
    protected(clock_at)
    public = PublicApi()
    made = public.post(
        "/v1/salons/salon-a/appointments", booking(consents={"marketing": True}, phone_proof=prove(public))
    )
    assert made.status == 201 and made.json["phone_proven"] is True
    page = public.get(f"/v1/manage/{token_of(made.json['manage_url'])}")
    assert page.json["marketing"] is True
    assert (
        public.post(f"/v1/manage/{token_of(made.json['manage_url'])}/unsubscribe").json["marketing"] is False
    )


# --- the code ------------------------------------------------------------------------------------------
def test_a_code_goes_to_the_phone_once_and_a_wrong_one_counts(table, clock_at):
    protected(clock_at)
    public = PublicApi()
    started = public.post("/v1/salons/salon-a/phone-checks", {"phone": "0151 23456789", "locale": "ru"})
    assert started.status == 202
    check = started.json["check_id"]
    message = outbox.get_item("salon-a", f"code-{check}")
    assert (message.recipient, message.values["phone"], message.kind, message.locale) == (
        "phone",
        PHONE,
        "phone_code",
        "ru",
    )
    assert message.expires is not None  # a code is not kept
    assert dispatch.dispatch("salon-a", message.message_id, clock_at).done
    sent = outbox.get_item("salon-a", message.message_id)
    assert (
        (sent.channel, sent.address) == ("sms", PHONE) and the_code(check) in sent.text and "Код" in sent.text
    )
    code = the_code(check)
    wrong = "000000" if code != "000000" else "111111"
    bad = public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": PHONE, "code": wrong})
    assert bad.status == 422 and bad.json["error"]["fields"] == [
        {"field": "code", "reason": "wrong code; 4 tries left"}
    ]
    assert PHONE not in str(PhoneCheck.find(salon_id="salon-a", check_id=check).attribute_values)
    elsewhere = public.post(
        f"/v1/salons/salon-a/phone-checks/{check}", {"phone": "+4917012345678", "code": code}
    )
    assert elsewhere.status == 422  # the code proves the phone it went to, no other
    good = public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": "0151 23456789", "code": code})
    assert good.status == 200 and good.json["phone"] == PHONE
    # the answer was lost on the way: the same code again gets a proof again, while the code holds
    again = public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": PHONE, "code": code})
    assert again.status == 200 and again.json["phone"] == PHONE
    booked = public.post("/v1/salons/salon-a/appointments", booking(phone_proof=again.json["phone_proof"]))
    assert booked.status == 201, booked.text
    with moment(clock_at + timedelta(minutes=11)):
        used = public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": PHONE, "code": code})
    assert (used.status, used.json["error"]["code"]) == (409, "check_used")


def test_five_wrong_codes_end_a_check_and_an_old_code_has_expired(table, clock_at):
    protected(clock_at)
    public = PublicApi()
    check = public.post("/v1/salons/salon-a/phone-checks", {"phone": PHONE}).json["check_id"]
    code = the_code(check)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert (
            public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": PHONE, "code": wrong}).status
            == 422
        )
    last = public.post(f"/v1/salons/salon-a/phone-checks/{check}", {"phone": PHONE, "code": code})
    assert (last.status, last.json["error"]["code"]) == (409, "check_exhausted")

    later = public.post("/v1/salons/salon-a/phone-checks", {"phone": PHONE}).json["check_id"]
    with moment(clock_at + timedelta(minutes=11)):
        expired = public.post(
            f"/v1/salons/salon-a/phone-checks/{later}", {"phone": PHONE, "code": the_code(later)}
        )
    assert (expired.status, expired.json["error"]["code"]) == (422, "code_expired")
    assert (
        public.post(
            "/v1/salons/salon-a/phone-checks/01nosuchcheck0000000000", {"phone": PHONE, "code": "123456"}
        ).status
        == 404
    )


def test_a_known_client_gets_the_code_where_the_salon_reaches_them(table, clock_at):
    protected(clock_at)
    client = client_store.create(
        "salon-a",
        clients_model.Client(
            id="c-known",
            name="Lena Known",
            phone=PHONE,
            created_at=clock_at,
            channels={"telegram": {"chat_id": 700100200, "linked_at": clock_at.isoformat()}},
        ),
    )
    check = PublicApi().post("/v1/salons/salon-a/phone-checks", {"phone": PHONE}).json["check_id"]
    message = outbox.get_item("salon-a", f"code-{check}")
    assert (message.recipient, message.client_id) == ("client", client.id)
    assert "phone" not in message.values
    assert dispatch.dispatch("salon-a", message.message_id, clock_at).done
    assert outbox.get_item("salon-a", message.message_id).channel == "telegram"  # free, and the client's own


# --- links: scope and life ------------------------------------------------------------------------------
def test_a_link_handed_to_an_unproven_booker_acts_on_the_visit_only(table, clock_at):
    protected(clock_at, phone_check="never")
    public = PublicApi()
    made = public.post("/v1/salons/salon-a/appointments", booking(consents={"marketing": True}))
    assert made.status == 201 and made.json["phone_proven"] is False and made.json["telegram_url"] is None
    assert "marketing" not in client_of().consents  # a stranger may not subscribe someone else's phone
    token = token_of(made.json["manage_url"])
    page = public.get(f"/v1/manage/{token}").json
    assert page["marketing"] is None and page["telegram_url"] is None
    for action, body in (("subscribe", None), ("unsubscribe", None), ("push", {"device_token": "f" * 40})):
        r = public.post(f"/v1/manage/{token}/{action}", body)
        assert (r.status, r.json["error"]["code"]) == (403, "link_not_for_client"), action
    assert public.post(f"/v1/manage/{token}/confirm").status == 200
    assert client_of().channels == {} and "marketing" not in client_of().consents


def test_a_cancelled_visits_link_changes_nothing_any_more(table, clock_at):
    protected(clock_at)
    public = PublicApi()
    made = public.post("/v1/salons/salon-a/appointments", booking(phone_proof=prove(public)))
    token = token_of(made.json["manage_url"])
    assert public.post(f"/v1/manage/{token}/cancel").status == 200
    before = client_of()
    for action, body in (
        ("subscribe", None),
        ("unsubscribe", None),
        ("push", {"device_token": "f" * 40}),
        ("confirm", None),
        ("reschedule", {"start": f"{TUESDAY}T15:00:00+01:00"}),
    ):
        r = public.post(f"/v1/manage/{token}/{action}", body)
        assert (r.status, r.json["error"]["code"]) == (403, "link_revoked"), action
    page = public.get(f"/v1/manage/{token}").json
    assert page["appointment"]["status"] == "cancelled" and page["marketing"] is None
    assert client_of() == before


# --- what an anonymous caller may send ------------------------------------------------------------------
@pytest.mark.parametrize(
    "phone", ["+998 90 123 45 67", "+234 803 123 4567", "+882 16 0000 0000", "+7 916 123-45-67"]
)
def test_phones_from_countries_the_salon_does_not_serve_are_refused(table, clock_at, phone):
    protected(clock_at, phone_check="never")
    public = PublicApi()
    r = public.post("/v1/salons/salon-a/appointments", booking(phone=phone))
    assert r.status == 422, r.text
    if r.json["error"]["code"] == "phone_country_not_accepted":
        assert r.json["error"]["fields"][0]["field"] == "client.phone"
    code = public.post("/v1/salons/salon-a/phone-checks", {"phone": phone})
    assert code.status == 422
    assert not [i for i in items() if isinstance(i, Appointment | Client | Message)]


def test_a_salon_can_take_more_countries(table, clock_at):
    protected(clock_at, phone_check="never", calling_codes=["49", "7"])
    r = PublicApi().post("/v1/salons/salon-a/appointments", booking(phone="+7 916 123-45-67"))
    assert r.status == 201, r.text


@pytest.mark.parametrize(
    "name",
    [
        "Visit https://evil.example/x",
        "www.evil.com",
        "evil.com",
        "Eva\x00Weber",
        "Eva \u202eWeber",
        "Eva\u200bWeber",
        "12345",
        "<b>Eva</b>",
        "",
    ],
)
def test_a_name_is_a_name(table, clock_at, name):
    protected(clock_at, phone_check="never")
    r = PublicApi().post("/v1/salons/salon-a/appointments", booking(name=name))
    assert r.status == 422, name
    assert r.json["error"]["fields"][0]["field"] == "client.name"
    assert not [i for i in items() if isinstance(i, Appointment | Client)]


@pytest.mark.parametrize(
    "name", ["Anne-Marie O'Neil", "J. R. Smith", "Ёлка Иванова", "María José", "Nguyễn Văn An"]
)
def test_real_names_pass(table, clock_at, name):
    protected(clock_at, phone_check="never")
    r = PublicApi().post("/v1/salons/salon-a/appointments", booking(name=name))
    assert r.status == 201, r.text


# --- limits ---------------------------------------------------------------------------------------------
def _slots(n: int) -> list[tuple[str, str]]:
    """``n`` distinct bookable (start, staff) pairs over the working days from Tuesday on."""
    out: list[tuple[str, str]] = []
    day = date(2026, 11, 24)
    while len(out) < n:
        if day.weekday() < 5:
            out += [
                (f"{day.isoformat()}T{hour:02d}:00:00+01:00", staff)
                for hour in (9, 10, 11, 14, 15, 16)
                for staff in ("anna", "marta")
            ]
        day += timedelta(days=1)
    return out[:n]


def test_a_burst_from_one_address_books_up_to_the_limit_and_is_told_to_wait(table, clock_at):
    protected(clock_at, phone_check="never")
    public = PublicApi(source_ip="203.0.113.66")
    answers = []
    for n, (start, staff) in enumerate(_slots(40)):
        body = booking(start=start, phone=f"+49151{n:08d}") | {"staff_id": staff}
        answers.append(public.post("/v1/salons/salon-a/appointments", body))
    booked = [a for a in answers if a.status == 201]
    limited = [a for a in answers if a.status == 429]
    assert len(booked) == 10 and len(limited) == 30
    for a in limited:
        assert a.json["error"]["code"] == "rate_limited" and set(a.json["error"]) == {
            "code",
            "message",
            "fields",
        }
        assert 0 < int(a.headers["retry-after"]) <= 3600
    assert len([i for i in items() if isinstance(i, Appointment)]) == 10
    assert len([i for i in items() if isinstance(i, Client)]) == 10

    run_stream(table)
    for message in [x for x in Message.scan() if x.status == "planned"]:
        dispatch.dispatch("salon-a", message.message_id, clock_at)
    sms = [x for x in Message.scan() if x.channel == "sms" and x.status == "queued"]
    assert len(sms) == len(booked)  # one booking notice each, nothing for the refused

    another = PublicApi(source_ip="203.0.113.67").post(
        "/v1/salons/salon-a/appointments",
        booking(start=_slots(11)[10][0], phone="+4915199999999") | {"staff_id": _slots(11)[10][1]},
    )
    assert another.status == 201  # the limit is the address's, not the salon's
    with moment(clock_at + timedelta(hours=1)):
        assert (
            public.post(
                "/v1/salons/salon-a/appointments",
                booking(start="2026-11-25T17:00:00+01:00", phone="+4915188888888"),
            ).status
            == 201
        )


def test_one_phone_books_a_few_times_a_day_and_new_phones_are_limited_per_salon(table, clock_at):
    protected(clock_at, phone_check="never", new_phones_per_hour=4)
    slots = _slots(8)
    answers = [
        PublicApi().post(
            "/v1/salons/salon-a/appointments", booking(start=start, phone=PHONE) | {"staff_id": staff}
        )
        for start, staff in slots[:4]
    ]
    assert [a.status for a in answers] == [201, 201, 201, 429]  # three a day for one phone
    answers = [
        PublicApi().post(
            "/v1/salons/salon-a/appointments",
            booking(start=start, phone=f"+4917{n:09d}") | {"staff_id": staff},
        )
        for n, (start, staff) in enumerate(slots[4:])
    ]
    assert [a.status for a in answers] == [201, 201, 201, 429]  # the fourth new phone in the hour


def test_a_refused_booking_uses_up_nothing_and_names_nothing_of_what_is_there(table, clock_at):
    """Bad times and taken ones, sent for a client's phone by anyone, leave that phone its bookings of
    the day; the refusal of a taken time says only that it is not free, not whose visit or which
    time off is there."""
    protected(clock_at, phone_check="never", bookings_per_phone_day=2)
    slots = _slots(3)
    public = PublicApi(source_ip="203.0.113.70")
    first = public.post(
        "/v1/salons/salon-a/appointments", booking(start=slots[0][0]) | {"staff_id": slots[0][1]}
    )
    assert first.status == 201, first.text
    admin_block = AdminApi("salon-a").post(
        f"/v1/admin/staff/{slots[1][1]}/blocks",
        {"start": slots[1][0], "end": slots[1][0].replace("T09:", "T10:"), "kind": "time_off"},
    )
    assert admin_block.status == 201, admin_block.text
    for start, staff in [(slots[0][0].replace(":00:00", ":03:00"), slots[0][1]), slots[0], slots[1]] * 2:
        refused = public.post(
            "/v1/salons/salon-a/appointments",
            booking(start=start, phone="+4917055501234", name="Mara Lind") | {"staff_id": staff},
        )
        assert refused.status in (409, 422), refused.text
        if refused.status == 409:
            assert refused.json["error"]["code"] == "slot_taken"
            assert "conflicts" not in refused.json["error"] and "time off" not in refused.text
    later = [_slots(8)[2], _slots(8)[4]]
    answers = [
        public.post(
            "/v1/salons/salon-a/appointments",
            booking(start=start, phone="+4917055501234", name="Mara Lind") | {"staff_id": staff},
        )
        for start, staff in later
    ]
    assert [a.status for a in answers] == [201, 201]


def test_codes_are_limited_per_salon_whatever_the_phone_and_always_tells_no_client_from_a_stranger(
    table, clock_at
):
    protected(clock_at, phone_check="always", codes_per_hour=3, new_phones_per_hour=1)
    client_store.create(
        "salon-a",
        clients_model.Client(id="c-known", name="Kira Known", phone=PHONE, created_at=clock_at),
    )
    asked = [
        PublicApi(source_ip=f"198.51.100.{n}").post("/v1/salons/salon-a/phone-checks", {"phone": phone})
        for n, phone in enumerate(["+4917011110001", "+4917011110002", PHONE, PHONE, "+4917011110003"])
    ]
    assert [a.status for a in asked] == [202, 202, 202, 429, 429]  # two strangers and a client, then none
    assert asked[3].json["error"] == asked[4].json["error"]  # the client's refusal is the stranger's
    assert len([x for x in Message.scan() if x.kind == "phone_code"]) == 3


def test_a_visit_moves_through_its_link_a_few_times_a_day(table, clock_at):
    protected(clock_at, phone_check="never")
    slots = _slots(6)
    made = PublicApi().post(
        "/v1/salons/salon-a/appointments", booking(start=slots[0][0]) | {"staff_id": slots[0][1]}
    )
    token = token_of(made.json["manage_url"])
    bad = PublicApi(source_ip="198.51.100.40").post(
        f"/v1/manage/{token}/reschedule", {"start": slots[1][0].replace(":00:00", ":03:00")}
    )
    assert bad.status == 422, bad.text  # refused: not counted
    moves = [
        PublicApi(source_ip=f"198.51.100.{n}").post(
            f"/v1/manage/{token}/reschedule", {"start": start, "staff_id": staff}
        )
        for n, (start, staff) in enumerate(slots[1:5])
    ]
    assert [m.status for m in moves] == [200, 200, 200, 429], [m.text for m in moves]
    shown = PublicApi().get(f"/v1/manage/{token}").json["appointment"]
    assert (shown["start"], shown["staff_id"]) == slots[3]  # where the third move left it


def test_codes_are_limited_per_phone(table, clock_at):
    protected(clock_at)
    public = PublicApi()
    answers = [public.post("/v1/salons/salon-a/phone-checks", {"phone": PHONE}) for _ in range(4)]
    assert [a.status for a in answers] == [202, 202, 202, 429]
    assert len([x for x in Message.scan() if x.kind == "phone_code"]) == 3


def test_a_manage_link_is_limited_per_address(table, clock_at):
    make_salon("salon-a", clock_at, protection={"phone_check": "never", "actions_per_address_hour": 3})
    public = PublicApi(source_ip="203.0.113.9")
    token = token_of(public.post("/v1/salons/salon-a/appointments", booking()).json["manage_url"])
    statuses = [public.post(f"/v1/manage/{token}/confirm").status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_erasing_a_client_erases_the_codes_sent_to_their_phone_before_they_were_one(table, clock_at):
    from support.lambda_ import AdminApi

    protected(clock_at)
    public = PublicApi()
    made = public.post("/v1/salons/salon-a/appointments", booking(phone_proof=prove(public)))
    codes = [x for x in Message.scan() if x.kind == "phone_code"]
    assert codes and all(x.values.get("phone") == PHONE for x in codes)
    admin = AdminApi("salon-a")
    visit = made.json["appointment"]["id"]
    assert admin.post(f"/v1/admin/appointments/{visit}/cancel", {"salon_initiated": True}).status == 200
    erased = admin.post(f"/v1/admin/clients/{client_of().id}/erase", {"reason": "asked"})
    assert erased.status == 200, erased.text
    for x in Message.scan():
        assert PHONE not in str(x.attribute_values), x.message_id
