"""The console's campaigns and analytics screens in Chromium against the demo salon: the figures are the
API's, written in the user's language with the console's own words for what each means; a segment is
previewed, a campaign scheduled once however often the button is pressed, and its report read after it
was sent; both screens axe-clean, translated and without ids, on a desktop and on a phone."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from e2e.console import CATALOGS, DESKTOP, PHONE, check_screen, close, open_console

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

WORDS = {
    lang: json.loads((CATALOGS / "screens" / "insights" / "messages" / f"{lang}.json").read_text("utf-8"))
    for lang in ("en", "ru", "es")
}
WORDS_MAIN = {
    lang: json.loads((CATALOGS / "i18n" / f"{lang}.json").read_text("utf-8")) for lang in ("en", "ru", "es")
}


def _both_sizes(page, lang: str, name: str) -> None:
    """The screen as it is now, checked on a desktop and on a phone (the page back at desktop size)."""
    for size in (DESKTOP, PHONE):
        page.set_viewport_size({"width": size[0], "height": size[1]})
        if size == PHONE:  # nothing wider than the phone: wide tables scroll inside their card, and the
            # charts, drawn to the width they had, draw again to the phone's (the screenshot waits for it)
            page.wait_for_function(f"document.documentElement.scrollWidth <= {PHONE[0]}", timeout=5000)
        check_screen(page, lang, name)
    page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})


def test_the_owner_reads_the_analytics_with_their_definitions(demo_runtime, browser):
    owner = demo_runtime.token("demo")
    page = open_console(browser, demo_runtime, path="/analytics")
    page.wait_for_selector('#figures tr[data-figure="visits"]')
    period = f"from={page.input_value('input[name=from]')}&to={page.input_value('input[name=to]')}"
    report = demo_runtime.get(f"/v1/admin/analytics?{period}", token=owner).json()
    assert report["currency"] == "EUR"

    visits = page.locator('#figures tr[data-figure="visits"]')
    assert visits.locator(".value").inner_text() == f"{report['figures']['visits']['value']:,}"
    assert visits.locator(".meaning").inner_text() == WORDS["en"]["analytics.def.visits"]
    revenue = report["figures"]["revenue"]["value"]
    assert page.locator('#figures tr[data-figure="revenue"] .value').inner_text() == f"€{revenue / 100:,.2f}"
    assert page.locator('#figures tr[data-figure="no_show_rate"] .value').inner_text().endswith("%")
    assert page.locator("#figures tbody tr").count() == len(report["figures"])
    assert page.locator("#cohorts tbody tr").count() == len(report["cohorts"]) > 0
    if report["snapshot"]:
        assert f"{report['snapshot']['clients']:,} clients" in page.inner_text("#snapshot")
        assert page.locator("#top-clients tbody tr").count() == len(report["snapshot"]["top_clients"])
    # every series as a chart over a table of its figures; rates as percentages
    assert page.locator("#chart-clients tbody tr").count() == len(report["monthly"])
    assert page.locator("#chart-rates tbody td").first.inner_text().endswith("%")
    assert page.locator("#chart-messages tbody tr").count() == len({m["channel"] for m in report["messages"]})
    # each table as CSV: a BOM for Excel, the header in the user's words, amounts in the currency's unit
    with page.expect_download() as download:
        page.click("#csv-monthly")
    rows = Path(download.value.path()).read_bytes().decode("utf-8")
    assert rows.startswith("\ufeffMonth,Visits,Revenue (EUR),New clients,Returning clients,No-shows\r\n"), (
        rows[:80]
    )
    first = report["monthly"][0]
    euros = round(first["revenue"]) / 100
    assert f"{first['month']},{first['visits']},{int(euros) if euros == int(euros) else euros}," in rows
    assert len(rows.strip().split("\r\n")) == len(report["monthly"]) + 1
    _both_sizes(page, "en", "analytics")

    page.fill("input[name=from]", "2026-09")
    page.fill("input[name=to]", "2026-01")
    page.click("#analytics-show")
    page.wait_for_selector(".field.invalid .error")
    assert page.inner_text(".field.invalid .error") == WORDS["en"]["analytics.err.order"]
    close(page)

    desk = open_console(browser, demo_runtime, role="reception", path="/analytics")  # may see neither
    desk.wait_for_selector("header.top nav a")
    assert (
        desk.locator('header.top nav a[href="/analytics"], header.top nav a[href="/campaigns"]').count() == 0
    )
    assert desk.locator("#analytics-title").count() == 0
    close(desk)


def _segment_named(demo_runtime, token: str, name: str) -> list[dict]:
    return [
        x for x in demo_runtime.get("/v1/admin/segments", token=token).json()["segments"] if x["name"] == name
    ]


def _build_and_save_a_segment(page, demo_runtime, token: str, lang: str) -> None:
    """Three conditions (two statuses, at least two visits, agreed to offers), counted live as the API
    counts them, saved, then deleted from the list: the demo salon is left as it was."""
    page.check("input[name=lifecycle][value=lapsed]")
    page.check("input[name=lifecycle][value=lost]")
    page.fill("input[name=visits_min]", "2")
    page.select_option("select[name=consent_purpose]", "marketing")
    wanted = {
        "lifecycle": ["lapsed", "lost"],
        "visits_min": 2,
        "consent": {"purpose": "marketing", "channel": None},
    }
    asked = demo_runtime.post("/v1/admin/segments/preview", token=token, json=wanted).json()
    assert asked["reachable"] > 0, asked
    page.wait_for_function(  # the count follows the conditions without a button
        "n => document.querySelector('#segment-count')?.textContent.replace(/\\D/g, '') === n && "
        "!document.querySelector('#segment-result').getAttribute('aria-busy')?.includes('true')",
        arg=str(asked["count"]),
    )
    assert page.inner_text("#segment-reachable").replace("\u202f", "").replace("\xa0", "").replace(
        ",", ""
    ) == str(asked["reachable"])
    assert page.locator("#segment-sample tbody tr").count() == min(10, asked["count"])

    page.click("#segment-save")  # no name: said beside the field, nothing saved
    assert page.inner_text("#segment-form .field.invalid .error") == WORDS_MAIN[lang]["common.required"]
    name = f"{'Lapsed' if lang == 'en' else 'Ушедшие'} {uuid.uuid4().hex[:6]}"
    page.fill("input[name=segment_name]", name)
    page.click("#segment-save")
    row = page.locator(f'#segments tr:has(th:text-is("{name}"))')
    row.wait_for()
    saved = _segment_named(demo_runtime, token, name)
    assert len(saved) == 1 and saved[0]["filter"] == {**wanted, "consent": {"purpose": "marketing"}}, saved
    assert row.locator("td.num").inner_text() == "3"
    page.click("#segment-clear")  # the saved one comes back into the builder as it was
    assert not page.is_checked("input[name=lifecycle][value=lost]")
    row.locator("button.use").click()
    assert (
        page.is_checked("input[name=lifecycle][value=lost]")
        and page.input_value("input[name=visits_min]") == "2"
    )
    assert page.input_value("select[name=consent_purpose]") == "marketing"
    if lang == "en":  # changed in place; the other languages' campaigns screen is checked whole after this
        page.fill("input[name=visits_min]", "3")
        page.click("#segment-update")
        page.wait_for_function(
            "n => document.querySelector('#segment-done').textContent.includes(n)", arg=f"“{name}” is changed"
        )
        assert _segment_named(demo_runtime, token, name)[0]["filter"]["visits_min"] == 3
        check_screen(page, lang, "segments")
    row.locator("button.delete").click()
    page.click("#segment-delete-do")
    row.wait_for(state="detached")
    assert _segment_named(demo_runtime, token, name) == []


def test_the_owner_builds_a_segment_schedules_a_campaign_in_two_languages_once_and_reads_its_report(
    demo_runtime, browser
):
    owner = demo_runtime.token("demo")
    page = open_console(browser, demo_runtime, path="/campaigns")
    page.wait_for_selector("#campaign-form")
    _build_and_save_a_segment(page, demo_runtime, owner, "en")

    page.click("#campaign-schedule")  # no name yet: said beside the field, nothing sent
    assert page.inner_text("#campaign-form .field.invalid .error") == "Fill this in."

    name = f"Come back {uuid.uuid4().hex[:6]}"
    page.fill("input[name=name]", name)
    page.select_option("select[name=kind]", "personal_offer")
    page.fill("input[name=bonus]", "5,00")
    page.fill("textarea[name=text-en]", "{name}, {bonus} for your next visit until {expires}: {link}")
    assert page.get_attribute("#text-en-sms", "data-encoding") == "GSM-7"
    page.click("#tab-es")
    page.fill("textarea[name=text-es]", "{name}, tu próxima visita: ")
    page.click('#panel-es button[data-placeholder="link"]')  # put where the cursor is
    assert page.input_value("textarea[name=text-es]") == "{name}, tu próxima visita: {link}"
    # ó is not in the GSM alphabet, but the SMS goes with its look-alike o: still GSM-7
    assert page.get_attribute("#text-es-sms", "data-encoding") == "GSM-7"
    # the estimate: a row per channel of the salon's order, and what it assumes
    page.wait_for_selector("#estimate-channels")
    salon = demo_runtime.get("/v1/admin/salon", token=owner).json()
    order = salon["settings"].get("channel_order") or ["push", "telegram", "whatsapp", "sms"]
    assert page.locator("#estimate-channels tbody tr").count() == len(order)
    assert page.locator("#estimate-assumes li").count() == 4
    # a minute from the application's clock (which other tests move on), on the salon's wall clock
    now = datetime.fromisoformat(demo_runtime.get("/local/clock").json()["now"])
    zone = ZoneInfo(salon["timezone"])
    page.fill("input[name=send_at]", (now + timedelta(minutes=1)).astimezone(zone).strftime("%Y-%m-%dT%H:%M"))
    page.dblclick("#campaign-schedule")  # one Idempotency-Key until it succeeds: one campaign
    page.wait_for_function("document.querySelector('#campaign-done').textContent.length > 0")
    assert name in page.inner_text("#campaign-done")
    ours = [
        c
        for c in demo_runtime.get("/v1/admin/campaigns", token=owner).json()["campaigns"]
        if c["name"] == name
    ]
    assert len(ours) == 1, ours
    assert ours[0]["offer"]["bonus_amount"] == 500 and ours[0]["kind"] == "personal_offer"
    assert ours[0]["messages"] == {
        "en": "{name}, {bonus} for your next visit until {expires}: {link}",
        "es": "{name}, tu próxima visita: {link}",
    }
    assert ours[0]["filter"] == {  # the builder's conditions as they are (the segment's, changed)
        "lifecycle": ["lapsed", "lost"],
        "visits_min": 3,
        "consent": {"purpose": "marketing"},
    }
    campaign_id = ours[0]["id"]

    # its start is due: the ticker hands it to the worker, which splits it into batches, each sent
    # at a later tick (a busy machine may need another minute of the clock for the last one)
    demo_runtime.advance(2)
    demo_runtime.drain()
    for _ in range(3):
        demo_runtime.advance(1)
        demo_runtime.drain()
        view = demo_runtime.get(f"/v1/admin/campaigns/{campaign_id}", token=owner).json()
        if view["status"] == "sent":
            break
    assert view["status"] == "sent" and view["audience"] > 0, view

    later = demo_runtime.post(  # one more, for next month, to be cancelled from the list
        "/v1/admin/campaigns",
        token=owner,
        json={
            "name": f"Later {uuid.uuid4().hex[:6]}",
            "filter": {"lifecycle": ["lost"]},
            "messages": {"en": "{name}, come back: {link}"},
            "send_at": (now + timedelta(days=30)).isoformat(),
        },
    )
    assert later.status_code == 201, later.text

    page.reload()
    row = page.locator(f'#campaigns tr[data-id="{campaign_id}"]')
    row.wait_for()
    assert row.locator(".audience").inner_text() == f"{view['audience']:,}"
    assert row.locator(".badge").inner_text() == WORDS["en"]["campaigns.status.sent"]
    row.locator("button.report").click()
    page.wait_for_selector('#report-figures tr[data-figure="bookings"]')
    report = demo_runtime.get(f"/v1/admin/campaigns/{campaign_id}/report", token=owner).json()
    sent, held = report["groups"]["sent"]["members"], report["groups"]["holdout"]["members"]
    groups = page.inner_text("#report-groups")
    assert f"{sent} client{'s were' if sent != 1 else ' was'} chosen to get it" in groups
    assert f"{held} {'was' if held == 1 else 'were'} held out" in groups
    bookings = page.locator('#report-figures tr[data-figure="bookings"]')
    assert bookings.locator(".sent").inner_text() == f"{report['groups']['sent']['bookings']:,}"
    assert bookings.locator(".meaning").inner_text() == WORDS["en"]["campaigns.def.bookings"]
    assert page.locator("#report-figures tbody tr").count() == 4
    assert page.inner_text("#campaign-cost .messages-sent") == f"{report['messages']['sent']:,}"
    assert row.locator(".languages").inner_text() == "English, Spanish"
    # the report as charts, each with its figures in a table and its meaning in words
    per_client = page.locator('#chart-groups tr[data-key="bookings"] td')
    assert per_client.count() == 2
    assert (
        page.locator("#chart-groups canvas, #chart-groups-revenue canvas, #chart-return canvas").count() == 3
    )
    if report["incremental"]["bookings"] is not None:
        added = page.locator('#chart-added tr[data-key="bookings"]')
        value = report["incremental"]["bookings"]["value"]
        assert added.locator(".value").inner_text() == (
            f"{int(value):,}" if value == int(value) else f"{value:,}"
        )
    assert WORDS["en"]["campaigns.chart.returnMeaning"] in page.inner_text("#campaign-report")
    with page.expect_download() as download:
        page.click("#report-csv")
    text = Path(download.value.path()).read_bytes().decode("utf-8")
    assert text.startswith("\ufeffFigure,Sent group,Holdout,") and text.endswith("\r\n")
    _both_sizes(page, "en", "campaigns")

    cancel = page.locator(f'#campaigns tr[data-id="{later.json()["id"]}"]')
    cancel.locator("button.cancel").click()
    page.click("#campaign-cancel-do")
    page.wait_for_function(
        "id => document.querySelector(`#campaigns tr[data-id='${id}'] .badge`).textContent === 'Cancelled'",
        arg=later.json()["id"],
    )
    assert (
        demo_runtime.get(f"/v1/admin/campaigns/{later.json()['id']}", token=owner).json()["status"]
        == "cancelled"
    )
    # its report says it never went out, rather than that it is still counting
    cancel.locator("button.report").click()
    page.wait_for_function(
        "name => document.querySelector('#h-report')?.textContent.includes(name)", arg=later.json()["name"]
    )
    assert WORDS["en"]["campaigns.cancelledUnsent"] in page.inner_text("#report-groups")
    close(page)


def test_the_campaigns_and_analytics_speak_russian_and_spanish(demo_runtime, browser):
    owner = demo_runtime.token("demo")
    now = datetime.fromisoformat(demo_runtime.get("/local/clock").json()["now"])
    scheduled = demo_runtime.post(  # a campaign in the list, whatever ran before
        "/v1/admin/campaigns",
        token=owner,
        json={
            "name": "Весна",
            "kind": "new_services",
            "filter": {"lifecycle": ["active"]},
            "messages": {"en": "{name}, see what is new: {link}"},
            "send_at": (now + timedelta(days=20)).isoformat(),
        },
    )
    assert scheduled.status_code == 201, scheduled.text
    page = open_console(browser, demo_runtime, lang="ru", path="/campaigns")
    for lang in ("ru", "es"):
        if lang != "ru":
            page.select_option("header.top .language select", lang)
        page.click('header.top nav a[href="/campaigns"]')
        page.wait_for_selector("#campaigns tbody tr")
        assert page.inner_text("#campaigns-title") == WORDS[lang]["campaigns.title"]
        if lang == "ru":  # a segment built and saved in Russian on a phone
            page.set_viewport_size({"width": PHONE[0], "height": PHONE[1]})
            _build_and_save_a_segment(page, demo_runtime, owner, lang)
            page.set_viewport_size({"width": DESKTOP[0], "height": DESKTOP[1]})
        page.locator("#campaigns button.report").first.click()
        page.wait_for_selector("#report-figures")
        _both_sizes(page, lang, "campaigns")
        page.click('header.top nav a[href="/analytics"]')
        page.wait_for_selector('#figures tr[data-figure="visits"]')
        assert page.inner_text('#figures tr[data-figure="visits"] th') == WORDS[lang]["analytics.fig.visits"]
        _both_sizes(page, lang, "analytics")
    close(page)
    # nobody is to hear from it when later tests move the clock on
    gone = demo_runtime.post(f"/v1/admin/campaigns/{scheduled.json()['id']}/cancel", token=owner)
    assert gone.status_code == 200, gone.text
