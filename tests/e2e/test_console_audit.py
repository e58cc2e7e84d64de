"""The audit trail as the owner reads it in Chromium: a bonus adjustment made a moment ago is the newest
entry, in words with the client's name and the amount in the salon's currency; the trail is filtered by
kind; a range that ends before it starts is refused beside its field; a role that may not read the trail
is not offered it. Axe-clean, translated, without ids."""

from __future__ import annotations

import json
import uuid

import pytest
from e2e.console import CATALOGS, PHONE, check_screen, close, open_console

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

WORDS = {
    lang: json.loads((CATALOGS / "screens" / "audit" / "messages" / f"{lang}.json").read_text("utf-8"))
    for lang in ("en", "es")
}


def test_the_owner_reads_who_changed_what_and_the_desk_is_not_offered_it(demo_runtime, browser):
    owner = demo_runtime.token("demo")
    client = demo_runtime.get("/v1/admin/clients?limit=1", token=owner).json()["clients"][0]
    url = f"/v1/admin/clients/{client['id']}/loyalty/adjustments"
    given = demo_runtime.post(
        url,
        token=owner,
        json={"amount": 300, "reason": "audit trail check"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert given.status_code == 201, given.text
    es = WORDS["es"]
    page = open_console(browser, demo_runtime, lang="es", size=PHONE, path="/audit")
    try:
        page.wait_for_selector("table.audit tbody tr")
        newest = page.locator("table.audit tbody tr").first
        page.wait_for_function(  # the clients' names come after the trail
            "n => document.querySelector('table.audit tbody tr').innerText.includes(n)", arg=client["name"]
        )
        cells = newest.locator("td").all_inner_texts()
        what, who = newest.locator(".what").inner_text(), newest.locator(".who").inner_text()
        assert what == es["audit.action.loyalty.adjusted"]
        assert client["name"] in cells[1] and "3,00" in cells[1] and "€" in cells[1]
        assert newest.locator("a").get_attribute("href") == f"/clients/{client['id']}"
        entries = demo_runtime.get("/v1/admin/audit", token=owner).json()["entries"]
        assert page.locator("table.audit tbody tr").count() == len(entries)
        assert who == entries[0]["by"].removeprefix("admin:")
        check_screen(page, "es", "audit")

        page.select_option("select[name=kind]", "bonus")
        bonus = [e for e in entries if e["action"].startswith("loyalty.")]
        page.wait_for_function(
            "n => document.querySelectorAll('table.audit tbody tr').length === n", arg=len(bonus)
        )

        page.fill("input[name=from]", "2026-12-31")
        page.fill("input[name=to]", "2026-01-01")
        page.click("#audit-show")
        page.wait_for_selector(".field.invalid .error")
        assert page.inner_text(".field.invalid .error") == es["audit.err.order"]
    finally:
        close(page)
        taken = demo_runtime.post(
            url,
            token=owner,
            json={"amount": -300, "reason": "audit trail check undone"},
            headers={"Idempotency-Key": str(uuid.uuid4())},
        )
        assert taken.status_code == 201, taken.text

    page = open_console(browser, demo_runtime, path="/calendar")
    try:
        page.click('header.top nav a[href="/audit"]')
        page.wait_for_selector("table.audit tbody tr")
        assert page.locator('table.audit tr[data-action="loyalty.adjusted"]').count() >= 2
        page.wait_for_function(
            "n => document.querySelector('table.audit tbody tr').innerText.includes(n)", arg=client["name"]
        )
        check_screen(page, "en", "audit")
    finally:
        close(page)

    desk = open_console(browser, demo_runtime, role="reception", path="/audit")
    try:
        desk.wait_for_selector("main")
        assert desk.locator('header.top nav a[href="/audit"]').count() == 0
        assert desk.locator("table.audit").count() == 0
    finally:
        close(desk)
