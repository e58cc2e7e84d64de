"""Several services in one visit, booked from the desk on a phone in Spanish: two services back to back
with one staff member, seen as one visit in the calendar (each service an event in the staff member's
column, one line in the list, one drawer that lists both)."""

from __future__ import annotations

import random
import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from e2e.console import PHONE, check_screen, close, open_console

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

ZONE = ZoneInfo("Europe/Berlin")  # the demo salon's


def _letters(n: int = 6) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n)).capitalize()


def test_two_services_back_to_back_are_booked_from_the_desk_and_shown_as_one_visit(demo_runtime, browser):
    rt = demo_runtime
    owner = rt.token("demo")
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"]).astimezone(ZONE)
    # a day a month ahead, away from the days other tests book on
    for n in range(30, 50):
        day = (now + timedelta(days=n)).date().isoformat()
        query = f"service_ids=brows,manicure&staff_id=sofia&date={day}"
        chains = rt.get(f"/v1/salons/demo/slots?{query}").json()["slots"]
        if chains:
            break
    else:
        raise AssertionError("no day with brows and manicure back to back at Sofia's")
    chosen = chains[len(chains) // 2]
    start = datetime.fromisoformat(chosen["start"])
    assert [s["service_id"] for s in chosen["segments"]] == ["brows", "manicure"]

    page = open_console(
        browser, rt, lang="es", size=PHONE, token=owner, path=f"/calendar?date={day}&staff=sofia"
    )
    page.wait_for_selector(".calendar .ec")
    name = f"{_letters()} {_letters(8)}"
    page.click("#new-visit")
    page.click("#booking-new-client")
    page.fill("dialog[open] input[name=name]", name)
    page.fill("dialog[open] input[name=phone]", f"0152 {random.randint(10**7, 10**8 - 1)}")
    page.select_option("dialog[open] select[name=staff]", "sofia")
    page.select_option("dialog[open] select[name=service]", "brows")
    page.click("#booking-add-service")
    page.select_option("dialog[open] select[name=staff-2]", "sofia")
    page.select_option("dialog[open] select[name=service-2]", "manicure")
    page.fill("dialog[open] input[name=date]", day)
    page.fill("dialog[open] input[name=time]", start.strftime("%H:%M"))
    check_screen(page, "es", "booking-two-services", include="dialog[open]")
    page.click("dialog[open] button[type=submit]")
    page.wait_for_selector("dialog[open] form.booking", state="detached")

    book = rt.get(f"/v1/admin/appointments?from={day}&staff_id=sofia", token=owner).json()["appointments"]
    (visit,) = [a for a in book if a["client_name"] == name]
    assert [(s["service_id"], s["staff_id"]) for s in visit["segments"]] == [
        ("brows", "sofia"),
        ("manicure", "sofia"),
    ]
    assert datetime.fromisoformat(visit["start"]) == start
    assert visit["segments"][0]["end"] == visit["segments"][1]["start"]  # back to back
    assert visit["price"]["amount"] == 2500 + 3000

    # one visit: two events (one per service) in Sofia's column, one line in the list, one drawer
    page.wait_for_selector(f'.agenda-item[data-id="{visit["id"]}"]')
    assert page.locator(".ec-event.ev-part", has_text=name).count() == 2
    assert page.locator(".agenda-item", has_text=name).count() == 1
    assert "Manicure" in page.inner_text(f'.agenda-item[data-id="{visit["id"]}"]')
    check_screen(page, "es", "calendar-two-services")
    page.click(f'.agenda-item[data-id="{visit["id"]}"]')
    page.wait_for_selector("#visit-services")
    assert page.locator("#visit-services li").count() == 2
    check_screen(page, "es", "visit-two-services", include="dialog[open]")
    close(page)
