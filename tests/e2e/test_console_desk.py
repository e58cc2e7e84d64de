"""The front desk in the console, driven in Chromium as a receptionist drives it: a walk-in booked,
bonus adjusted, a checkout with bonus and its refund; a visit dragged to another staff member and
time, a refused move snapping back, time blocked and freed, a cancellation with a reason; a client
found by surname, edited and exported. Each in two languages and at a desktop's and a phone's size,
every screen checked by axe-core, for untranslated words and raw ids, and photographed."""

from __future__ import annotations

import json
import random
import string
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from e2e.console import DESKTOP, PHONE, check_screen, close, open_console

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

ZONE = ZoneInfo("Europe/Berlin")  # the demo salon's


def _letters(n: int = 6) -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(n)).capitalize()


def _now(rt) -> datetime:
    return datetime.fromisoformat(rt.get("/local/clock").json()["now"]).astimezone(ZONE)


def _open_day(rt, service: str, *, after: int = 1) -> tuple[str, list[dict]]:
    now = _now(rt)
    for n in range(after, after + 14):
        day = (now + timedelta(days=n)).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id={service}&date={day}").json()["slots"]
        if len({s["staff_id"] for s in slots}) > 1:
            return day, slots
    raise AssertionError(f"no day with two staff members free for {service}")


def _decimal(lang: str, text: str) -> str:
    return text if lang == "en" else text.replace(".", ",")


def _said(page) -> int:
    """How many things the console has announced (its live region counts them)."""
    return int(page.get_attribute(".notice", "data-seq") or 0)


def _then_heard(page, before: int) -> str:
    """What the console announces after ``before`` things: the answer to the action just taken."""
    page.wait_for_function(f"Number(document.querySelector('.notice').dataset.seq) > {before}")
    return page.inner_text(".notice")


def _settled(page) -> None:
    """The calendar has its day again (the book is read anew after each change)."""
    page.wait_for_selector('.calendar[aria-busy="false"]')


def _submit(page, selector: str = "dialog[open] button[type=submit]") -> str:
    before = _said(page)
    page.click(selector)
    return _then_heard(page, before)


@pytest.mark.parametrize(("lang", "size"), [("en", DESKTOP), ("ru", PHONE)])
def test_a_walk_in_is_booked_given_bonus_checked_out_with_it_and_refunded(demo_runtime, browser, lang, size):
    rt = demo_runtime
    owner = rt.token("demo")
    now = _now(rt)
    today = now.date().isoformat()
    page = open_console(browser, rt, lang=lang, size=size, token=owner, path=f"/calendar?date={today}")
    page.wait_for_selector(".calendar .ec")
    check_screen(page, lang, "calendar-day")

    # a walk-in: a new client, at the desk, for a visit that began half an hour ago
    name = f"{_letters()} {_letters(8)}"
    page.click("#new-visit")
    page.click("#booking-new-client")
    page.fill("dialog[open] input[name=name]", name)
    page.fill("dialog[open] input[name=phone]", f"0151 {random.randint(10**7, 10**8 - 1)}")
    page.select_option("dialog[open] select[name=source]", "walk_in")
    begun = (now - timedelta(minutes=30 + now.minute % 5)).strftime("%H:%M")
    page.fill("dialog[open] input[name=date]", today)
    page.fill("dialog[open] input[name=time]", begun)
    page.check("dialog[open] input[name=outside_hours]")
    check_screen(page, lang, "booking", include="dialog[open]")
    for staff_id in ("marta", "sofia"):  # manicure: whoever is free then
        page.select_option("dialog[open] select[name=staff]", staff_id)
        page.select_option("dialog[open] select[name=service]", "manicure")
        page.click("dialog[open] button[type=submit]")
        page.wait_for_function(
            "!document.querySelector('dialog[open] form.booking') || document.querySelector('dialog[open] .form-error')"
        )
        if not page.is_visible("dialog[open] form.booking"):
            break
    book = rt.get(f"/v1/admin/appointments?from={today}", token=owner).json()["appointments"]
    visit = next(a for a in book if a["client_name"] == name)
    assert (visit["source"], visit["status"], visit["service_id"]) == ("walk_in", "booked", "manicure")

    # bonus by hand on the client's card, found from the visit's drawer
    page.click(f'.agenda-item[data-id="{visit["id"]}"]')
    page.click("#visit-client")
    page.wait_for_selector("#client-title")
    page.click("button:has-text('{}')".format({"en": "Adjust bonus", "ru": "Изменить бонусы"}[lang]))
    page.fill("dialog[open] input[name=amount]", _decimal(lang, "10.00"))
    page.fill("dialog[open] input[name=reason]", "Welcome")
    page.click("dialog[open] button[type=submit]")
    page.wait_for_function("document.querySelector('#client-balance').textContent.includes('10')")
    check_screen(page, lang, "client-card")

    # checkout: 5.00 of the price paid with bonus, the rest in money; the cashback shown before saving
    page.go_back()
    page.wait_for_selector(f'.agenda-item[data-id="{visit["id"]}"]')
    page.click(f'.agenda-item[data-id="{visit["id"]}"]')
    page.click(
        "dialog[open] .actions button:has-text('{}')".format({"en": "Check out", "ru": "Рассчитать"}[lang])
    )
    price = visit["price"]["amount"]
    bonus_field = page.locator("dialog[open] input[name=bonus]")
    bonus_field.fill("abc")
    page.click("dialog[open] button[type=submit]")
    assert page.locator("dialog[open] .field.invalid .error").inner_text()  # in words, beside the field
    bonus_field.fill(_decimal(lang, "5.00"))
    expected_money = f"{(price - 500) / 100:.2f}"
    assert page.input_value("dialog[open] input[name=paid]") == _decimal(lang, expected_money)
    assert page.is_visible("#checkout-earn")
    check_screen(page, lang, "checkout", include="dialog[open]")
    _submit(page)
    done = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
    assert (done["status"], done["paid_amount"], done["bonus_amount"]) == ("completed", price - 500, 500)
    page.wait_for_selector("#visit-paid")

    # refund, with a reason
    page.click("dialog[open] .actions button.danger")
    page.fill("dialog[open] textarea[name=reason]", "Chipped the next day")
    _submit(page)
    refunded = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
    assert refunded["refunded_at"] is not None
    check_screen(page, lang, "visit-drawer", include="dialog[open]")
    assert "prompt(" not in page.content() and "alert(" not in page.content()
    close(page)


@pytest.mark.parametrize(("lang", "size"), [("es", DESKTOP), ("ru", PHONE)])
def test_a_visit_is_moved_refused_where_taken_time_is_blocked_and_a_visit_cancelled(
    demo_runtime, browser, lang, size
):
    rt = demo_runtime
    owner = rt.token("demo")
    day, slots = _open_day(rt, "manicure", after=2 if lang == "es" else 3)
    marta = [s["start"] for s in slots if s["staff_id"] == "marta"]
    sofia = [s["start"] for s in slots if s["staff_id"] == "sofia"]
    first = marta[0]
    later = next(s for s in sofia if s >= (datetime.fromisoformat(first) + timedelta(hours=1)).isoformat())
    client = {"name": f"{_letters()} {_letters(7)}", "phone": f"+49 152 {random.randint(10**7, 10**8 - 1)}"}
    visit = rt.post(
        "/v1/admin/appointments",
        token=owner,
        json={"service_id": "manicure", "staff_id": "marta", "start": first, "client": client},
    ).json()
    page = open_console(
        browser,
        rt,
        lang=lang,
        size=size,
        token=owner,
        path=f"/calendar?date={day}" + ("&staff=marta" if size == PHONE else ""),
    )

    def show(staff_id: str) -> None:  # a phone shows one staff member's day at a time
        if size == PHONE:
            page.select_option("#calendar-staff", staff_id)

    page.wait_for_selector(f'.agenda-item[data-id="{visit["id"]}"]')

    if size == DESKTOP:
        # drag it from Marta's column to Sofia's, an hour or more later
        event = page.locator(".ec-event.ev", has_text=client["name"])
        box = event.bounding_box()
        column = page.locator(".ec-col-head", has_text="Sofia").bounding_box()
        minutes = (datetime.fromisoformat(later) - datetime.fromisoformat(first)).total_seconds() / 60
        x, y = box["x"] + 20, box["y"] + 8
        before = _said(page)
        page.mouse.move(x, y)
        page.mouse.down()
        target_x, target_y = column["x"] + column["width"] / 2, y + minutes * 24 / 15
        for step in range(1, 11):
            page.mouse.move(x + (target_x - x) * step / 10, y + (target_y - y) * step / 10)
        page.mouse.up()
        _then_heard(page, before)
        _settled(page)
        moved = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
        assert moved["staff_id"] == "sofia"
        assert datetime.fromisoformat(moved["start"]) == datetime.fromisoformat(later)
        # its bottom edge dragged down by a quarter of an hour: the visit is 15 minutes longer
        event = page.locator(".ec-event.ev", has_text=client["name"])
        event.hover()
        box = event.bounding_box()
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 3  # on its resizing edge
        before = _said(page)
        page.mouse.move(x, y)
        page.mouse.down()
        for step in range(1, 6):
            page.mouse.move(x, y + 24 * step / 5)
        page.mouse.up()
        _then_heard(page, before)
        _settled(page)
        longer = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
        length = datetime.fromisoformat(longer["end"]) - datetime.fromisoformat(longer["start"])
        assert length == datetime.fromisoformat(moved["end"]) - datetime.fromisoformat(
            moved["start"]
        ) + timedelta(minutes=15)
        moved = longer
        # onto a time Sofia does not work: refused, and the visit snaps back
        event.wait_for()
        box = event.bounding_box()
        before = _said(page)
        page.mouse.move(box["x"] + 20, box["y"] + 8)
        page.mouse.down()
        top = (
            page.locator(".ec-body").bounding_box()["y"] + 4
        )  # the first hour shown is before anyone's hours
        for step in range(1, 11):
            page.mouse.move(box["x"] + 20, box["y"] + 8 + (top - box["y"] - 8) * step / 10)
        page.mouse.up()
        refused = _then_heard(page, before)
        assert refused and "not_a_slot" not in refused
        again = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
        assert again["start"] == moved["start"] and again["staff_id"] == "sofia"
    else:
        # on a phone: the drawer's move form
        page.click(f'.agenda-item[data-id="{visit["id"]}"]')
        page.click("dialog[open] .actions button:has-text('Перенести')")
        page.select_option("dialog[open] select[name=staff]", "sofia")
        page.fill(
            "dialog[open] input[name=time]", datetime.fromisoformat(later).astimezone(ZONE).strftime("%H:%M")
        )
        _submit(page)
        moved = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
        assert moved["staff_id"] == "sofia"
        page.click("dialog[open] button.icon")
    check_screen(page, lang, "calendar-moved")

    # an hour blocked for a meeting on Marta's day, and freed again
    show("marta")
    page.click("#block-time")
    page.select_option("dialog[open] select[name=staff]", "marta")
    page.fill("dialog[open] input[name=date]", day)
    page.fill(
        "dialog[open] input[name=from]", datetime.fromisoformat(first).astimezone(ZONE).strftime("%H:%M")
    )
    page.fill(
        "dialog[open] input[name=to]",
        (datetime.fromisoformat(first) + timedelta(hours=1)).astimezone(ZONE).strftime("%H:%M"),
    )
    page.fill("dialog[open] input[name=note]", "Supplier")
    check_screen(page, lang, "block", include="dialog[open]")
    _submit(page)
    book = rt.get(f"/v1/admin/appointments?from={day}&staff_id=marta", token=owner).json()
    (block,) = [b for b in book["blocks"] if b["note"] == "Supplier"]
    assert block["kind"] == "meeting"
    assert first not in [
        s["start"]
        for s in rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}&staff_id=marta").json()[
            "slots"
        ]
    ]
    page.click(f'.agenda-item[data-block="{block["id"]}"]')
    _submit(page, "dialog[open] button.danger")
    assert rt.get(f"/v1/admin/appointments?from={day}&staff_id=marta", token=owner).json()["blocks"] == []

    # cancelled by the salon, with its reason
    show("sofia")
    page.click(f'.agenda-item[data-id="{visit["id"]}"]')
    page.click("dialog[open] .actions button.danger")
    page.fill("dialog[open] textarea[name=reason]", "Sofia is ill")
    page.check("dialog[open] input[name=salon_initiated]")
    check_screen(page, lang, "cancel", include="dialog[open]")
    _submit(page)
    cancelled = rt.get(f"/v1/admin/appointments/{visit['id']}", token=owner).json()
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Sofia is ill")
    assert cancelled["history"][-1].get("salon_initiated") is True or "salon" in json.dumps(
        cancelled["history"][-1]
    )
    close(page)


@pytest.mark.parametrize(("lang", "size"), [("es", PHONE), ("en", DESKTOP)])
def test_a_client_is_found_by_surname_edited_and_exported(demo_runtime, browser, lang, size):
    rt = demo_runtime
    owner = rt.token("demo")
    name = f"{_letters()} {_letters(9)}"
    created = rt.post(
        "/v1/admin/clients",
        token=owner,
        json={"name": name, "phone": f"+49 160 {random.randint(10**7, 10**8 - 1)}"},
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["id"]
    page = open_console(browser, rt, lang=lang, size=size, token=owner, path="/clients")
    page.fill("input[name=q]", name.split()[1][:5])  # part of the surname
    page.press("input[name=q]", "Enter")
    row = page.locator(f'a[href="/clients/{client_id}"]')
    row.locator(".badge.tier").wait_for()  # the list's tiers, in one read
    assert row.locator(".badge.tier").inner_text() == "Base"
    page.select_option("select[name=tier]", "Silver")
    row.wait_for(state="detached")
    page.select_option("select[name=tier]", "Base")
    row.click()
    page.wait_for_selector("#client-title")
    assert page.inner_text("#client-title") == name

    page.click("button:has-text('{}')".format({"en": "Edit", "es": "Editar"}[lang]))
    page.fill("dialog[open] textarea[name=notes]", "Prefers mornings")
    page.fill("dialog[open] input[name=tags]", "vip, quiet")
    page.fill("dialog[open] input[name=email]", "not-an-email")
    page.click("dialog[open] button[type=submit]")
    page.locator("dialog[open] .field.invalid .error").first.wait_for()  # in words, beside the field
    page.fill("dialog[open] input[name=email]", "")
    page.click("dialog[open] button[type=submit]")
    page.wait_for_function("document.querySelector('#client-notes').textContent.includes('mornings')")
    saved = rt.get(f"/v1/admin/clients/{client_id}", token=owner).json()
    assert (saved["notes"], sorted(saved["tags"])) == ("Prefers mornings", ["quiet", "vip"])
    check_screen(page, lang, "client-edited")

    with page.expect_download() as download:
        page.click("#client-export")
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert name in json.dumps(exported, ensure_ascii=False)
    if lang != "en":
        close(page)
        return

    # a message written by the salon, then the client's data erased after the name is typed
    page.click("button:has-text('Send a message')")
    page.fill("dialog[open] textarea[name=text]", "Your colour is in: see you soon")
    before = _said(page)
    page.eval_on_selector("dialog[open] form", "f => { f.requestSubmit(); f.requestSubmit(); }")  # twice
    _then_heard(page, before)
    history = rt.get(f"/v1/admin/clients/{client_id}", token=owner).json()["messages"]
    assert [m["text"] for m in history].count("Your colour is in: see you soon") == 1
    page.click("button:has-text('Erase data')")
    page.fill("dialog[open] input[name=confirm]", "Someone Else")
    page.click("dialog[open] button[type=submit]")
    page.locator("dialog[open] .field.invalid .error").wait_for()
    assert rt.get(f"/v1/admin/clients/{client_id}", token=owner).json()["erased_at"] is None
    check_screen(page, lang, "erase", include="dialog[open]")
    page.fill("dialog[open] input[name=confirm]", name)
    _submit(page)
    assert rt.get(f"/v1/admin/clients/{client_id}", token=owner).json()["erased_at"] is not None
    close(page)


def test_a_stylist_sees_their_own_book_and_nothing_they_may_not_do(demo_runtime, browser):
    rt = demo_runtime
    anna = rt.post(
        "/local/auth/token", json={"email": "anna@demo.regulars.local", "password": "demo-password"}
    )
    assert anna.status_code == 200, anna.text
    day, _ = _open_day(rt, "haircut-women")
    page = open_console(
        browser,
        rt,
        lang="ru",
        size=PHONE,
        token=anna.json()["id_token"],
        path=f"/calendar?date={day}",
    )
    page.wait_for_selector(".calendar .ec")
    nav = page.inner_text("header.top nav")
    assert "Журнал" in nav and "Клиенты" not in nav  # no clients, campaigns or analytics for a stylist
    assert not page.is_visible("#new-visit")
    page.click("#block-time")  # their own time only
    page.wait_for_selector(
        "dialog[open] select[name=staff] option", state="attached"
    )  # the team may come later
    staff = page.locator("dialog[open] select[name=staff] option").all_inner_texts()
    assert staff == ["Anna Becker"]
    close(page)
