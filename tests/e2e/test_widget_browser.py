"""The booking page as a salon's client uses it on a phone (390x844), in Russian, Spanish and English:
it opens on the first day with free times, books with a one-time code, keeps a subscribed client's
consent when they book again, and works inside embed.js's overlay on the salon's own site (another
origin), sized to its content."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from e2e.console import PHONE, axe_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


@pytest.fixture
def phone_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    context = browser.new_context(
        locale=request.param, timezone_id="Europe/Berlin", viewport={"width": PHONE[0], "height": PHONE[1]}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], errors


def _today(rt: Any) -> date:
    return datetime.fromisoformat(rt.get("/local/clock").json()["now"]).date()


def _a_sunday_far_ahead(rt: Any) -> date:
    """A Sunday past the demo's upcoming bookings (three weeks) and other tests' days: the salon is closed."""
    day = _today(rt) + timedelta(days=36)
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _codes(rt: Any, phone: str) -> list[str]:
    """The one-time codes ``phone`` received (in its language: the texts differ, the six digits do not)."""
    codes: list[str] = []
    for _ in range(100):
        codes = [
            m.group(1)
            for x in rt.sms(phone, "")
            if "http" not in x["text"] and (m := re.search(r"\b(\d{6})\b", x["text"]))
        ]
        if codes:
            break
        time.sleep(0.2)
    return codes


def _code(rt: Any, phone: str) -> str:
    codes = _codes(rt, phone)
    assert codes, f"no code reached {phone}"
    return codes[-1]


def _client(rt: Any, phone: str) -> dict[str, Any]:
    token = rt.token("demo")
    found = rt.get(f"/v1/admin/clients?q={phone.replace('+', '%2B')}", token=token).json()["clients"]
    (summary,) = [c for c in found if c["phone"] == phone]
    return rt.get(f"/v1/admin/clients/{summary['id']}", token=token).json()


@pytest.mark.parametrize("phone_page", ["ru-RU"], indirect=True)
def test_a_client_opens_on_a_closed_day_lands_on_the_first_free_one_books_and_keeps_consent(
    demo_runtime: Any, phone_page: Any
):
    rt, page = demo_runtime, phone_page
    sunday = _a_sunday_far_ahead(rt)
    strip = rt.get(f"/v1/salons/demo/availability?service_id=manicure&from={sunday}&days=14").json()
    assert strip["days"][0] == {"date": sunday.isoformat(), "state": "closed", "free_times": 0}
    first_free = next(d["date"] for d in strip["days"] if d["state"] == "free")

    # a ru-RU browser: the page in Russian; the Sunday asked for says it is closed and the first free day opens
    page.goto(f"{rt.base_url}/book.html?salon=demo&service=manicure&date={sunday}")
    page.wait_for_selector("#slots button")
    assert page.get_attribute("html", "lang") == "ru"
    assert page.inner_text("#salon-name") == "Запись в Studio Demo"
    assert "Oranienstraße 25" in page.inner_text("#salon-address")
    assert page.get_attribute(f'#days button[data-date="{sunday}"]', "data-state") == "closed"
    assert page.get_attribute(f'#days button[data-date="{first_free}"]', "aria-pressed") == "true"
    assert "выходной" in page.inner_text("#landed")
    assert page.locator("#slots h3").first.inner_text() in ("Утро", "День", "Вечер")
    assert page.inner_text("#service-description")
    manicure = next(s for s in rt.get("/v1/salons/demo/catalog").json()["services"] if s["id"] == "manicure")
    # the length and the price in full under the select, which a phone may cut short: 45 мин · 30,00 €
    facts = page.inner_text("#service-facts")
    assert facts.startswith(f"{manicure['duration_minutes']} мин · ") and "€" in facts
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]  # nothing wider than the phone
    shoot(page, "widget-strip-ru", full_page=True)

    # a tap on a time: it is pressed, the form comes into view with the name focused
    time_button = page.locator("#slots button").first
    start, staff = time_button.get_attribute("data-start"), time_button.get_attribute("data-staff")
    time_button.click()
    assert time_button.get_attribute("aria-pressed") == "true"
    page.wait_for_function("document.activeElement && document.activeElement.id === 'name'")
    page.wait_for_function("document.querySelector('#details').getBoundingClientRect().top < innerHeight / 2")
    assert page.get_attribute("#privacy", "href") == "https://studio-demo.example/privacy"

    # errors beside the field, in the client's words
    page.fill("#name", "Ольга Смирнова")
    page.fill("#phone", "12")
    page.click("#book")
    assert page.inner_text("#phone-error").startswith("Введите номер телефона")
    assert page.get_attribute("#phone", "aria-invalid") == "true"
    assert axe_violations(page) == []
    shoot(page, "widget-form-ru", full_page=True)

    # a new phone: a code, then booked; the client's language goes with the booking
    number = f"{uuid.uuid4().int % 10**8:08d}"
    phone = f"+49151{number}"
    page.fill("#phone", f"0151 {number}")
    page.check("#marketing")
    page.click("#book")
    page.wait_for_selector("#code-form")
    page.fill("#code", _code(rt, phone))
    page.click("#code-confirm")
    page.wait_for_selector("#done")
    assert page.inner_text("#done-text").startswith("Вы записаны")
    # the time booked is gone at once (for that staff member: another may still be free then)
    assert page.locator(f'#slots button[data-start="{start}"][data-staff="{staff}"]').count() == 0
    client = _client(rt, phone)
    assert client["locale"] == "ru"
    assert client["consents"]["marketing"]["granted"] is True

    # booked again from this browser: the box shows the consent as it stands, and booking keeps it
    page.goto(f"{rt.base_url}/book.html?salon=demo&service=manicure&date={first_free}")
    page.locator("#slots button").first.click()
    page.fill("#name", "Ольга Смирнова")
    page.fill("#phone", f"0151 {number}")
    page.wait_for_function("document.querySelector('#marketing').checked")
    assert "Снимите галочку" in page.inner_text("#marketing-hint")
    page.click("#book")
    page.wait_for_selector("#done")  # the proof kept from the code: no new code
    assert _client(rt, phone)["consents"]["marketing"]["granted"] is True
    assert len(_codes(rt, phone)) == 1

    # the switch: the same page in Spanish, kept in the address
    page.click("#book-another")
    page.click("button[lang=es]")
    assert page.inner_text("#salon-name") == "Reserva en Studio Demo"
    assert "lang=es" in page.url
    # nothing fits: the waitlist's form (days from the strip, parts of the day, consent), axe-clean
    page.click("#waitlist-open")
    page.wait_for_selector("#waitlist")
    assert page.locator("input[name=wish-part]").count() == 3
    page.click("#waitlist-join")
    # each error in words beside what it is about: the parts of the day, the consent
    parts_error = page.locator("fieldset:has(input[name=wish-part]) #wish-parts-error")
    assert "Elige al menos una parte del día" in parts_error.inner_text()
    assert page.locator("#wish-consent-error").is_visible()
    assert page.get_attribute("#wish-consent", "aria-invalid") == "true"
    assert axe_violations(page) == []
    shoot(page, "widget-waitlist-es", full_page=True)


HOST_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peluquería del barrio</title></head>
<body><h1>Peluquería del barrio</h1><p>Reserva tu cita:</p>
<script src="{base}/embed.js" data-salon="demo" async></script></body></html>"""


@pytest.fixture
def salon_site(demo_runtime: Any) -> Iterator[str]:
    """The salon's own site: a page on a second loopback port (another origin) with the one script tag."""
    body = HOST_PAGE.format(base=demo_runtime.base_url).encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _fits(page: Any, within_ms: int = 5000) -> bool:
    """Whether the overlay's iframe is, or becomes within ``within_ms``, as tall as the booking page
    inside it: the page posts its height as it changes (its times come in after it first shows), and
    the overlay follows on the next message."""
    for _ in range(within_ms // 100):
        frame_height = page.eval_on_selector("dialog iframe", "f => f.getBoundingClientRect().height")
        inner = (
            page.frame_locator("dialog iframe")
            .locator("body")
            .evaluate("b => b.getBoundingClientRect().height")
        )
        if abs(frame_height - inner) <= 1:
            return True
        page.wait_for_timeout(100)
    return False


@pytest.mark.parametrize("phone_page", ["es-ES"], indirect=True)
def test_a_salon_site_on_another_origin_opens_the_booking_page_in_an_overlay_sized_to_it(
    demo_runtime: Any, phone_page: Any, salon_site: str
):
    rt, page = demo_runtime, phone_page
    page.goto(salon_site)
    button = page.locator("button[aria-haspopup=dialog]")
    assert button.inner_text() == "Reservar"  # the site's language
    page.wait_for_function(  # the salon's colour, from its catalog
        "getComputedStyle(document.querySelector('button[aria-haspopup=dialog]')).backgroundColor === 'rgb(123, 63, 228)'"
    )
    button.click()
    frame = page.frame_locator("dialog iframe")
    frame.locator("#slots button").first.wait_for()
    assert page.evaluate("document.querySelector('dialog').open")
    page.wait_for_function("parseFloat(document.querySelector('dialog iframe').style.height) > 0")
    assert _fits(page)
    assert frame.locator("#salon-name").inner_text() == "Reserva en Studio Demo"
    assert frame.locator("a[href='/'], a[href$='/index.html']").count() == 0  # never the console
    # a message from any other origin than the pages' is ignored
    before = page.eval_on_selector("dialog iframe", "f => f.style.height")
    page.evaluate("postMessage({source: 'regulars', type: 'height', height: 5}, '*')")
    page.wait_for_timeout(100)
    assert page.eval_on_selector("dialog iframe", "f => f.style.height") == before

    # book inside the overlay, on a day four weeks ahead (the strip's later days): it grows with the
    # form, and fits again
    frame.locator("#later").click()
    frame.locator("#later").click()
    frame.locator('#days button[data-state="free"]').first.click()
    frame.locator("#slots button").last.click()
    frame.locator("#name").fill("Lucía García")
    page.wait_for_function(
        "document.querySelector('dialog iframe').getBoundingClientRect().height > 844"
    )  # the form below the times: taller than the phone's screen, the overlay scrolls
    assert _fits(page)
    number = f"{uuid.uuid4().int % 10**7:07d}"
    phone = f"+49170{number}"
    frame.locator("#phone").fill(f"0170 {number}")
    frame.locator("#book").click()
    frame.locator("#code").fill(_code(rt, phone))
    frame.locator("#code-confirm").click()
    frame.locator("#done").wait_for()
    assert frame.locator("#done-text").inner_text().startswith("Reservado")
    assert _client(rt, phone)["locale"] == "es"
    # the overlay scrolled to the confirmation (the page inside has no scroll of its own)
    for _ in range(30):
        box = frame.locator("#done").bounding_box()
        if box and 0 <= box["y"] < PHONE[1] - 40:
            break
        page.wait_for_timeout(100)
    assert box and 0 <= box["y"] < PHONE[1] - 40, box
    shoot(page, "widget-embedded-es", full_page=False)

    # Esc in the booking page closes the overlay and gives the focus back to the button
    frame.locator("#book-another").press("Escape")
    page.wait_for_function("!document.querySelector('dialog').open")
    assert page.evaluate("document.activeElement === document.querySelector('button[aria-haspopup=dialog]')")
