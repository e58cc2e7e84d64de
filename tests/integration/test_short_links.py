"""Short links and the client's language, end to end on DynamoDB Local: a booking from the page is
told by SMS (SNS played by moto) with a link of at most 30 characters that opens the client's manage
page; the same link always gets the same code; an unknown code is 404, an expired one 410, in words;
guessing is limited per address; and a client who books from a ``ru-RU`` browser gets the notice and
the reminder in Russian."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from regulars.app import jobs as worker
from regulars.app import messages as dispatch
from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.config import link_keys, settings
from regulars.messaging.channels.sms import SmsChannel
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.sender import SendRef
from regulars.messaging.rules.sms_parts import sms_info
from regulars.messaging.shortlinks import codes
from regulars.messaging.shortlinks import service as short_links
from regulars.messaging.shortlinks.items import ShortLink
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs import ticker
from regulars_local.emulator.functions import context_for
from support.lambda_ import PublicApi, handler
from support.phones import prove
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"
SHORT_BASE = "https://rglr.co"  # a short domain: 15 + 3 + 8 = 26 characters a link
PHONE = "+4915123456789"
TUESDAY = "2026-11-24"
SHORT = re.compile(re.escape(SHORT_BASE) + r"/s/([0-9A-Za-z]+)")


@pytest.fixture
def short_domain(monkeypatch):
    monkeypatch.setenv("SHORT_LINK_BASE_URL", SHORT_BASE)
    settings.cache_clear()
    yield SHORT_BASE
    settings.cache_clear()


class Sms:
    """The SMS channel over SNS (moto's server), recording what each Publish carried."""

    def __init__(self, moto: str):
        client = boto3.client(
            "sns",
            endpoint_url=moto,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        self.published: list[dict] = []
        client.meta.events.register(
            "before-parameter-build.sns.Publish", lambda params, **_: self.published.append(dict(params))
        )
        self.channel = SmsChannel(client, price_micros_per_segment={"default": 50000})

    def send(self, message_id: str, now: datetime) -> str:
        """Send the queued message; the text the phone got."""
        ref = SendRef.of(outbox.get_item(SALON, message_id))
        result = dispatch.send(
            ref, lambda _: self.channel, now, requeue=lambda *a: None, dead_letter=lambda *a: None
        )
        assert result.outcome == "sent", result
        return str(self.published[-1]["Message"])


def book(
    public: PublicApi, *, start: str = f"{TUESDAY}T10:00:00+01:00", phone_proof: str | None = None, **client
) -> dict:
    made = public.post(
        f"/v1/salons/{SALON}/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": start,
            "client": {"name": "Eva", "phone": PHONE} | client,
        }
        | ({"phone_proof": phone_proof} if phone_proof else {}),
    )
    assert made.status == 201, made.text
    return made.json | {"client_id": client_store.client_id_by_phone(SALON, PHONE)}


def run_stream(table: str) -> None:
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def notice_of(client_id: str, kind: str) -> str:
    (found,) = [m.message_id for m in outbox.for_client(SALON, client_id) if m.kind == kind]
    return found


def test_a_booking_notice_sms_carries_a_30_character_link_that_opens_the_manage_page(
    table, clock_at, moto, short_domain
):
    make_salon(SALON, clock_at)
    public = PublicApi()
    made = book(public)
    run_stream(table)
    notice = notice_of(made["client_id"], "appointment_booked")
    assert outbox.get_item(SALON, notice).status == "queued"  # routed as it was planned
    assert outbox.get_item(SALON, notice).channel == "sms"

    text = Sms(moto).send(notice, clock_at)
    (link,) = [m.group(0) for m in SHORT.finditer(text)]
    assert len(link) <= 30 and text.endswith(link)
    assert "manage.html" not in text
    info = sms_info(text)
    assert (info.encoding, info.segments) == ("GSM-7", 1), text  # English, a typical name: one part

    opened = public.get(urlsplit(link).path)
    assert opened.status == 302 and opened.headers["cache-control"] == "no-store"
    target = opened.headers["location"]
    assert target.startswith(f"{settings().public_base_url}/manage.html?token=")
    token = parse_qs(urlsplit(target).query)["token"][0]
    page = public.get(f"/v1/manage/{token}")
    assert page.status == 200, page.text
    assert page.json["appointment"]["id"] == made["appointment"]["id"]

    # the code lives exactly as long as the link it stands for
    (item,) = [i for i in ShortLink.scan()]
    assert item.target == target
    assert item.valid_until == links.expiry_of(target, link_keys())


def test_the_same_link_keeps_its_code_whoever_renders_it_again(table, clock_at, moto, short_domain):
    make_salon(SALON, clock_at)
    made = book(PublicApi())
    run_stream(table)
    notice = notice_of(made["client_id"], "appointment_booked")
    assert outbox.get_item(SALON, notice).status == "queued"  # routed as it was planned
    first = SHORT.search(outbox.get_item(SALON, notice).text)
    assert first is not None

    # the reminder of the same visit two hours before is rendered a day later: the same link, the same code
    job_store.advance_watermark(clock_at - timedelta(minutes=2), clock_at)
    due = datetime.fromisoformat(f"{TUESDAY}T08:30:00+00:00")  # half an hour before the visit
    queued: list = []
    ticker.tick(due, lambda refs: queued.extend(refs) or [])
    for ref in queued:
        worker.run(ref, due)
    reminder = next(m for m in outbox.for_client(SALON, made["client_id"]) if m.kind == "reminder")
    assert reminder.status == "queued"  # routed and rendered by its job
    again = SHORT.search(outbox.get_item(SALON, reminder.message_id).text)
    assert again is not None and again.group(0) == first.group(0)

    # shortening the same link again (a retried plan) writes nothing new
    target = PublicApi().get(urlsplit(first.group(0)).path).headers["location"]
    assert short_links.shorten(target, now=due) == first.group(0)
    assert len(list(ShortLink.scan())) == 1


def test_unknown_and_expired_codes_are_told_in_words_and_guessing_is_limited(table, clock_at, short_domain):
    make_salon(SALON, clock_at)
    public = PublicApi(source_ip="203.0.113.9")
    unknown = public.get("/s/Zz9Zz9Zz")
    assert unknown.status == 404 and unknown.json["error"]["code"] == "short_link_unknown"
    assert "whole link" in unknown.json["error"]["message"]
    in_russian = public.get(
        "/s/nothing1", headers={"Accept": "text/html", "Accept-Language": "ru-RU,ru;q=0.9"}
    )
    assert in_russian.status == 404 and in_russian.headers["content-type"].startswith("text/html")
    assert "Ссылка не найдена" in in_russian.text and 'lang="ru"' in in_russian.text

    # a signed link that has expired: its code says so (410), it does not pretend it never was
    expired = links.sign(
        links.LinkClaims(
            salon_id=SALON, subject="a1", purpose="feedback", expires_at=clock_at - timedelta(days=1)
        ),
        link_keys(),
    )
    short = short_links.shorten(f"{settings().public_base_url}/feedback.html?token={expired}", now=clock_at)
    gone = public.get(urlsplit(short).path)
    assert gone.status == 410 and gone.json["error"]["code"] == "short_link_expired"
    # a link whose page knows its own end (an offer's hold) lives until then
    hold = f"{settings().public_base_url}/offer.html?s={SALON}&o=Q2w3E4r5T6y7U8i9"
    held = short_links.shorten(hold, now=clock_at, valid_until=clock_at + timedelta(minutes=15))
    assert public.get(urlsplit(held).path).headers["location"] == hold
    with_values = short_links.shorten_values(
        {"offer_link": hold, "offer_link_until": (clock_at - timedelta(seconds=1)).isoformat()},
        now=clock_at,
        used={"offer_link"},
        until=short_links.lifetimes({"offer_link_until": (clock_at - timedelta(seconds=1)).isoformat()}),
    )
    assert with_values["offer_link"] == held  # the same link, the same code: its life as given last
    assert public.get(urlsplit(held).path).status == 302  # a code's life is extended, never cut short

    # an address that keeps guessing is stopped; another address is not
    answers = [public.get(f"/s/guess{n:03d}").status for n in range(short_links.MISSES_PER_ADDRESS_HOUR)]
    assert answers[-1] == 429 and set(answers[: short_links.MISSES_PER_ADDRESS_HOUR - 2]) == {404}
    limited = public.get("/s/guess999")
    assert limited.status == 429 and int(limited.headers["retry-after"]) > 0
    assert public.get(urlsplit(short).path).status == 410  # a known code still answers
    assert PublicApi(source_ip="203.0.113.10").get("/s/guess999").status == 404
    assert codes.is_code(SHORT.search(short).group(1))


def test_a_client_booking_from_a_ru_ru_browser_gets_the_notice_and_the_reminder_in_russian(
    table, clock_at, moto, short_domain
):
    make_salon(SALON, clock_at)
    made = book(PublicApi(), locale="ru-RU", name="Ева")
    assert client_store.get(SALON, made["client_id"]).locale == "ru"
    run_stream(table)
    notice = notice_of(made["client_id"], "appointment_booked")
    assert outbox.get_item(SALON, notice).status == "queued"  # routed as it was planned
    text = Sms(moto).send(notice, clock_at)
    assert text.startswith("Ева, вы записаны в Salon salon-a: Haircut, мастер Anna, вт, 24 нояб., 10:00")
    assert outbox.get_item(SALON, notice).locale == "ru"
    assert sms_info(text).segments == 2

    job_store.advance_watermark(clock_at - timedelta(minutes=2), clock_at)
    due = datetime.fromisoformat(f"{TUESDAY}T08:30:00+00:00")  # half an hour before the visit
    queued: list = []
    ticker.tick(due, lambda refs: queued.extend(refs) or [])
    for ref in queued:
        worker.run(ref, due)
    reminders = [m for m in outbox.for_client(SALON, made["client_id"]) if m.kind.startswith("reminder")]
    assert reminders
    for reminder in reminders:  # routed and rendered by their jobs
        sent = outbox.get_item(SALON, reminder.message_id)
        assert sent.status == "queued"
        assert sent.locale == "ru" and sent.text.startswith("Напоминаем: Haircut в Salon salon-a"), sent.text


@pytest.mark.parametrize(
    ("given", "kept"), [("ru_RU", "ru"), ("RU", "ru"), ("es-419", "es"), ("de-DE", "en")]
)
def test_a_locale_is_kept_as_the_language_there_are_texts_in(table, clock_at, given, kept):
    make_salon(SALON, clock_at)
    made = book(PublicApi(), locale=given)
    assert client_store.get(SALON, made["client_id"]).locale == kept


def test_a_locale_that_is_no_tag_is_refused_naming_the_field(table, clock_at):
    make_salon(SALON, clock_at)
    refused = PublicApi().post(
        f"/v1/salons/{SALON}/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T10:00:00+01:00",
            "client": {"name": "Eva", "phone": PHONE, "locale": "russian please"},
        },
    )
    assert refused.status == 422
    assert [f["field"] for f in refused.json["error"]["fields"]] == ["client.locale"]


def test_a_proven_client_who_books_in_another_language_gets_it_and_an_unproven_booking_changes_nothing(
    table, clock_at
):
    make_salon(SALON, clock_at)
    book(PublicApi(), locale="en-GB")
    client_id = client_store.client_id_by_phone(SALON, PHONE)
    assert client_store.get(SALON, client_id).locale == "en"

    book(PublicApi(), start=f"{TUESDAY}T12:00:00+01:00", locale="es-ES")  # anyone may type the phone
    assert client_store.get(SALON, client_id).locale == "en"

    proof = prove(PublicApi(), PHONE, SALON)
    book(PublicApi(), start=f"{TUESDAY}T14:00:00+01:00", locale="ru-RU", phone_proof=proof)
    assert client_store.get(SALON, client_id).locale == "ru"


def test_the_code_to_a_phone_comes_in_the_pages_language(table, clock_at):
    make_salon(SALON, clock_at)
    started = PublicApi().post(
        f"/v1/salons/{SALON}/phone-checks", {"phone": "+4915199887766", "locale": "ru_RU"}
    )
    assert started.status == 202, started.text
    message_id = f"code-{started.json['check_id']}"
    assert dispatch.dispatch(SALON, message_id, clock_at).done
    sent = outbox.get_item(SALON, message_id)
    assert sent.locale == "ru" and sent.text.startswith("Код для записи в Salon salon-a: "), sent.text
