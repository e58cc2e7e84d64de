"""Moving in through the admin API on DynamoDB Local: a dry run names every refused row and writes
nothing; a run written by the job worker makes the clients and their visits, takes a consent only
where the file states it, and a second run of the same file changes nothing; imported visits go
through the real stream processor and are counted, with no message, job or bonus for anyone; another
salon's admin and a receptionist reach none of it."""

from __future__ import annotations

from datetime import datetime

import pytest
from regulars.app import jobs as worker
from regulars.booking.items import Appointment
from regulars.clients.items import Client, PhoneIndex
from regulars.imports import service
from regulars.loyalty.items import LedgerEntry
from regulars.messaging.outbox.items import Message
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import JobRef
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration
SALON = "salon-a"

FRESHA = [
    "First Name",
    "Last Name",
    "Mobile Number",
    "Email",
    "Date of Birth",
    "Accepts Marketing",
    "Total sales",
]
FRESHA_MAP = {
    "first_name": "First Name",
    "last_name": "Last Name",
    "phone": "Mobile Number",
    "email": "Email",
    "birthday": "Date of Birth",
    "marketing_consent": "Accepts Marketing",
    "total_spent": "Total sales",
}
CLIENTS = [
    ["Ada", "Lovelace", "+49 170 5550101", "ada@example.com", "10/12/1990", "Yes", "€120.50"],
    ["Bea", "Brown", "0170 5550102", "", "", "No", ""],
    ["Cleo", "Stone", "0170 5550103", "", "", "", "45"],  # says nothing of consent
    ["", "", "0170 5550104", "", "", "", ""],  # no name
    ["Dan", "Bad", "12", "", "", "", ""],  # not a phone
    ["Eve", "Mail", "0170 5550105", "eve@", "", "", ""],  # not an email
    ["Fay", "Born", "0170 5550106", "", "31/02/1990", "", ""],  # no such day
    ["Gus", "Maybe", "0170 5550107", "", "", "perhaps", ""],  # a consent in no words we know
    ["Ada", "Again", "+491705550101", "", "", "", ""],  # the same phone twice in the file
    ["", "", "", "", "", "", ""],  # an empty line
]
REJECTED = [
    {"row": 5, "column": "First Name", "code": "name_missing"},
    {"row": 6, "column": "Mobile Number", "code": "phone_invalid"},
    {"row": 7, "column": "Email", "code": "email_invalid"},
    {"row": 8, "column": "Date of Birth", "code": "birthday_invalid"},
    {"row": 9, "column": "Accepts Marketing", "code": "consent_invalid"},
    {"row": 10, "column": "Mobile Number", "code": "phone_repeated"},
    {"row": 11, "column": None, "code": "row_empty"},
]

DIKIDI = ["Дата", "Клиент", "Телефон", "Услуга", "Сотрудник", "Стоимость"]
DIKIDI_MAP = {
    "date": "Дата",
    "name": "Клиент",
    "phone": "Телефон",
    "service": "Услуга",
    "staff": "Сотрудник",
    "price": "Стоимость",
}
VISITS = [
    ["14.03.2026 10:30", "Ada Lovelace", "+49 170 5550101", "Haircut", "Anna", "45,00 €"],
    ["02.05.2026 11:00", "Ada Lovelace", "+49 170 5550101", "Colour", "Nadia", "80"],
    ["20.06.2026", "Hana New", "0170 5550120", "Manicure", "Marta", "30"],
    ["20.06.2031", "Hana New", "0170 5550120", "Manicure", "Marta", "30"],  # not history
    ["yesterday", "Hana New", "0170 5550120", "Manicure", "Marta", "30"],
    ["21.06.2026", "Hana New", "0170 5550120", "Manicure", "Marta", "thirty"],
]


@pytest.fixture
def admin(table, clock_at):
    make_salon(SALON, clock_at)
    make_salon("salon-b", clock_at)
    return AdminApi(SALON)


def _reading(kind: str, header: list[str], mapping: dict[str, str]) -> dict:
    return {"kind": kind, "header": header, "mapping": mapping, "day_first": True}


def _import(admin, kind, header, mapping, rows) -> dict:
    """The console's run: start, send the chunks, then the worker acts on them; the run at the end."""
    made = admin.post(
        "/v1/admin/imports", {**_reading(kind, header, mapping), "file_name": "x.csv", "rows": len(rows)}
    )
    assert made.status == 201, made.text
    run = made.json
    for n in range(run["chunks"]):
        chunk = rows[n * service.CHUNK_ROWS : (n + 1) * service.CHUNK_ROWS]
        sent = admin.put(
            f"/v1/admin/imports/{run['id']}/chunks/{n}",
            {"first_row": 2 + n * service.CHUNK_ROWS, "rows": chunk},
        )
        assert sent.status == 200, sent.text
    for job in [j for j in Job.scan(Job.kind == service.CHUNK) if j.status == "pending"]:
        ref = JobRef(job.salon_id, job.job_id)
        assert job_store.mark_queued(ref, job.due_at)
        assert worker.run(ref, job.due_at) is not None
    return admin.get(f"/v1/admin/imports/{run['id']}").json


def _people() -> dict:
    return {
        "clients": sorted(
            (
                c.phone,
                c.name,
                c.email,
                c.birthday,
                tuple(sorted(c.tags or ())),
                str(c.consents),
                c.total_spent,
            )
            for c in Client.scan()
        ),
        "phones": sorted((p.phone, p.client_id) for p in PhoneIndex.scan()),
        "visits": sorted(
            (a.appointment_id, a.client_id, a.start, a.price_amount) for a in Appointment.scan()
        ),
    }


def test_the_dry_run_names_every_refused_row_and_writes_nothing(admin):
    answer = admin.post(
        "/v1/admin/imports/check", {**_reading("clients", FRESHA, FRESHA_MAP), "rows": CLIENTS}
    )
    assert answer.status == 200, answer.text
    assert answer.json["rejects"] == REJECTED
    assert (answer.json["accepted"], answer.json["new_clients"], answer.json["known_clients"]) == (3, 3, 0)
    assert _people() == {"clients": [], "phones": [], "visits": []}

    visits = admin.post("/v1/admin/imports/check", {**_reading("visits", DIKIDI, DIKIDI_MAP), "rows": VISITS})
    assert [(r["row"], r["column"], r["code"]) for r in visits.json["rejects"]] == [
        (5, "Дата", "date_future"),
        (6, "Дата", "date_invalid"),
        (7, "Стоимость", "amount_invalid"),
    ]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mapping": {"first_name": "First Name"}}, "mapping.phone"),
        ({"mapping": {**FRESHA_MAP, "phone": "Handy"}}, "mapping.phone"),
        ({"mapping": {**FRESHA_MAP, "date": "Email"}}, "mapping.date"),
        ({"mapping": {**FRESHA_MAP, "email": "Mobile Number"}}, "mapping"),
        ({"kind": "payments"}, "kind"),
    ],
)
def test_a_mapping_that_cannot_be_read_is_refused_with_its_field(admin, change, field):
    body = {**_reading("clients", FRESHA, FRESHA_MAP), "file_name": "x.csv", "rows": 3, **change}
    answer = admin.post("/v1/admin/imports", body)
    assert answer.status == 422 and field in {f["field"] for f in answer.json["error"]["fields"]}, answer.text
    assert admin.get("/v1/admin/imports").json["imports"] == []


def test_clients_are_imported_once_with_consent_only_where_the_file_states_it(admin):
    run = _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS)
    assert run["status"] == "done", run
    assert (run["rows_done"], run["rejected"], run["created"], run["updated"], run["unchanged"]) == (
        10,
        7,
        3,
        0,
        0,
    )
    by_phone = {c.phone: c for c in Client.scan()}
    assert set(by_phone) == {"+491705550101", "+491705550102", "+491705550103"}
    ada, bea, cleo = by_phone["+491705550101"], by_phone["+491705550102"], by_phone["+491705550103"]
    assert (ada.name, ada.email, ada.birthday, ada.total_spent, ada.source) == (
        "Ada Lovelace",
        "ada@example.com",
        "1990-12-10",
        12050,
        "import",
    )
    assert ada.consents["marketing"]["granted"] is True and ada.consents["marketing"]["source"] == "import"
    assert "Accepts Marketing" in ada.consents["marketing"]["text"]
    assert bea.consents["marketing"]["granted"] is False
    assert cleo.consents == {}  # an empty cell proves nothing

    before = _people()
    again = _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS)
    assert (again["created"], again["updated"], again["unchanged"], again["rejected"]) == (0, 0, 3, 7)
    assert _people() == before


def test_a_known_client_keeps_what_they_have_and_gets_only_what_they_lack(admin):
    made = admin.post(
        "/v1/admin/clients", {"name": "Ada L.", "phone": "+49 170 5550101", "marketing_consent": False}
    )
    assert made.status == 201, made.text
    run = _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS[:1])
    assert (run["created"], run["updated"]) == (0, 1)
    (ada,) = [c for c in Client.scan() if c.phone == "+491705550101"]
    assert (ada.name, ada.email, ada.total_spent) == ("Ada L.", "ada@example.com", 12050)
    assert ada.consents["marketing"]["granted"] is False  # the client's own word stands


def test_imported_visits_are_counted_and_nobody_hears_of_them(admin, table):
    _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS[:3])
    run = _import(admin, "visits", DIKIDI, DIKIDI_MAP, VISITS)
    assert (run["visits_added"], run["created"], run["rejected"]) == (3, 1, 3), run
    visits = list(Appointment.scan())
    assert {a.source for a in visits} == {"import"} and {a.status for a in visits} == {"completed"}
    haircut = next(a for a in visits if a.price_amount == 4500)
    assert (haircut.service_id, haircut.staff_id) == ("haircut", "anna")  # the salon's own, by name
    colour = next(a for a in visits if a.price_amount == 8000)
    assert (colour.service_id, colour.staff_id) == (service.IMPORTED, service.IMPORTED)
    assert colour.start == datetime.fromisoformat("2026-05-02T09:00:00+00:00")  # 11:00 in Berlin

    jobs_before = {j.job_id for j in Job.scan()}
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert len(records) == 3
    answer = handler("stream_processor")({"Records": records}, context_for("stream_processor"))
    assert answer == {"batchItemFailures": []}
    assert list(Message.scan()) == [] and list(LedgerEntry.scan()) == []
    assert {j.job_id for j in Job.scan()} == jobs_before  # no reminder, feedback request or invitation
    ada = next(c for c in Client.scan() if c.phone == "+491705550101")
    assert (ada.visits, ada.last_visit_at) == (2, datetime.fromisoformat("2026-05-02T09:00:00+00:00"))

    before = _people()
    again = _import(admin, "visits", DIKIDI, DIKIDI_MAP, VISITS)
    assert (again["visits_added"], again["created"], again["unchanged"]) == (0, 0, 3), again
    assert _people() == before


def test_another_salon_and_the_desk_reach_none_of_it(admin):
    run = _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS[:2])
    other = AdminApi("salon-b", email="owner@b.example")
    assert other.get(f"/v1/admin/imports/{run['id']}").status == 404
    sent = other.put(f"/v1/admin/imports/{run['id']}/chunks/0", {"first_row": 2, "rows": CLIENTS[:2]})
    assert sent.status == 404, sent.text
    desk = AdminApi(SALON, email="desk@a.example", role="reception")
    assert desk.get("/v1/admin/imports").status == 403
    assert (
        desk.post(
            "/v1/admin/imports/check", {**_reading("clients", FRESHA, FRESHA_MAP), "rows": CLIENTS}
        ).status
        == 403
    )
    manager = AdminApi(SALON, email="manager@a.example", role="manager")
    assert [r["id"] for r in manager.get("/v1/admin/imports").json["imports"]] == [run["id"]]


def test_a_chunk_past_the_body_cap_is_refused_and_changes_nothing(admin):
    """The API's 256 KiB cap on a body keeps a chunk's rows, compressed, far inside a job's item."""
    import random

    rng = random.Random(7)

    def text(n: int) -> str:
        return "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(n))

    header = ["Name", "Phone", "Notes", "Tags"]
    rows = [
        [text(100), f"0170 55{i:05d}", text(600), ",".join(text(30) for _ in range(10))] for i in range(200)
    ]
    mapping = {"name": "Name", "phone": "Phone", "notes": "Notes", "tags": "Tags"}
    run = admin.post(
        "/v1/admin/imports", {**_reading("clients", header, mapping), "file_name": "x.csv", "rows": 200}
    )
    sent = admin.put(f"/v1/admin/imports/{run.json['id']}/chunks/0", {"first_row": 2, "rows": rows})
    assert sent.status == 413 and sent.json["error"]["code"] == "payload_too_large", sent.text
    assert [j for j in Job.scan() if j.kind == service.CHUNK] == []
    assert admin.get(f"/v1/admin/imports/{run.json['id']}").json["chunks_sent"] == 0


def test_the_set_up_path_says_what_is_done_and_gives_the_booking_link(admin):
    before = admin.get("/v1/admin/setup")
    assert before.status == 200, before.text
    body = before.json
    assert "salon=salon-a" in body["booking_link"] and body["booking_link"].startswith("http")
    assert (body["services"], body["staff_with_hours"], body["imports"]) == (3, 2, 0)
    assert {c["channel"] for c in body["channels"]} and all(
        isinstance(c["connected"], bool) for c in body["channels"]
    )
    _import(admin, "clients", FRESHA, FRESHA_MAP, CLIENTS[:2])
    assert admin.get("/v1/admin/setup").json["imports"] == 1
    assert AdminApi(SALON, email="desk@a.example", role="reception").get("/v1/admin/setup").status == 403
