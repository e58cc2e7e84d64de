"""The pages as a person uses them, in headless Chromium against the running local runtime."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

SHOTS = (
    Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
)  # looked at by a person, not asserted
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="module")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("REGULARS_CHROMIUM") or None
    if not executable:
        pytest.fail(
            "no Chromium for the browser tests: run them with `make test` (infra/chromium.sh installs "
            "Debian's chromium) or set REGULARS_CHROMIUM to a Chromium binary"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/Berlin")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], errors


def _first_open_day(rt, service: str) -> str:
    """The first day from tomorrow, by the application's clock (other tests may have moved it ahead of
    the browser's), with free times for ``service``."""
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    for n in range(1, 15):
        day = (now + timedelta(days=n)).date().isoformat()
        if rt.get(f"/v1/salons/demo/slots?service_id={service}&date={day}").json()["slots"]:
            return day
    raise AssertionError(f"no free {service} in two weeks")


def test_a_client_books_then_confirms_by_the_manage_link(demo_runtime, page):
    page.goto(
        f"{demo_runtime.base_url}/book.html?salon=demo&service=manicure&date={_first_open_day(demo_runtime, 'manicure')}"
    )
    page.wait_for_selector("#slots button")
    assert "Studio Demo" in page.inner_text("#salon-name")
    first = page.locator("#slots button").first
    chosen_time = first.inner_text()
    first.click()
    page.fill("#name", "Browser Client")
    number = f"{uuid.uuid4().int % 10**8:08d}"
    page.fill("#phone", f"0151 {number}")
    page.check("#marketing")
    page.click("#book")
    # a phone the salon does not know: a code goes to it, and a wrong one is said so beside the field
    page.wait_for_selector("#code-form:not(.hidden)")
    (sms,) = demo_runtime.sms(f"+49151{number}", "code")
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    page.fill("#code", "000000" if code != "000000" else "111111")
    page.click("#code-confirm")
    page.wait_for_selector("#code-error:not(.hidden)")
    assert page.inner_text("#code-error") == "Wrong code; 4 tries left."
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SHOTS / "book-code-phone.png"), full_page=True)
    page.fill("#code", code)
    page.click("#code-confirm")
    page.wait_for_selector("#done:not(.hidden)")
    assert "Booked" in page.inner_text("#done-text")
    assert chosen_time in page.inner_text("#done-text")

    page.click("#manage-link")
    page.wait_for_selector("#confirm:not(.hidden)")
    assert "Manicure" in page.inner_text("#summary")
    page.click("#confirm")
    page.wait_for_function("document.querySelector('#status').textContent === 'confirmed'")
    assert "confirmed" in page.inner_text("#message")

    # the booking asked for offers; the page offers Telegram and a way to stop offers
    assert page.get_attribute("#telegram", "href").startswith("https://t.me/regulars_local_bot?start=")
    assert page.inner_text("#offers") == "Stop offers"
    page.click("#offers")
    page.wait_for_function("document.querySelector('#offers').textContent === 'Send me offers'")
    assert "no more offers" in page.inner_text("#message")


def test_a_taken_time_says_so_and_offers_the_rest(demo_runtime, page):
    page.goto(
        f"{demo_runtime.base_url}/book.html?salon=demo&service=brows&date={_first_open_day(demo_runtime, 'brows')}"
    )
    page.wait_for_selector("#slots button")
    button = page.locator("#slots button").first
    start, staff = button.get_attribute("data-start"), button.get_attribute("data-staff")
    button.click()
    page.fill("#name", "Slower")
    token = demo_runtime.token("demo")
    regular = next(
        c["phone"]
        for c in demo_runtime.get("/v1/admin/clients?limit=5", token=token).json()["clients"]
        if c["phone"]
    )
    page.fill("#phone", regular)  # a client of the salon: no code asked
    faster = f"+49 170 {uuid.uuid4().int % 10**7:07d}"
    taken = demo_runtime.post(
        "/v1/salons/demo/appointments",
        json={  # someone else is faster
            "service_id": "brows",
            "staff_id": staff,
            "start": start,
            "client": {"name": "Faster", "phone": faster},
            "phone_proof": demo_runtime.prove(faster),
        },
    )
    assert taken.status_code == 201, taken.text
    page.click("#book")
    page.wait_for_selector("#book-error:not(.hidden)")
    assert "just taken" in page.inner_text("#book-error")
    # the page reloads the free times: the taken one goes, the others stay
    page.wait_for_selector(f'#slots button[data-start="{start}"][data-staff="{staff}"]', state="detached")
    assert page.locator("#slots button").count() > 0


def _sign_in(page) -> None:
    page.fill("#password", "demo-password")
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#app:not(.hidden)")


def test_the_owner_reads_the_analytics_with_their_definitions(demo_runtime, page):
    owner = demo_runtime.token("demo")
    page.goto(f"{demo_runtime.base_url}/")
    _sign_in(page)
    page.wait_for_selector('#figures tr[data-figure="visits"]')
    period = f"from={page.input_value('#from-month')}&to={page.input_value('#to-month')}"
    report = demo_runtime.get(f"/v1/admin/analytics?{period}", token=owner).json()
    visits = page.locator('#figures tr[data-figure="visits"]')
    assert visits.locator(".value").inner_text() == str(report["figures"]["visits"]["value"])
    assert report["figures"]["visits"]["definition"] in visits.inner_text()
    assert page.locator("#cohorts tbody tr").count() == len(report["cohorts"]) > 0
    assert page.locator("#figures tbody tr").count() == len(report["figures"])

    page.fill("#from-month", "2026-09")
    page.fill("#to-month", "2026-01")
    page.click("#analytics-load")
    page.wait_for_function("document.querySelector('#analytics-message').textContent.length > 0")
    assert "from" in page.inner_text("#analytics-message")


def test_the_owner_previews_a_segment_schedules_a_campaign_once_and_reads_its_report(demo_runtime, page):
    owner = demo_runtime.token("demo")
    page.goto(f"{demo_runtime.base_url}/")
    _sign_in(page)
    page.select_option("#seg-status", ["lapsed", "lost"])
    page.fill("#seg-visits", "2")
    page.click("#seg-preview")
    page.wait_for_selector("#seg-count")
    asked = demo_runtime.post(
        "/v1/admin/segments/preview", token=owner, json={"lifecycle": ["lapsed", "lost"], "visits_min": 2}
    ).json()
    assert int(page.inner_text("#seg-count")) == asked["count"]
    assert int(page.inner_text("#seg-reachable")) == asked["reachable"] > 0

    name = f"Come back {uuid.uuid4().hex[:6]}"
    page.fill("#cmp-name", name)
    page.select_option("#cmp-kind", "personal_offer")
    page.fill("#cmp-bonus", "5")
    page.fill("#cmp-text", "{name}, {bonus} for your next visit until {expires}: {link}")
    page.dblclick("#cmp-schedule")  # two requests with one Idempotency-Key: one campaign
    page.wait_for_function("document.querySelector('#cmp-message').textContent.startsWith('Scheduled')")
    ours = [
        c
        for c in demo_runtime.get("/v1/admin/campaigns", token=owner).json()["campaigns"]
        if c["name"] == name
    ]
    assert len(ours) == 1, ours
    campaign_id = ours[0]["id"]

    demo_runtime.advance(
        2
    )  # its start is due: the ticker hands it to the worker, which splits it into batches
    demo_runtime.drain(120)
    demo_runtime.advance(1)
    demo_runtime.drain(120)
    view = demo_runtime.get(f"/v1/admin/campaigns/{campaign_id}", token=owner).json()
    assert view["status"] == "sent" and view["audience"] > 0, view
    page.reload()
    row = page.locator(f'#campaigns tr[data-id="{campaign_id}"]')
    row.wait_for()
    assert row.locator(".audience").inner_text() == str(view["audience"])
    row.locator("button", has_text="Report").click()
    page.wait_for_selector('#report-figures tr[data-figure="bookings"]')
    report = demo_runtime.get(f"/v1/admin/campaigns/{campaign_id}/report", token=owner).json()
    assert (
        f"{report['groups']['sent']['members']} sent, {report['groups']['holdout']['members']} held out"
        in page.inner_text("#campaign-report")
    )
    bookings = page.locator('#report-figures tr[data-figure="bookings"]')
    assert bookings.locator(".sent").inner_text() == str(report["groups"]["sent"]["bookings"])
    assert report["definitions"]["bookings"] in bookings.inner_text()
    assert page.locator("#report-figures tbody tr").count() == 4


def test_the_phone_view_shows_the_booking_sms_and_a_stop_reply_withdraws_consent(demo_runtime, page):
    phone = f"+49151{uuid.uuid4().int % 10**8:08d}"
    day = None
    now = datetime.fromisoformat(demo_runtime.get("/local/clock").json()["now"])
    for n in range(2, 20):
        candidate = (now + timedelta(days=n)).date().isoformat()
        slots = demo_runtime.get(f"/v1/salons/demo/slots?service_id=brows&date={candidate}").json()["slots"]
        if slots:
            day = slots[-1]
            break
    booked = demo_runtime.post(
        "/v1/salons/demo/appointments",
        json={
            "service_id": "brows",
            "staff_id": day["staff_id"],
            "start": day["start"],
            "client": {"name": "Phone View", "phone": phone},
            "consents": {"marketing": True},
            "phone_proof": demo_runtime.prove(phone),
        },
    )
    assert booked.status_code == 201, booked.text
    demo_runtime.drain()
    page.goto(f"{demo_runtime.base_url}/phone.html")
    card = page.locator(f'section[data-to="{phone}"]')
    card.wait_for()
    assert "Phone View, you're booked at Studio Demo" in card.inner_text()
    card.locator("input").fill("STOP")
    card.locator("button[type=submit]").click()
    token = demo_runtime.token("demo")
    client_id = demo_runtime.get(
        f"/v1/admin/appointments/{booked.json()['appointment']['id']}", token=token
    ).json()["client_id"]
    for _ in range(50):
        consents = demo_runtime.get(f"/v1/admin/clients/{client_id}", token=token).json()["consents"]
        if consents["marketing"]["granted"] is False:
            break
        page.wait_for_timeout(200)
    assert consents["marketing"] == {
        **consents["marketing"],
        "granted": False,
        "source": "sms",
        "text": "STOP",
    }
