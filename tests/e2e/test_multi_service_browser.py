"""Several services in one visit, in the browser on a phone (390x844) in Spanish: a client books two
services back to back on the booking page, and the salon sees one visit in the console's calendar
(each service an event in the staff member's column, one line in the list, one drawer that lists both)."""

from __future__ import annotations

import random
import re
import string
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from e2e.console import PHONE, axe_violations, check_screen, close, open_console, shoot

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


def _code(rt: Any, phone: str) -> str:
    for _ in range(100):
        codes = [
            m.group(1)
            for x in rt.sms(phone, "")
            if "http" not in x["text"] and (m := re.search(r"\b(\d{6})\b", x["text"]))
        ]
        if codes:
            return codes[-1]
        time.sleep(0.2)
    raise AssertionError(f"no code reached {phone}")


def test_two_services_back_to_back_booked_on_the_booking_page_are_one_visit_in_the_calendar(
    demo_runtime, browser
):
    rt = demo_runtime
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    # a day a month ahead, away from the days other tests book on, when Sofia can do both in a row
    for n in range(30, 50):
        day = (now + timedelta(days=n)).date().isoformat()
        chains = rt.get(f"/v1/salons/demo/slots?service_ids=brows,manicure&staff_id=sofia&date={day}").json()[
            "slots"
        ]
        if chains:
            break
    else:
        raise AssertionError("no day with brows and manicure back to back at Sofia's")

    context = browser.new_context(
        locale="es-ES", timezone_id="Europe/Berlin", viewport={"width": PHONE[0], "height": PHONE[1]}
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{rt.base_url}/book.html?salon=demo&service=brows&date={day}")
    page.wait_for_selector("#slots button")
    page.click("#add-service")
    page.select_option("#service-2", "manicure")
    # the strip asks about the whole visit: a day is marked free where both services fit in a row
    with page.expect_response(
        lambda r: "/availability?service_ids=brows%2Cmanicure&" in r.url and "staff_id=sofia" in r.url
    ) as strip:
        page.select_option("#staff", "sofia")
    assert {d["date"]: d["free_times"] for d in strip.value.json()["days"]}[day] == len(
        {c["start"] for c in chains}
    )
    page.wait_for_selector(f'#slots button[data-start="{chains[0]["start"]}"]')
    assert page.get_attribute(f'#days button[data-date="{day}"]', "data-state") == "free"
    chosen = chains[len(chains) // 2]
    page.click(f'#slots button[data-start="{chosen["start"]}"]')
    name = "Lucía " + "".join(random.choice(string.ascii_lowercase) for _ in range(8)).capitalize()
    number = f"{uuid.uuid4().int % 10**8:08d}"
    page.fill("#name", name)
    page.fill("#phone", f"0151 {number}")
    page.click("#book")
    page.wait_for_selector("#code-form")
    page.fill("#code", _code(rt, f"+49151{number}"))
    page.click("#code-confirm")
    page.wait_for_selector("#done")
    assert axe_violations(page) == []
    shoot(page, "widget-two-services-es", full_page=True)
    context.close()
    assert errors == [], errors

    owner = rt.token("demo")
    book = rt.get(f"/v1/admin/appointments?from={day}&staff_id=sofia", token=owner).json()["appointments"]
    (visit,) = [a for a in book if a["client_name"] == name]
    assert [(s["service_id"], s["staff_id"]) for s in visit["segments"]] == [
        ("brows", "sofia"),
        ("manicure", "sofia"),
    ]
    assert datetime.fromisoformat(visit["start"]) == datetime.fromisoformat(chosen["start"])
    assert visit["segments"][0]["end"] == visit["segments"][1]["start"]  # back to back
    assert visit["price"]["amount"] == 2500 + 3000

    # the desk: one visit, its two services as two events in Sofia's column, one line, one drawer
    page = open_console(
        browser, rt, lang="es", size=PHONE, token=owner, path=f"/calendar?date={day}&staff=sofia"
    )
    page.wait_for_selector(f'.agenda-item[data-id="{visit["id"]}"]')
    # the calendar draws its events after the agenda's list: its second part drawn, there are two
    page.locator(".ec-event.ev-part", has_text=name).nth(1).wait_for()
    assert page.locator(".ec-event.ev-part", has_text=name).count() == 2
    assert page.locator(".agenda-item", has_text=name).count() == 1
    assert "Manicure" in page.inner_text(f'.agenda-item[data-id="{visit["id"]}"]')
    check_screen(page, "es", "calendar-two-services")
    page.click(f'.agenda-item[data-id="{visit["id"]}"]')
    page.wait_for_selector("#visit-services")
    assert page.locator("#visit-services li").count() == 2
    check_screen(page, "es", "visit-two-services", include="dialog[open]")
    close(page)
