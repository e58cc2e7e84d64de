"""The console's settings in Chromium against the demo salon: the salon's name changed and set back, a
new service priced as the desk types it, a new staff member's hours saved as entered, a reception user
invited and removed; the salon's rules: the reminders moved to a new offset and a visit booked before
the change reminded then, with the salon's own text edited beside its preview and SMS count; invalid
values refused in words beside their field with nothing changed; each section shown only to the roles
whose operations allow it; axe-clean, translated, without ids.

The demo salon is shared by every browser test: only what these tests add is changed, and it is taken
out of the book again at the end."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from e2e.console import CATALOGS, PHONE, check_screen, close, open_console
from regulars.messaging.rules.sms_parts import sms_encoding, sms_segments, sms_text

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
    sections = "salon services staff team booking reminders channels templates loyalty retention feedback data widget"
    assert page.locator("nav.tabs a").all_inner_texts() == [
        en[f"settings.section.{s}"] for s in sections.split()
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
    assert page.locator("nav.tabs a").count() == 12  # the salon's rules too: a manager may change the salon
    check_screen(page, "es", "settings-salon")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    page.click("#settings-tab-staff")
    page.wait_for_selector("#staff-list")
    name = f"Lucía Prueba {uuid.uuid4().hex[:4]}"
    page.click("#staff-add")
    form = page.locator("#staff-form")
    form.locator("input[name=name]").fill(name)
    form.locator('input[name=service][value="manicure"]').check()
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
    assert added["service_ids"] == ["manicure"]
    # booked in their new hours, refused on their day off
    berlin = ZoneInfo("Europe/Berlin")
    today = datetime.fromisoformat(demo_runtime.get("/local/clock").json()["now"]).astimezone(berlin).date()
    monday = today + timedelta(days=7 - today.weekday())

    def at(day, hour: int) -> str:
        return datetime(day.year, day.month, day.day, hour, tzinfo=berlin).isoformat()

    book = {
        "service_id": "manicure",
        "staff_id": added["id"],
        "client": {"name": "Hora Nueva", "phone": "+34 612 000 111"},
    }
    visit = demo_runtime.post("/v1/admin/appointments", token=owner, json={**book, "start": at(monday, 15)})
    assert visit.status_code == 201, visit.text
    tuesday = demo_runtime.post(
        "/v1/admin/appointments", token=owner, json={**book, "start": at(monday + timedelta(days=1), 10)}
    )
    assert (tuesday.status_code, tuesday.json()["error"]["code"]) == (422, "not_a_slot"), tuesday.text
    assert demo_runtime.post(
        f"/v1/admin/appointments/{visit.json()['id']}/cancel", token=owner, json={"reason": "test"}
    ).ok
    page.locator(f'#staff-list li[data-staff="{added["id"]}"]').wait_for()
    check_screen(page, "es", "settings-staff")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    # the member's calendar feed: its secret address shown once, to copy; it works until revoked
    page.locator(f'#staff-list li[data-staff="{added["id"]}"] button.feed').click()
    page.wait_for_selector("#feed-state")
    page.click("#feed-make")
    page.wait_for_selector("#feed-url")
    feed = urlsplit(page.input_value("#feed-url")).path
    assert feed.startswith(f"/v1/calendar-feeds/demo/{added['id']}/")
    assert demo_runtime.get(feed).headers["Content-Type"].startswith("text/calendar")
    check_screen(page, "es", "settings-staff-feed", include="dialog[open]")
    page.once("dialog", lambda d: d.accept())
    page.click("#feed-revoke")
    page.wait_for_selector("#feed-revoke", state="detached")
    assert demo_runtime.get(feed).status_code == 403
    page.keyboard.press("Escape")
    close(page)
    # out of the book again: the other browser tests read the demo's staff
    demo_runtime.request("PATCH", f"/v1/admin/staff/{added['id']}", token=owner, json={"active": False})

    desk = open_console(browser, demo_runtime, role="reception", path="/settings")
    desk.wait_for_selector("header.top nav a")
    assert desk.locator('header.top nav a[href="/settings"]').count() == 0
    assert desk.locator("#settings-title").count() == 0
    close(desk)


MAIN_ES = json.loads((CATALOGS / "i18n" / "es.json").read_text("utf-8"))

# The re-planning of the visits to come is due this long after a change of the reminder rules
# (regulars.salon.reminder_rules.DELAY, a minute), in application minutes.
REPLAN_MINUTES = 2


def _first_slot(rt, earliest: datetime) -> dict:
    """The public page's first free slot of a manicure from ``earliest``."""
    for n in range(0, 14):
        day = (earliest + timedelta(days=n)).astimezone(ZoneInfo("Europe/Berlin")).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}").json()["slots"]
        free = [s for s in slots if datetime.fromisoformat(s["start"]) >= earliest]
        if free:
            return free[0]
    raise AssertionError("no free slot")


def _book(rt, token: str, slot: dict, locale: str) -> tuple[dict, str]:
    """The slot booked from the public page by a new client; the visit as the salon reads it."""
    phone = f"+49 151 {uuid.uuid4().int % 10**8:08d}"
    made = rt.post(
        "/v1/salons/demo/appointments",
        json={
            "service_id": "manicure",
            "staff_id": slot["staff_id"],
            "start": slot["start"],
            "client": {"name": "Offset Test", "phone": phone, "locale": locale},
            "phone_proof": rt.prove(phone),
        },
    )
    assert made.status_code == 201, made.text
    return rt.get(f"/v1/admin/appointments/{made.json()['appointment']['id']}", token=token).json(), phone


def _reminders(rt, token: str, visit: dict) -> list[dict]:
    client = rt.get(f"/v1/admin/clients/{visit['client_id']}", token=token).json()
    return [
        m
        for m in client["messages"]
        if m["appointment_id"] == visit["id"] and m["kind"].startswith("reminder")
    ]


def test_the_reminders_move_to_a_new_offset_with_the_salons_own_text(demo_runtime, browser):
    rt = demo_runtime
    owner = rt.token("demo")
    en = WORDS["en"]
    before = rt.get("/v1/admin/salon", token=owner).json()
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    slot = _first_slot(rt, now + timedelta(minutes=75))
    start = datetime.fromisoformat(slot["start"])
    offset = int((start - now).total_seconds() // 60) - 15
    offset -= offset % 5
    while offset in before["settings"]["reminder_offsets_minutes"]:
        offset -= 5
    visit = None
    try:
        # a visit booked first, by the rules as they are: it is to follow the change
        visit, phone = _book(rt, owner, slot, "en")
        rt.drain()
        page = open_console(browser, rt, path="/settings/templates")
        # the salon's own reminder: an unknown placeholder refused beside the text, then a text previewed,
        # counted as the engine counts it, and saved
        text_area = page.locator("#templates-form textarea[name=template-text]")
        text_area.wait_for()
        page.select_option("select[name=template-kind]", "reminder")
        page.select_option("select[name=template-language]", "en")
        text_area.fill("Bonus {amount} for {client_name}")
        page.locator("#templates-form .field.invalid .error").wait_for()
        assert "{amount}" in page.inner_text("#templates-form .field.invalid .error")
        own = "See you {when}, {client_name}: {service_name} at {salon_name}. Manage: {manage_link}"
        text_area.fill(own)
        preview = page.inner_text("#template-preview")
        assert preview.startswith("See you ") and f"at {before['name']}. Manage: http" in preview
        facts = page.locator("#template-sms")
        assert (
            facts.locator("[data-encoding]").get_attribute("data-encoding")
            == sms_encoding(preview)
            == "GSM-7"
        )
        assert int(facts.locator("[data-segments]").get_attribute("data-segments")) == sms_segments(preview)
        assert page.locator("#template-ucs").count() == 0
        # a dash has a GSM-7 look-alike: the SMS goes folded, still GSM-7, and the console says so
        text_area.fill(own.replace(": ", " — ", 1))
        sent = sms_text(page.inner_text("#template-preview"))
        assert (
            facts.locator("[data-encoding]").get_attribute("data-encoding") == sms_encoding(sent) == "GSM-7"
        )
        assert int(facts.locator("[data-segments]").get_attribute("data-segments")) == sms_segments(sent)
        assert page.inner_text("#template-folded kbd") == "—"
        check_screen(page, "en", "settings-templates")
        # one character with none makes the whole text UCS-2, and it is named
        text_area.fill(own.replace(": ", " ★ ", 1))
        sent = sms_text(page.inner_text("#template-preview"))
        assert (
            facts.locator("[data-encoding]").get_attribute("data-encoding") == sms_encoding(sent) == "UCS-2"
        )
        assert int(facts.locator("[data-segments]").get_attribute("data-segments")) == sms_segments(sent)
        assert page.inner_text("#template-ucs kbd") == "★"
        text_area.fill(own)
        page.click("#templates-save")
        _saved(page, en["settings.templates.saved"])
        assert rt.get("/v1/admin/salon", token=owner).json()["settings"]["templates"] == {
            "reminder": {"en": own}
        }
        assert page.inner_text("#template-state") == en["settings.templates.own"]
        with_text = rt.get("/v1/admin/salon", token=owner).json()

        page.goto(f"{rt.base_url}/settings/reminders")  # afresh, without the saved text's notice
        form = page.locator("#reminders-form")
        form.wait_for()
        tabs = page.locator("nav.tabs a").all_inner_texts()
        assert [
            en[f"settings.section.{s}"] for s in ("booking", "reminders", "channels", "templates")
        ] == tabs[4:8]
        rows = form.locator("[data-offset]")
        assert rows.count() == len(before["settings"]["reminder_offsets_minutes"])
        check_screen(page, "en", "settings-reminders")

        # one reminder, 2 minutes before: refused beside the field, nothing saved
        while rows.count() > 1:
            form.locator("[data-offset] button").last.click()
        form.locator('input[name="reminder_offsets_minutes.0"]').fill("2")
        form.locator('select[name="reminder_offsets_minutes.0#unit"]').select_option("minutes")
        form.locator("#reminders-save").click()
        form.locator('[data-offset="0"] .field.invalid .error').wait_for()
        assert form.locator('[data-offset="0"] .error').inner_text() == en["settings.err.timeSpan"].replace(
            "{min}", "5 minutes"
        ).replace("{max}", "30 days")
        # the confirmation was the day-before reminder, no longer there
        assert form.locator(".field.invalid .error").all_inner_texts()[1] == en["settings.err.confirmation"]
        assert rt.get("/v1/admin/salon", token=owner).json() == with_text

        # the one reminder at an offset that falls a quarter of an hour from now for the first free slot
        # (so the clock moves minutes, not days), and no reminder asks to confirm
        form.locator('input[name="reminder_offsets_minutes.0"]').fill(str(offset))
        form.locator("select[name=confirmation_offset_minutes]").select_option("")
        form.locator("#reminders-save").click()
        _saved(page, en["settings.reminders.saved"])
        rules = rt.get("/v1/admin/salon", token=owner).json()["settings"]
        assert (rules["reminder_offsets_minutes"], rules["confirmation_offset_minutes"]) == ([offset], None)

        # no quiet hours, so the reminder is not moved to the evening before whatever the hour
        page.click("#settings-tab-channels")
        page.uncheck("#channels-form input[name=quiet-on]")
        page.click("#channels-save")
        _saved(page, en["settings.channels.saved"])
        assert rt.get("/v1/admin/salon", token=owner).json()["settings"]["quiet_hours"] == "00:00-00:00"

        # the other rules, each screen checked
        for section in ("channels", "booking", "loyalty", "retention", "feedback", "data"):
            page.click(f"#settings-tab-{section}")
            page.locator(f"#{section}-form").wait_for()
            if section == "channels":  # what each channel carried and cost, from the analytics
                page.locator("#channel-costs").wait_for()
            check_screen(page, "en", f"settings-{section}")
        # the booking page as the salon shares it: the link, the tag for its own site, the QR code
        page.click("#settings-tab-widget")
        page.locator("#widget-qr svg").wait_for()
        assert page.input_value("#widget-snippet") == (
            f'<script src="{rt.base_url}/embed.js" data-salon="demo" async></script>'
        )
        assert page.get_attribute("#widget-link", "href") == f"{rt.base_url}/book.html?salon=demo"
        check_screen(page, "en", "settings-widget")

        # the re-planning runs a minute after the change: the visit booked before it is reminded at the
        # new offset, not a day or two hours before, nor twice
        rt.advance(REPLAN_MINUTES)
        rt.drain()
        due = start - timedelta(minutes=offset)
        now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
        rt.advance((due - timedelta(minutes=3) - now).total_seconds() / 60)
        rt.drain()
        assert _reminders(rt, owner, visit) == []
        rt.advance(6)
        rt.drain()
        (reminder,) = _reminders(rt, owner, visit)
        # the one reminder the visit got is the new offset's (a reminder's id names its offset)
        assert reminder["id"].endswith(f"-{offset}m") and reminder["kind"] == "reminder"
        # in words: which text, the salon's own or the default, depends on when the sending process last
        # read the salon's rules (they reach it within RULES_MAX_AGE, 30 real seconds, which this test
        # does not wait out); the salon's own text in a message is the integration tests'
        assert before["name"] in reminder["text"] and "Manage: http" in reminder["text"]
        assert rt.sms(phone.replace(" ", ""), reminder["text"][:30])
        # and the salon sees it in the client's messages
        page.goto(f"{rt.base_url}/clients/{visit['client_id']}")
        page.locator(f"main tr[title={json.dumps(reminder['text'], ensure_ascii=False)}]").wait_for()
        close(page)
    finally:
        rt.request("PATCH", "/v1/admin/salon", token=owner, json={"settings": before["settings"]})
        if visit:
            rt.post(f"/v1/admin/appointments/{visit['id']}/cancel", token=owner, json={})
        # the demo's visits to come back on the salon's own reminders (re-planned by the restored rules)
        rt.advance(REPLAN_MINUTES)
        rt.drain()
    assert rt.get("/v1/admin/salon", token=owner).json() == before


def test_a_message_text_in_spanish_on_a_phone_previewed_and_counted(demo_runtime, browser):
    rt = demo_runtime
    owner = rt.token("demo")
    es = WORDS["es"]
    before = rt.get("/v1/admin/salon", token=owner).json()
    page = open_console(browser, rt, lang="es", size=PHONE, role="manager", path="/settings/templates")
    text_area = page.locator("#templates-form textarea[name=template-text]")
    text_area.wait_for()
    page.select_option("select[name=template-kind]", "repeat_invitation")
    assert page.input_value("select[name=template-language]") == "es"
    assert page.inner_text("#template-state") == es["settings.templates.default"]
    default = text_area.input_value()
    assert default.startswith("{client_name}, ya toca tu {services}")
    assert page.locator("#template-sms [data-encoding]").get_attribute("data-encoding") == "GSM-7"
    check_screen(page, "es", "settings-templates")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]

    # an accented vowel is not in GSM-7: by SMS it goes unaccented, the text stays GSM-7, and it says so
    page.click('button[name="insert-salon_name"]')
    text_area.fill("¡Hola {client_name}! Ya toca tu {services} en {salon_name}. Reserva aquí: {booking_link}")
    preview = page.inner_text("#template-preview")
    assert "¡Hola Ana! Ya toca tu " in preview and before["name"] in preview
    sent = sms_text(preview)
    assert (
        page.locator("#template-sms [data-encoding]").get_attribute("data-encoding")
        == sms_encoding(sent)
        == "GSM-7"
    )
    assert int(page.locator("#template-sms [data-segments]").get_attribute("data-segments")) == sms_segments(
        sent
    )
    assert page.locator("#template-folded kbd").all_inner_texts() == ["í"]
    assert page.locator("#template-ucs").count() == 0
    page.click("#templates-save")
    _saved(page, es["settings.templates.saved"])
    saved = rt.get("/v1/admin/salon", token=owner).json()["settings"]["templates"]
    assert saved["repeat_invitation"]["es"].startswith("¡Hola {client_name}!")
    # back to the default text: the salon's own is gone
    page.click("#templates-reset")
    page.locator("#templates-reset").wait_for(state="detached")
    assert "repeat_invitation" not in rt.get("/v1/admin/salon", token=owner).json()["settings"]["templates"]
    assert text_area.input_value() == default

    # the approved WhatsApp template for the message: a name Meta would not have and a placeholder the
    # message has not are refused beside them; then saved, and taken away again
    wa = page.locator("#whatsapp-form")
    wa.locator("input[name=wa-name]").fill("Vuelve V2")
    wa.locator("input[name=wa-parameters]").fill("client_name, amount")
    wa.locator("#whatsapp-save").click()
    wa.locator(".field.invalid .error").first.wait_for()
    assert wa.locator(".field.invalid .error").all_inner_texts() == [
        es["settings.whatsapp.err.name"],
        "Este mensaje no tiene el campo {amount}.",
    ]
    wa.locator("input[name=wa-name]").fill("vuelve_v2")
    wa.locator("input[name=wa-parameters]").fill("{client_name}, {services}")
    wa.locator("#whatsapp-save").click()
    _saved(page, es["settings.whatsapp.saved"])
    assert rt.get("/v1/admin/salon", token=owner).json()["settings"]["whatsapp_templates"] == {
        "repeat_invitation": {
            "name": "vuelve_v2",
            "language": None,
            "parameters": ["client_name", "services"],
        }
    }
    wa.locator("input[name=wa-name]").fill("")
    said = int(page.get_attribute(".notice", "data-seq"))
    wa.locator("#whatsapp-save").click()
    page.wait_for_function("n => Number(document.querySelector('.notice').dataset.seq) > n", arg=said)
    assert rt.get("/v1/admin/salon", token=owner).json() == before

    # a loyalty tier without a name, a rate that is not a percentage and neither visits nor spend to reach
    # it: refused beside them, nothing saved
    page.click("#settings-tab-loyalty")
    form = page.locator("#loyalty-form")
    form.wait_for()
    form.locator("#tier-add").click()
    form.locator("input[name=tier-rate-3]").fill("150")
    form.locator("#loyalty-save").click()
    form.locator('[data-tier="3"] .field.invalid .error').first.wait_for()
    assert form.locator('[data-tier="3"] .field.invalid .error').all_inner_texts() == [
        MAIN_ES["common.required"],
        es["settings.err.decimal"].replace("{min}", "0").replace("{max}", "100"),
        es["settings.err.tierCriterion"],
    ]
    check_screen(page, "es", "settings-loyalty")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    assert rt.get("/v1/admin/salon", token=owner).json() == before
    for section in ("reminders", "channels"):
        page.click(f"#settings-tab-{section}")
        page.locator(f"#{section}-form").wait_for()
        check_screen(page, "es", f"settings-{section}")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    close(page)
    assert rt.get("/v1/admin/salon", token=owner).json() == before
