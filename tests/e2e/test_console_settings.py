"""The console's settings in Chromium against the demo salon: the salon's name changed and set back, a
new service priced as the desk types it, a new staff member's hours saved as entered, a reception user
invited and removed; invalid values refused in words beside their field with nothing changed; each
section shown only to the roles whose operations allow it; axe-clean, translated, without ids.

The demo salon is shared by every browser test: only what these tests add is changed, and it is taken
out of the book again at the end."""

from __future__ import annotations

import json
import uuid

import pytest
from e2e.console import CATALOGS, PHONE, check_screen, close, open_console

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

WORDS = {
    lang: json.loads((CATALOGS / "screens" / "settings" / "messages" / f"{lang}.json").read_text("utf-8"))
    for lang in ("en", "ru", "es")
}


def _saved(page, text: str) -> None:
    page.wait_for_function("t => document.querySelector('.notice').innerText.includes(t)", arg=text)


def test_the_owner_changes_the_salon_adds_a_service_and_invites_the_desk(demo_runtime, browser):
    owner = demo_runtime.token("demo")
    en = WORDS["en"]
    before = demo_runtime.get("/v1/admin/salon", token=owner).json()
    page = open_console(browser, demo_runtime, path="/calendar")
    page.click('header.top nav a[href="/settings"]')
    page.wait_for_selector("#salon-form")
    assert page.locator("nav.tabs a").all_inner_texts() == [
        en["settings.section.salon"],
        en["settings.section.services"],
        en["settings.section.staff"],
        en["settings.section.team"],
    ]
    assert page.input_value("#salon-form select[name=timezone]") == before["timezone"]
    check_screen(page, "en", "settings-salon")

    # a manager phone the feedback step could not text: refused beside the field, nothing saved
    page.click("#add-phone")
    page.fill("input[name=phone-0]", "0170 123")
    page.click("#salon-save")
    page.wait_for_selector(".field.invalid .error")
    assert page.inner_text(".field.invalid .error") == en["settings.err.phone"]
    assert demo_runtime.get("/v1/admin/salon", token=owner).json() == before
    page.click(f'button[aria-label="{en["settings.salon.removePhone"].replace("{n}", "1")}"]')

    # the name changed, seen by the API and the header, then set back
    renamed = before["name"] + " Centro"
    page.fill("#salon-form input[name=name]", renamed)
    page.click("#salon-save")
    _saved(page, en["settings.salon.saved"])
    assert demo_runtime.get("/v1/admin/salon", token=owner).json()["name"] == renamed
    assert page.inner_text("header.top .salon-name") == renamed
    page.fill("#salon-form input[name=name]", before["name"])
    page.click("#salon-save")
    page.wait_for_function(
        "n => document.querySelector('header.top .salon-name').innerText === n", arg=before["name"]
    )
    assert demo_runtime.get("/v1/admin/salon", token=owner).json() == before

    # a new service, its price typed with a decimal comma
    page.click("#settings-tab-services")
    page.wait_for_selector("#services-table")
    name = f"Gloss {uuid.uuid4().hex[:6]}"
    page.click("#service-add")
    page.fill("#service-form input[name=name]", name)
    page.fill("#service-form input[name=price]", "28,50")
    page.fill("#service-form input[name=duration]", "45")
    page.fill("#service-form input[name=repeat]", "42")
    page.click("#service-save")
    _saved(page, name)
    (added,) = [s for s in demo_runtime.get("/v1/admin/services", token=owner).json() if s["name"] == name]
    assert (
        added["price"]["amount"],
        added["duration_minutes"],
        added["repeat_interval_days"],
        added["active"],
    ) == (
        2850,
        45,
        42,
        True,
    )
    row = page.locator(f'#services-table tr[data-service="{added["id"]}"]')
    assert row.locator(".price").inner_text() == "€28.50"

    # a price that cannot be read: refused in words beside it, the service as it was
    row.locator("button.edit").click()
    assert page.input_value("#service-form input[name=price]") == "28.50"
    page.fill("#service-form input[name=price]", "28,5,0")
    page.click("#service-save")
    page.wait_for_selector("#service-form .field.invalid .error")
    assert page.inner_text("#service-form .field.invalid .error") == en["settings.err.price"].replace(
        "{example}", "28.50"
    )
    check_screen(page, "en", "settings-service-form")
    page.keyboard.press("Escape")
    assert [
        s for s in demo_runtime.get("/v1/admin/services", token=owner).json() if s["id"] == added["id"]
    ] == [added]
    check_screen(page, "en", "settings-services")

    # the team: a reception user invited, listed with the role in words, then removed after a confirmation
    page.click("#settings-tab-team")
    page.wait_for_selector("#team-table")
    email = f"desk-{uuid.uuid4().hex[:6]}@demo.test"
    page.fill("#team-invite input[name=email]", email)
    page.select_option("#team-invite select[name=role]", "reception")
    page.click("#team-invite-send")
    invited = page.locator(f'#team-table tr[data-member="{email}"]')
    invited.wait_for()
    assert invited.locator("select[name=role]").input_value() == "reception"
    team = demo_runtime.get("/v1/admin/team", token=owner).json()["members"]
    assert [m["role"] for m in team if m["email"] == email] == ["reception"]
    check_screen(page, "en", "settings-team")
    invited.locator("button.remove").click()
    page.wait_for_selector("dialog[open] #team-remove-confirm")
    check_screen(page, "en", "settings-team-remove")
    page.click("#team-remove-confirm")
    invited.wait_for(state="detached")
    team = demo_runtime.get("/v1/admin/team", token=owner).json()["members"]
    assert [m for m in team if m["email"] == email] == []
    # the new service out of the book again: the other browser tests read the demo's catalog
    demo_runtime.request("PATCH", f"/v1/admin/services/{added['id']}", token=owner, json={"active": False})
    close(page)


def test_a_manager_adds_a_staff_member_with_hours_on_a_phone_in_spanish(demo_runtime, browser):
    owner = demo_runtime.token("demo")
    es = WORDS["es"]
    page = open_console(browser, demo_runtime, lang="es", size=PHONE, role="manager", path="/settings/team")
    page.wait_for_selector("#salon-form")  # no team for a manager: the first section they may open
    assert page.locator("#settings-tab-team").count() == 0
    assert page.locator("nav.tabs a").count() == 3
    check_screen(page, "es", "settings-salon")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    page.click("#settings-tab-staff")
    page.wait_for_selector("#staff-list")
    name = f"Lucía Prueba {uuid.uuid4().hex[:4]}"
    page.click("#staff-add")
    form = page.locator("#staff-form")
    form.locator("input[name=name]").fill(name)
    form.locator("input[name=mon-span-from-0]").fill("10:00")
    form.locator("input[name=mon-span-to-0]").fill("14:00")
    form.locator("button[name=add-span-mon]").click()
    form.locator("input[name=mon-span-from-1]").fill("15:00")
    form.locator("input[name=mon-span-to-1]").fill("19:00")
    form.locator("input[name=off-tue]").check()
    form.locator("button[name=add-break-wed]").click()
    form.locator("input[name=day-off]").fill("2027-01-06")
    form.locator("#day-off-add").click()
    # an end before its start: refused beside the span, nothing added
    form.locator("input[name=thu-span-to-0]").fill("08:00")
    form.locator("#staff-save").click()
    form.locator('[data-day="thu"] .field.invalid .error').wait_for()
    assert (
        form.locator('[data-day="thu"] .field.invalid .error').inner_text()
        == es["settings.err.endAfterStart"]
    )
    assert [m for m in demo_runtime.get("/v1/admin/staff", token=owner).json() if m["name"] == name] == []
    check_screen(page, "es", "settings-staff-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    form.locator("input[name=thu-span-to-0]").fill("18:00")
    form.locator("#staff-save").click()
    _saved(page, name)
    (added,) = [m for m in demo_runtime.get("/v1/admin/staff", token=owner).json() if m["name"] == name]
    assert added["working_hours"] == {
        "mon": [["10:00", "14:00"], ["15:00", "19:00"]],
        "wed": [["09:00", "18:00"]],
        "thu": [["09:00", "18:00"]],
        "fri": [["09:00", "18:00"]],
        "sat": [["09:00", "18:00"]],
    }
    assert added["breaks"] == {"wed": [["13:00", "14:00"]]}
    assert added["days_off"] == ["2027-01-06"]
    page.locator(f'#staff-list li[data-staff="{added["id"]}"]').wait_for()
    check_screen(page, "es", "settings-staff")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    close(page)
    # out of the book again: the other browser tests read the demo's staff
    demo_runtime.request("PATCH", f"/v1/admin/staff/{added['id']}", token=owner, json={"active": False})

    desk = open_console(browser, demo_runtime, role="reception", path="/settings")
    desk.wait_for_selector("header.top nav a")
    assert desk.locator('header.top nav a[href="/settings"]').count() == 0
    assert desk.locator("#settings-title").count() == 0
    close(desk)
