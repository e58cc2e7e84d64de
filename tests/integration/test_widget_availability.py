"""The booking page's strip of days, the next free time, what the page shows of the salon, and the
proof-gated read of a phone's consent: through the public and admin functions, on DynamoDB Local.

The salon (support/salon.py): Anna (haircut, brows) and Marta (haircut, manicure) work Monday to
Friday 09:00-18:00 with lunch 13:00-14:00; now is Monday 2026-11-23 09:00 in Berlin, an hour's notice."""

from __future__ import annotations

import pytest
from support.lambda_ import AdminApi, PublicApi
from support.phones import prove

pytestmark = pytest.mark.integration

PATH = "/v1/salons/salon-a"


def strip(public: PublicApi, query: str) -> dict:
    r = public.get(f"{PATH}/availability?{query}")
    assert r.status == 200, r.text
    return r.json


def distinct_starts(public: PublicApi, day: str, service: str, staff: str | None = None) -> int:
    q = f"service_id={service}&date={day}" + (f"&staff_id={staff}" if staff else "")
    return len({s["start"] for s in public.get(f"{PATH}/slots?{q}").json["slots"]})


def test_each_day_says_whether_it_has_free_times_and_why_not(salon, public):
    found = strip(public, "service_id=haircut&from=2026-11-21&days=10")
    states = {d["date"]: d["state"] for d in found["days"]}
    assert found["today"] == "2026-11-23"
    assert found["last_day"] == "2027-01-22"  # the 60-day horizon
    assert states["2026-11-21"] == states["2026-11-22"] == "past"
    assert states["2026-11-23"] == "free"  # today, from 10:00 (an hour's notice)
    assert states["2026-11-28"] == states["2026-11-29"] == "closed"  # the weekend
    # the same free times the day's slots give, counted once whoever is free
    for d in found["days"]:
        assert d["free_times"] == distinct_starts(public, d["date"], "haircut"), d
    assert found["next"] == {"start": "2026-11-23T10:00:00+01:00", "staff_id": "anna", "segments": None}

    # the horizon, and a day taken whole: full, not closed
    late = strip(public, "service_id=haircut&from=2027-01-21&days=3")
    # the horizon is an instant, now plus 60 days (08:59 on the last day): that day's times come after it
    assert [d["state"] for d in late["days"]] == ["free", "beyond_horizon", "beyond_horizon"]
    admin = AdminApi("salon-a")
    blocked = admin.post(
        "/v1/admin/staff/anna/blocks",
        {"start": "2026-11-24T09:00:00+01:00", "end": "2026-11-24T18:00:00+01:00", "kind": "other"},
    )
    assert blocked.status == 201, blocked.text
    tuesday = strip(public, "service_id=brows&staff_id=anna&from=2026-11-24&days=1")
    assert tuesday["days"] == [{"date": "2026-11-24", "state": "full", "free_times": 0}]
    assert tuesday["next"]["start"] == "2026-11-25T09:00:00+01:00"  # found past the day asked for
    # a visit booked takes its times at once
    before = strip(public, "service_id=haircut&staff_id=marta&from=2026-11-25&days=1")["days"][0]
    booked = public.post(
        f"{PATH}/appointments",
        {
            "service_id": "haircut",
            "staff_id": "marta",
            "start": "2026-11-25T10:00:00+01:00",
            "client": {"name": "Eva Weber", "phone": "0151 23456789"},
        },
    )
    assert booked.status == 201, booked.text
    after = strip(public, "service_id=haircut&staff_id=marta&from=2026-11-25&days=1")["days"][0]
    assert (
        after["free_times"]
        == before["free_times"] - 7
        == distinct_starts(public, "2026-11-25", "haircut", "marta")
    )


def test_the_next_free_time_is_looked_for_up_to_the_horizon_and_no_further(salon, public):
    admin = AdminApi("salon-a")
    days_off = [f"2026-12-{d:02d}" for d in range(1, 32)] + [f"2026-11-{d:02d}" for d in range(23, 31)]
    assert admin.patch("/v1/admin/staff/marta", {"days_off": days_off}).status == 200
    found = strip(public, "service_id=manicure&days=7")
    assert {d["state"] for d in found["days"]} == {"closed"}
    assert found["next"] == {"start": "2027-01-01T09:00:00+01:00", "staff_id": "marta", "segments": None}
    assert admin.patch("/v1/admin/salon", {"settings": {"booking_horizon_days": 20}}).status == 200
    assert strip(public, "service_id=manicure&days=7")["next"] is None


def test_a_visit_of_several_services_is_free_on_a_day_only_where_all_of_them_fit(salon, public):
    chain = "service_ids=haircut,manicure"
    found = strip(public, f"{chain}&from=2026-11-23&days=7")
    assert [d["state"] for d in found["days"]][5:] == ["closed", "closed"]  # the weekend
    for d in found["days"]:  # the same starts the day's slots for the whole visit give
        q = f"{chain}&date={d['date']}"
        assert d["free_times"] == len({s["start"] for s in public.get(f"{PATH}/slots?{q}").json["slots"]}), d
    first = public.get(f"{PATH}/slots?{chain}&date=2026-11-23").json["slots"][0]
    assert found["next"]["start"] == first["start"] == "2026-11-23T10:00:00+01:00"

    # Marta, the only one who does manicures, away on Tuesday: a haircut alone still fits, the visit not
    admin = AdminApi("salon-a")
    away = {"start": "2026-11-24T09:00:00+01:00", "end": "2026-11-24T18:00:00+01:00", "kind": "other"}
    assert admin.post("/v1/admin/staff/marta/blocks", away).status == 201
    assert strip(public, "service_id=haircut&from=2026-11-24&days=1")["days"][0]["state"] == "free"
    tuesday = strip(public, f"{chain}&from=2026-11-24&days=1")
    assert tuesday["days"] == [{"date": "2026-11-24", "state": "full", "free_times": 0}]
    assert tuesday["next"]["start"] == "2026-11-25T09:00:00+01:00"


@pytest.mark.parametrize(
    ("query", "field", "code"),
    [
        ("days=7", "service_id", "one_of"),
        ("service_id=haircut&service_ids=haircut,manicure", "service_id", "one_of"),
        ("service_ids=haircut,haircut", "services", "duplicate_service"),
        ("service_id=haircut&days=32", "days", "invalid_input"),
        ("service_id=haircut&days=0", "days", "invalid_input"),
        ("service_id=haircut&from=2026-01-01", "from", "invalid_input"),
        ("service_id=haircut&from=2027-06-01", "from", "invalid_input"),
        ("service_id=nails", "service_id", "unknown_service"),
        ("service_id=manicure&staff_id=anna", "staff_id", "staff_mismatch"),
        ("service_id=haircut&from=not-a-day", "from", "invalid_input"),
    ],
)
def test_bad_questions_are_refused_naming_the_field(salon, public, query, field, code):
    r = public.get(f"{PATH}/availability?{query}")
    assert r.status == 422, r.text
    assert r.json["error"]["code"] == code
    assert [f["field"] for f in r.json["error"]["fields"]] == [field]


def test_what_the_page_shows_of_the_salon_its_services_and_staff(salon, public):
    admin = AdminApi("salon-a")
    page = {
        "address": "Oranienstraße 25, 10999 Berlin",
        "phone": "+49 30 5550100",
        "logo_url": "https://salon.example/logo.png",
        "brand_color": "#7b3fe4",
        "privacy_url": "https://salon.example/privacy",
    }
    assert admin.patch("/v1/admin/salon", page).status == 200
    r = admin.patch("/v1/admin/services/haircut", {"description": "Wash, cut and dry.", "category": "Hair"})
    assert r.status == 200 and r.json["category"] == "Hair"
    r = admin.patch(
        "/v1/admin/staff/anna", {"title": "Senior stylist", "photo_url": "https://salon.example/anna.jpg"}
    )
    assert r.status == 200 and r.json["title"] == "Senior stylist"
    catalog = public.get(f"{PATH}/catalog").json
    assert page.items() <= catalog["salon"].items()
    haircut = next(s for s in catalog["services"] if s["id"] == "haircut")
    assert (haircut["description"], haircut["category"]) == ("Wash, cut and dry.", "Hair")
    anna = next(m for m in catalog["staff"] if m["id"] == "anna")
    assert (anna["title"], anna["photo_url"]) == ("Senior stylist", "https://salon.example/anna.jpg")

    # only https addresses, bounded words, a colour as #rrggbb; a refusal changes nothing
    for bad in (
        {"logo_url": "http://salon.example/logo.png"},
        {"privacy_url": "javascript:alert(1)"},
        {"logo_url": "https://localhost/x.png"},
        {"brand_color": "purple"},
        {"address": "x" * 301},
    ):
        r = admin.patch("/v1/admin/salon", bad)
        assert r.status == 422, (bad, r.text)
        assert [f["field"] for f in r.json["error"]["fields"]] == [next(iter(bad))]
    assert admin.patch("/v1/admin/staff/anna", {"photo_url": "https://x.example/a b.jpg"}).status == 422
    assert admin.patch("/v1/admin/services/haircut", {"category": "c" * 81}).status == 422
    assert public.get(f"{PATH}/catalog").json["salon"]["logo_url"] == page["logo_url"]
    # null clears
    assert admin.patch("/v1/admin/salon", {"logo_url": None}).json["logo_url"] is None
    assert admin.patch("/v1/admin/staff/anna", {"photo_url": None}).json["photo_url"] is None
    assert public.get(f"{PATH}/catalog").json["salon"]["address"] == page["address"]


def test_a_phones_consent_is_read_with_its_proof_only(salon, public):
    phone = "0151 77700011"
    proof = prove(public, phone)
    read = lambda body: public.post(f"{PATH}/consents/read", body)  # noqa: E731
    assert read({"phone": phone, "phone_proof": proof}).json == {"marketing": None}  # no client yet
    booked = public.post(
        f"{PATH}/appointments",
        {
            "service_id": "haircut",
            "start": "2026-11-24T10:00:00+01:00",
            "client": {"name": "Eva Weber", "phone": phone},
            "consents": {"marketing": True},
            "phone_proof": proof,
        },
    )
    assert booked.status == 201, booked.text
    assert read({"phone": "+4915177700011", "phone_proof": proof}).json == {"marketing": True}
    # another phone's proof, a forged one, none: refused alike, saying nothing of the phone
    other = prove(public, "0151 77700022")
    for body in (
        {"phone": phone, "phone_proof": other},
        {"phone": phone, "phone_proof": proof[:-4] + "AAAA"},
        {"phone": phone, "phone_proof": "x" * 20},
    ):
        r = read(body)
        assert r.status == 403 and r.json["error"]["code"] == "phone_check_required", r.text
    assert read({"phone": phone}).status == 422
    # booking again with the box as it was changes nothing; an explicit no withdraws, with its evidence
    again = public.post(
        f"{PATH}/appointments",
        {
            "service_id": "haircut",
            "start": "2026-11-24T15:00:00+01:00",
            "client": {"name": "Eva Weber", "phone": phone},
            "consents": {"marketing": False},
            "phone_proof": proof,
        },
    )
    assert again.status == 201, again.text
    assert read({"phone": phone, "phone_proof": proof}).json == {"marketing": False}
