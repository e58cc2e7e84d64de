"""Moving in, in Chromium: an owner imports a 1,000-row Fresha export with bad rows into a salon of its
own (a copy of the demo salon's catalog, so no other test's counts move). The preset is recognised and
previewed, the dry run lists every bad row with why in words, the run shows its progress to the final
report, and the same file imported again (in Russian, on a phone) adds and changes nothing."""

from __future__ import annotations

import json
import uuid

import pytest
from e2e.console import CATALOGS, PHONE, check_screen, close, open_console
from support.runtime import aws_client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

WORDS = {
    lang: json.loads((CATALOGS / "screens" / "import" / "messages" / f"{lang}.json").read_text("utf-8"))
    for lang in ("en", "ru")
}
HEADER = ["First Name", "Last Name", "Mobile Number", "Email", "Date of Birth", "Gender", "Accepts Marketing"]
ROWS = 1000


def _own_salon(rt) -> str:
    """A new salon with the demo salon's profile, services and staff (written as the demo's are)."""
    salon_id = f"movein-{uuid.uuid4().hex[:8]}"
    stack = rt.resources()
    ddb = aws_client("dynamodb", stack["dynamodb"]["endpoint"])
    items = ddb.query(
        TableName=stack["table"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": "SALON#demo"}, ":sk": {"S": "CATALOG#"}},
    )["Items"]
    for item in items:
        copy = {k: v for k, v in item.items() if not k.startswith("GSI")}
        copy["PK"] = {"S": f"SALON#{salon_id}"}
        copy["salon_id"] = {"S": salon_id}
        if copy.get("name", {}).get("S") and copy.get("type", {}).get("S") == "Salon":
            copy["name"] = {"S": "Studio Umzug"}
        ddb.put_item(TableName=stack["table"], Item=copy)
    return salon_id


def _clients(rt, salon_id: str) -> list[dict]:
    stack = rt.resources()
    ddb = aws_client("dynamodb", stack["dynamodb"]["endpoint"])
    pages = ddb.get_paginator("query").paginate(
        TableName=stack["table"],
        KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
        ExpressionAttributeValues={":pk": {"S": f"SALON#{salon_id}"}, ":sk": {"S": "CLIENT#"}},
    )
    return sorted((i for p in pages for i in p["Items"]), key=lambda i: i["SK"]["S"])


def _export(path) -> tuple[dict[int, str], int]:
    """A Fresha clients export of ROWS rows, some bad: (row -> the code it is refused with, rows accepted)."""
    bad: dict[int, str] = {}
    lines = [",".join(HEADER)]
    for i in range(ROWS):
        row = 2 + i
        first, last, phone, email, consent = (
            f"Kundin{i}",
            "Umzug",
            f"0157 9{i:07d}",
            "",
            ["Yes", "No", ""][i % 3],
        )
        if i % 97 == 13:
            phone, bad[row] = "12345", "phone_invalid"
        elif i % 89 == 7:
            first, last, bad[row] = "", "", "name_missing"
        elif i % 83 == 5:
            email, bad[row] = "kundin-at-example", "email_invalid"
        elif i % 79 == 3:
            consent, bad[row] = "vielleicht", "consent_invalid"
        elif i % 101 == 50:
            phone, bad[row] = f"+49 157 9{i - 1:07d}", "phone_repeated"  # the row above's phone
        lines.append(",".join([first, last, phone, email, "", "Female", consent]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return bad, ROWS - len(bad)


def _figure(text: str) -> int:
    return int("".join(ch for ch in text if ch.isdigit()))


def _report(page) -> dict[str, int]:
    page.wait_for_selector("#import-final", timeout=90_000)
    return {
        dd.get_attribute("data-figure"): _figure(dd.inner_text())
        for dd in page.query_selector_all("#import-final dd")
    }


def test_a_thousand_clients_move_in_with_bad_rows_listed_and_a_second_import_changes_nothing(
    demo_runtime, browser, tmp_path
):
    en, ru = WORDS["en"], WORDS["ru"]
    salon_id = _own_salon(demo_runtime)
    token = demo_runtime.token(salon_id)
    path = tmp_path / "fresha-clients.csv"
    bad, accepted = _export(path)

    page = open_console(browser, demo_runtime, path="/calendar", token=token)
    page.click('header.top nav a[href="/import"]')
    page.wait_for_selector("input[name=file]")
    # the set-up path: the copied catalog's services and staff are there, no client yet, the booking link
    page.wait_for_selector("#booking-link")
    steps = {
        li.get_attribute("data-step"): li.get_attribute("data-done")
        for li in page.query_selector_all(".setup-step")
    }
    assert (steps["services"], steps["staff"], steps["clients"]) == ("yes", "yes", "no")
    assert f"salon={salon_id}" in page.get_attribute("#booking-link", "href")
    page.set_input_files("input[name=file]", str(path))
    page.wait_for_selector("#import-preview tbody tr")
    # the export is recognised as Fresha's, its columns mapped, its first rows shown as they will be read
    assert page.input_value("select[name=preset]") == "fresha-clients"
    assert page.input_value("select[name=map-phone]") == "Mobile Number"
    assert page.input_value("select[name=map-marketing_consent]") == "Accepts Marketing"
    assert page.input_value("select[name=map-name]") == ""
    assert page.locator("#import-preview tbody tr").count() == 5
    assert page.locator("#import-preview tbody tr").first.locator("td").all_inner_texts()[:4] == [
        "2",
        "Kundin0",
        "Umzug",
        "0157 90000000",
    ]
    check_screen(page, "en", "import-mapping")

    # the dry run: every bad row with its column and why, in words; nothing written
    page.click("#import-check")
    page.wait_for_selector("#import-rejects")
    listed = {
        int(tr.get_attribute("data-row")): tr.get_attribute("data-code")
        for tr in page.query_selector_all("#import-rejects tbody tr")
    }
    assert listed == bad
    first = min(bad)
    assert (
        page.locator(f'#import-rejects tr[data-row="{first}"] td').last.inner_text()
        == en[f"import.code.{bad[first]}"]
    )
    assert (
        page.inner_text("#import-accepted") == f"{accepted:,}".replace(",", "\u202f")
        or int(page.inner_text("#import-accepted").replace(",", "").replace("\u202f", "")) == accepted
    )
    assert _clients(demo_runtime, salon_id) == []
    check_screen(page, "en", "import-check")

    # the run: its progress shown, then the report
    page.click("#import-start")
    page.wait_for_selector("#import-progress")
    page.locator("#import-run").scroll_into_view_if_needed()
    check_screen(page, "en", "import-running", include="#import-run")
    assert _report(page) == {"created": accepted, "updated": 0, "unchanged": 0, "rejected": len(bad)}
    assert page.get_attribute("#import-progress", "value") == str(ROWS)
    # the checklist above ticks the clients off at once, without a reload
    page.wait_for_selector('.setup-step[data-step="clients"][data-done="yes"]')
    check_screen(page, "en", "import-done")
    close(page)
    before = _clients(demo_runtime, salon_id)
    assert len(before) == accepted
    consents = {i["phone"]["S"]: json.loads(i["consents"]["S"]) if "consents" in i else {} for i in before}
    assert consents["+4915790000000"]["marketing"]["granted"] is True  # "Yes"
    assert consents["+4915790000001"]["marketing"]["granted"] is False  # "No"
    assert consents["+4915790000002"] == {}  # an empty cell proves nothing

    # the same file again, in Russian on a phone: nothing added, nothing changed
    page = open_console(browser, demo_runtime, lang="ru", size=PHONE, path="/import", token=token)
    page.wait_for_selector("input[name=file]")
    page.wait_for_selector('.setup-step[data-step="clients"][data-done="yes"]')
    page.set_input_files("input[name=file]", str(path))
    page.wait_for_selector("#import-preview tbody tr")
    page.wait_for_function("() => document.querySelector('select[name=preset]').value === 'fresha-clients'")
    page.click("#import-start")
    assert _report(page) == {"created": 0, "updated": 0, "unchanged": accepted, "rejected": len(bad)}
    assert page.inner_text("#import-nothing") == ru["import.run.nothing"]
    # the list of recent imports is read again once the run is done: wait for it rather than race it
    page.wait_for_function("() => document.querySelectorAll('#import-recent tbody tr').length === 2")
    check_screen(page, "ru", "import-again")
    close(page)
    assert _clients(demo_runtime, salon_id) == before
