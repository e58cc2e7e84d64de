"""The pages as a person uses them, in headless Chromium against the running local runtime."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

SHOTS = (
    Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
)  # looked at by a person, not asserted


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
    manage = page.get_attribute("#manage-link", "href")
    assert page.get_attribute("#calendar-link", "href").endswith("/calendar")  # the visit's .ics

    # booked again from this browser, which holds the phone's proof: the box shows the consent given
    # before, and booking without touching it keeps it
    page.goto(page.url)
    page.wait_for_selector("#slots button")
    page.locator("#slots button").last.click()
    page.fill("#name", "Browser Client")
    page.fill("#phone", f"0151 {number}")
    page.wait_for_function("document.querySelector('#marketing').checked")
    page.click("#book")
    page.wait_for_selector("#done:not(.hidden)")
    token = demo_runtime.token("demo")
    (client,) = [
        c
        for c in demo_runtime.get(f"/v1/admin/clients?q=%2B49151{number}", token=token).json()["clients"]
        if c["phone"] == f"+49151{number}"
    ]
    assert client["consents"]["marketing"]["granted"] is True

    page.goto(manage)
    page.wait_for_selector("#confirm:not(.hidden)")
    assert "Manicure" in page.inner_text("#summary")
    page.click("#confirm")
    page.wait_for_function("document.querySelector('#status').textContent === 'confirmed'")
    assert "confirmed" in page.inner_text("#message")

    # the booking asked for offers; the page offers Telegram and a way to stop offers
    assert page.get_attribute("#telegram", "href").startswith("https://t.me/regulars_local_bot?start=")
    assert page.get_attribute("#offers", "role") == "switch"
    assert page.get_attribute("#offers", "aria-checked") == "true"
    # the free times read after the confirmation are drawn above the switch: tap it once they are
    page.wait_for_load_state("networkidle")
    page.click("#offers")
    page.wait_for_function("document.querySelector('#offers').getAttribute('aria-checked') === 'false'")
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
    demo_runtime.drain()  # the shared runtime may still be working off what earlier tests' clock moves made due
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


def test_a_freed_time_goes_to_the_waitlist_and_the_first_to_accept_books_it(demo_runtime, browser):
    """Two clients wait for brows on a day; another client's visit that day is cancelled at the desk;
    the offer arrives on each phone (in each client's language), the first books it from the offer page
    on a phone and the second is told, in her words, that someone else was faster."""
    from zoneinfo import ZoneInfo

    from e2e.console import PHONE, axe_violations, shoot

    rt = demo_runtime
    owner = rt.token("demo")
    berlin = ZoneInfo("Europe/Berlin")
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"]).astimezone(berlin)
    if not 9 <= now.hour < 20:  # offers are not sent in the salon's quiet hours (21:00-09:00)
        morning = (now + timedelta(days=1 if now.hour >= 9 else 0)).replace(hour=9, minute=5)
        rt.advance((morning - now).total_seconds() / 60)
        now = datetime.fromisoformat(rt.get("/local/clock").json()["now"]).astimezone(berlin)
    slot = None
    for n in range(21, 45):  # far ahead: no other test counts these days
        day = (now + timedelta(days=n)).date().isoformat()
        free = rt.get(f"/v1/salons/demo/slots?service_id=brows&date={day}").json()["slots"]
        if free:
            slot = free[len(free) // 2]
            break
    assert slot, "no free brows time"
    start = datetime.fromisoformat(slot["start"])
    part = "morning" if start.hour < 12 else "afternoon" if start.hour < 17 else "evening"
    other = rt.post(
        "/v1/admin/appointments",
        token=owner,
        json={
            "service_id": "brows",
            "staff_id": slot["staff_id"],
            "start": slot["start"],
            "client": {"name": "Cancelling Client", "phone": f"+49151{uuid.uuid4().int % 10**8:08d}"},
        },
    )
    assert other.status_code == 201, other.text

    phones = [f"+49152{uuid.uuid4().int % 10**8:08d}" for _ in range(2)]
    leave_urls = []
    for phone, name, locale in ((phones[0], "Wanda Wait", "en"), (phones[1], "Lola Espera", "es")):
        joined = rt.post(
            "/v1/salons/demo/waitlist",
            json={
                "client": {"name": name, "phone": phone, "locale": locale},
                "service_id": "brows",
                "days": [start.date().isoformat()],
                "parts": [part],
                "consent": True,
                "phone_proof": rt.prove(phone),
            },
        )
        assert joined.status_code == 201, joined.text
        leave_urls.append(joined.json()["leave_url"])
    cancelled = rt.post(f"/v1/admin/appointments/{other.json()['id']}/cancel", token=owner, json={})
    assert cancelled.status_code == 200, cancelled.text
    rt.drain()

    context = browser.new_context(
        viewport={"width": PHONE[0], "height": PHONE[1]}, locale="en-GB", timezone_id="Europe/Berlin"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{rt.base_url}/phone.html")
    first = page.locator(f'section[data-to="{phones[0]}"]', has_text="is free at Studio Demo")
    first.wait_for(timeout=30_000)
    second = page.locator(f'section[data-to="{phones[1]}"]', has_text="hay hueco")
    second.wait_for(timeout=30_000)
    links = [rt.link_in(card.inner_text()) for card in (first, second)]  # behind each message's short link
    assert all("/offer.html?" in link for link in links)

    page.goto(links[0])
    page.wait_for_selector("#offer-accept:not(.hidden)")
    service = next(
        x["name"] for x in rt.get("/v1/salons/demo/catalog").json()["services"] if x["id"] == "brows"
    )
    assert page.inner_text("#offer-summary").startswith(f"Wanda Wait, a time freed up: {service} with ")
    assert "Held for you until" in page.inner_text("#offer-hold")
    assert page.locator("#offer-accept").bounding_box()["height"] >= 44
    assert axe_violations(page) == []
    page.click("#offer-accept")
    page.wait_for_selector("#offer-message.notice")
    assert page.inner_text("#offer-message").startswith(f"You're booked: {service}, ")
    shoot(page, "waitlist-offer-booked")

    page.goto(links[1])
    page.wait_for_selector("#offer-accept:not(.hidden), #offer-message")
    if page.locator(
        "#offer-accept:not(.hidden)"
    ).count():  # the page opened before it knew: the tap is refused
        page.click("#offer-accept")
    page.wait_for_selector("#offer-message[role=alert]")
    # in the language she joined in
    assert page.inner_text("#offer-message") == (
        "Otra persona reservó esta hora antes. Sigues en la lista de espera para la próxima."
    )
    assert page.locator("#offer-accept:not(.hidden)").count() == 0
    refused = rt.post(f"/v1/salons/demo/waitlist-offers/{links[1].rsplit('o=', 1)[1]}/accept")
    assert (refused.status_code, refused.json()["error"]["code"]) == (409, "offer_taken")
    shoot(page, "waitlist-offer-taken")

    page.goto(leave_urls[1] + "&lang=en")  # the second client leaves the list: the salon as it was
    page.wait_for_selector("#entry-leave:not(.hidden)")
    assert "You are on the waitlist until" in page.inner_text("#entry-state")
    assert axe_violations(page) == []
    page.click("#entry-leave")
    page.wait_for_function("() => document.querySelector('#entry-state').innerText.startsWith('You left')")
    assert page.locator("#entry-leave:not(.hidden)").count() == 0
    shoot(page, "waitlist-left")
    context.close()
    assert errors == [], errors

    booked = rt.get(
        f"/v1/admin/appointments?from={start.date().isoformat()}&staff_id={slot['staff_id']}", token=owner
    )
    visits = [
        a for a in booked.json()["appointments"] if a["start"] == slot["start"] and a["status"] == "booked"
    ]
    assert [a["client_name"] for a in visits] == ["Wanda Wait"]
    waiting = rt.get("/v1/admin/waitlist?service_id=brows", token=owner).json()["entries"]
    assert not [e for e in waiting if e["phone"] in phones]
