"""The client's manage and feedback pages on a phone, in Spanish, against the running local runtime:
the visit's calendar file downloaded and parsed, a move by 15 minutes into its own time with the
confirmation step (the file follows it), the bonus and what burns when, the offers switch, and five
stars that are a radio group."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import requests
from e2e.console import axe_violations, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

PHONE_VIEWPORT = {"width": 390, "height": 844}


def _movable_visit(rt) -> tuple[str, str]:
    """A day three weeks or more ahead and a free brows time there whose next quarter hour is free too."""
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    for n in range(21, 45):
        day = (now + timedelta(days=n)).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id=brows&date={day}").json()["slots"]
        free = {(s["staff_id"], datetime.fromisoformat(s["start"])) for s in slots}
        for staff, start in sorted(free, key=lambda x: x[1], reverse=True):
            if (staff, start + timedelta(minutes=15)) in free:
                return staff, start.isoformat()
    raise AssertionError("no movable brows time in the coming weeks")


def _event(download) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    return event


def test_a_client_in_spanish_adds_the_visit_to_a_calendar_moves_it_and_rates_with_stars(
    demo_runtime, browser
):
    rt = demo_runtime
    token = rt.token("demo")
    phone = f"+49170{uuid.uuid4().int % 10**7:07d}"
    staff, start = _movable_visit(rt)
    booked = rt.post(
        "/v1/salons/demo/appointments",
        json={
            "service_id": "brows",
            "staff_id": staff,
            "start": start,
            "client": {"name": "Lucía Fernández", "phone": phone, "locale": "es"},
            "phone_proof": rt.prove(phone),
        },
    )
    assert booked.status_code == 201, booked.text
    visit = booked.json()["appointment"]
    manage_url = booked.json()["manage_url"]
    client_id = rt.get(f"/v1/admin/appointments/{visit['id']}", token=token).json()["client_id"]
    bonus = rt.post(
        f"/v1/admin/clients/{client_id}/loyalty/adjustments",
        token=token,
        json={"amount": 750, "reason": "Welcome bonus"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert bonus.status_code in (200, 201), bonus.text

    context = browser.new_context(
        locale="es-ES", timezone_id="Europe/Madrid", viewport=PHONE_VIEWPORT, accept_downloads=True
    )
    page = context.new_page()
    errors: list[str] = []
    seen: dict[str, list] = {}  # axe-core's serious and critical findings, by page and state
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(manage_url)
        page.wait_for_selector("#slots button")
        page.wait_for_selector("#bonus-balance")
        assert "Cambiar a otra hora" in page.inner_text("#move-title")
        assert "7,50" in page.inner_text("#bonus-balance")
        assert "caduca" in page.inner_text("#bonus-burns")
        with page.expect_download() as first:
            page.click("#ics")
        booked_event = _event(first.value)
        assert booked_event["SEQUENCE"] == 0 and booked_event["STATUS"] == "CONFIRMED"
        assert booked_event.decoded("DTSTART") == datetime.fromisoformat(start)

        # 15 minutes later overlaps the visit itself: offered, and moved only after a yes
        later = (datetime.fromisoformat(start) + timedelta(minutes=15)).isoformat()
        slot = page.locator(f'#slots button[data-start="{later}"]')
        slot.click()
        assert slot.get_attribute("aria-pressed") == "true"
        page.wait_for_selector("#move-ask")
        assert "¿Cambiar tu cita" in page.inner_text("#move-ask-text")
        assert rt.get(f"/v1/admin/appointments/{visit['id']}", token=token).json()["start"] == visit["start"]
        shoot(page, "manage-move-ask-es")
        seen["manage, move asked"] = axe_violations(page)
        page.click("#move-yes")
        page.wait_for_function("document.querySelector('#message').textContent.startsWith('Hecho')")
        assert datetime.fromisoformat(
            rt.get(f"/v1/admin/appointments/{visit['id']}", token=token).json()["start"]
        ) == datetime.fromisoformat(later)
        with page.expect_download() as second:
            page.click("#ics")
        moved_event = _event(second.value)
        assert moved_event["UID"] == booked_event["UID"] and moved_event["SEQUENCE"] == 1
        assert moved_event.decoded("DTSTART") == datetime.fromisoformat(later)

        # the offers switch: off as booked, on with a tap, recorded with its evidence
        switch = page.locator("#offers")
        assert switch.get_attribute("role") == "switch" and switch.get_attribute("aria-checked") == "false"
        switch.click()
        page.wait_for_function("document.querySelector('#offers').getAttribute('aria-checked') === 'true'")
        consent = rt.get(f"/v1/admin/clients/{client_id}", token=token).json()["consents"]["marketing"]
        assert consent["granted"] is True and consent["source"] == "manage_link"
        page.click("#cancel")
        page.wait_for_selector("#cancel-form")
        shoot(page, "manage-es")
        seen["manage, cancel form"] = axe_violations(page)

        # a visit done today: the feedback link from the phone, five stars as radios, a comment
        done = _visit_done_today(rt, token, client_id)
        assert (
            rt.post(
                f"/v1/admin/appointments/{done.json()['id']}/complete",
                token=token,
                json={"paid_amount": 1500},
            ).status_code
            == 200
        )
        page.goto(_feedback_link(rt, phone))
        page.wait_for_selector("#stars")
        radios = page.locator("#stars input[type=radio]")
        assert radios.count() == 5
        box = page.locator("label[for=star-5]").bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44
        page.click("label[for=star-4]")
        assert page.is_checked("#star-4") and not page.is_checked("#star-5")
        page.focus("#star-4")
        page.keyboard.press("ArrowRight")  # a radio group: the arrow moves the choice
        assert page.is_checked("#star-5")
        assert page.inner_text("#rated") == "Has elegido 5 de 5."
        shoot(page, "feedback-es")
        seen["feedback"] = axe_violations(page)
        page.fill("#comment", "¡Perfecto!")
        page.click("#send")
        # the demo salon has no review links (the API's tests show them after a happy rating)
        page.wait_for_function("document.querySelector('#message').textContent.length > 0")
        assert page.inner_text("#message") == "Gracias por contárnoslo." and page.is_hidden("#form")
        assert errors == [], errors
        assert seen == {"manage, move asked": [], "manage, cancel form": [], "feedback": []}
    finally:
        context.close()


def _feedback_link(rt, phone: str) -> str:
    """The feedback link the salon texts the client after the visit (two hours after it, out of the
    quiet hours): the clock moved until it comes; a short link is followed to the page's."""
    rt.drain()  # the visit's completion is seen at once (an event seen hours later asks nothing)
    for _ in range(8):
        for m in rt.get("/local/phone").json()["messages"]:
            for url in re.findall(r"https?://\S+", m["text"]) if m.get("to") == phone else []:
                url = url.rstrip(".,)")
                if "feedback.html" in url:
                    return url
                if "/s/" in url:  # a short link: where it leads
                    target = requests.get(url, allow_redirects=False, timeout=10).headers["Location"]
                    if "feedback.html" in target:
                        return target
        rt.advance(125)
        rt.drain()
    raise AssertionError(f"no feedback link reached {phone}")


def _visit_done_today(rt, token: str, client_id: str):
    """A brows visit of the client that began a while before the runtime's now (at the first time no
    other visit holds), not yet checked out."""
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    start = now.replace(second=0, microsecond=0) - timedelta(minutes=now.minute % 5 + 60)
    staff = [
        m["id"] for m in rt.get("/v1/salons/demo/catalog").json()["staff"] if "brows" in m["service_ids"]
    ]
    for n in range(48):
        made = rt.post(
            "/v1/admin/appointments",
            token=token,
            json={
                "service_id": "brows",
                "staff_id": staff[n % len(staff)],
                "start": start.isoformat(),
                "outside_hours": True,
                "client_id": client_id,
            },
        )
        if made.status_code == 201:
            return made
        start -= timedelta(minutes=5)
    raise AssertionError(made.text)
