"""The outbox from dispatch to the provider, on DynamoDB Local, with the real channel clients talking
to the fake Telegram (a real HTTP server on loopback) and to SNS played by moto's server."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import httpx
import pytest
from regulars.app import messages as dispatch
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.messaging.channels.push import PushChannel
from regulars.messaging.channels.sms import SmsChannel
from regulars.messaging.channels.telegram import TelegramChannel
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox import sender
from regulars.messaging.outbox.sender import SendRef
from regulars.messaging.rules.routing import Channel
from regulars.runtime.jobs import repo as job_store
from regulars_local.providers import Forbidden, Hang, ServerError, TooManyRequests
from support.salon import desk_booking, make_salon, plan_reminder

CHAT = 700100200


@pytest.fixture
def telegram(fake_telegram):
    return fake_telegram


@pytest.fixture
def sns(moto):
    import boto3

    return boto3.client(
        "sns",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@pytest.fixture
def channels(telegram, sns):
    http = httpx.Client(timeout=5)
    by_name = {
        "telegram": TelegramChannel(http, base_url=telegram.base_url, token=telegram.token),
        "sms": SmsChannel(sns, price_micros_per_segment={"49": 75000, "default": 50000}, currency="USD"),
    }
    yield lambda item: by_name[item.channel]
    http.close()


class Requeued:
    def __init__(self):
        self.calls: list[tuple[SendRef, float]] = []
        self.dead: list[tuple[SendRef, str]] = []

    def requeue(self, ref, delay):
        self.calls.append((ref, delay))

    def dead_letter(self, ref, reason):
        self.dead.append((ref, reason))


@pytest.fixture
def queue():
    return Requeued()


def _client(
    now, *, telegram: bool = True, marketing: bool | None = None, phone: str = "+4915123456789"
) -> Client:
    consents = (
        {}
        if marketing is None
        else {
            "marketing": {
                "granted": marketing,
                "at": now.isoformat(),
                "source": "widget",
                "text": "Send me offers",
            }
        }
    )
    channels = {"telegram": {"chat_id": CHAT, "linked_at": now.isoformat()}} if telegram else {}
    return client_store.create(
        "salon-a",
        Client(
            id=f"c-{phone[-4:]}",
            name="Mia Test",
            phone=phone,
            locale="en",
            consents=consents,
            channels=channels,
            created_at=now,
        ),
    )


def _plan(
    now,
    client_id: str,
    text: str = "Hello from the salon",
    purpose: str = "transactional",
    message_id: str = "direct-1",
) -> str:
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id=message_id,
            kind="direct",
            purpose=purpose,
            recipient="client",
            client_id=client_id,
            text=text,
            created_at=now,
        )
    )
    return message_id


def _send(ref, channels, now, queue):
    return dispatch.send(ref, channels, now, requeue=queue.requeue, dead_letter=queue.dead_letter)


@pytest.fixture
def routed(table, clock_at):
    make_salon("salon-a", clock_at)

    def make(**kwargs) -> SendRef:
        client = _client(
            clock_at, **{k: v for k, v in kwargs.items() if k in ("telegram", "marketing", "phone")}
        )
        message_id = _plan(
            clock_at, client.id, **{k: v for k, v in kwargs.items() if k in ("text", "purpose")}
        )
        outcome = dispatch.dispatch("salon-a", message_id, clock_at)
        assert outcome.done, outcome.reason
        return SendRef.of(outbox.get_item("salon-a", message_id))

    return make


def test_dispatch_routes_to_the_first_channel_that_reaches_the_client(routed):
    ref = routed()
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.status, item.channel, item.address, item.route) == ("queued", "telegram", str(CHAT), 1)
    assert item.text == "Hello from the salon"


def test_two_deliveries_racing_send_once(routed, telegram, channels, queue, clock_at):
    ref = routed()
    telegram.script(Hang(1.0, delivered=True), times=1)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(_send(ref, channels, clock_at, queue)))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.outcome for r in results) == ["ignored", "ignored", "ignored", "sent"]
    assert len(telegram.messages(CHAT)) == 1
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.status, item.attempts) == ("sent", 1)
    assert (
        outbox.sent_as("telegram", f"{CHAT}:{telegram.messages(CHAT)[0].message_id}").message_id
        == ref.message_id
    )
    assert _send(ref, channels, clock_at, queue).outcome == "ignored"  # redelivered after it was sent


def test_429_waits_for_retry_after_then_sends_once(routed, telegram, channels, queue, clock_at):
    ref = routed()
    telegram.script(TooManyRequests(7), times=1)
    assert _send(ref, channels, clock_at, queue).outcome == "retry"
    assert queue.calls == [(ref, 7.0)]
    item = outbox.get_item("salon-a", ref.message_id)
    assert item.status == "queued" and item.retry_at == clock_at + timedelta(seconds=7)
    # a delivery that comes early waits again, for what is left
    assert _send(ref, channels, clock_at + timedelta(seconds=3), queue).outcome == "waiting"
    assert queue.calls[-1] == (ref, 4.0)
    assert _send(ref, channels, clock_at + timedelta(seconds=8), queue).outcome == "sent"
    assert len(telegram.messages(CHAT)) == 1
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.attempts, item.throttled) == (1, 1)  # a 429 is the channel's pace, not a failed attempt


def test_a_provider_slowing_the_channel_down_never_uses_up_the_attempts(
    routed, telegram, channels, queue, clock_at
):
    ref = routed()
    telegram.script(TooManyRequests(1), times=sender.MAX_ATTEMPTS + 2)
    at, outcomes = clock_at, []
    for _ in range(sender.MAX_ATTEMPTS + 3):
        outcomes.append(_send(ref, channels, at, queue).outcome)
        at += timedelta(seconds=2)
    assert outcomes == ["retry"] * (sender.MAX_ATTEMPTS + 2) + ["sent"]
    assert queue.dead == [] and {delay for _, delay in queue.calls} == {1.0}
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.status, item.attempts, item.throttled) == ("sent", 1, sender.MAX_ATTEMPTS + 2)
    assert len(telegram.messages(CHAT)) == 1


def test_without_retry_after_the_backoff_doubles_and_the_last_attempt_goes_to_the_dead_letter_queue(
    routed, telegram, channels, queue, clock_at
):
    ref = routed()
    telegram.script(ServerError(502))
    at = clock_at
    outcomes = []
    for _ in range(sender.MAX_ATTEMPTS):
        outcomes.append(_send(ref, channels, at, queue).outcome)
        at += timedelta(minutes=20)
    assert outcomes == ["retry"] * (sender.MAX_ATTEMPTS - 1) + ["failed"]
    assert [delay for _, delay in queue.calls] == [5.0, 10.0, 20.0, 40.0]
    assert len(queue.dead) == 1 and queue.dead[0][0] == ref
    item = outbox.get_item("salon-a", ref.message_id)
    assert item.status == "failed" and item.error.startswith("gave up after 5 attempts")


def test_a_blocked_bot_falls_back_to_sms_and_telegram_is_not_tried_again(
    routed, telegram, channels, queue, clock_at
):
    ref = routed(text="Ünïcode costs more: ж")
    telegram.script(Forbidden.BOT_BLOCKED)
    result = _send(ref, channels, clock_at, queue)
    assert result.outcome == "rerouted"
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.status, item.channel, item.route, item.failed_channels) == ("queued", "sms", 2, ["telegram"])
    assert _send(ref, channels, clock_at, queue).outcome == "ignored"  # the old route's delivery
    assert _send(SendRef.of(item), channels, clock_at, queue).outcome == "sent"
    item = outbox.get_item("salon-a", ref.message_id)
    assert (item.status, item.segments, item.cost_amount, item.cost_currency) == ("sent", 1, 75000, "USD")
    client = client_store.get("salon-a", item.client_id)
    assert client.channels["telegram"]["unreachable"]["reason"] == "Forbidden: bot was blocked by the user"
    # the next message goes by SMS straight away
    second = _plan(clock_at, item.client_id, message_id="direct-2")
    dispatch.dispatch("salon-a", second, clock_at)
    assert outbox.get_item("salon-a", second).channel == "sms"


def test_a_sender_that_died_mid_send_is_not_sent_again(routed, channels, queue, clock_at):
    ref = routed()
    item = outbox.get_item("salon-a", ref.message_id)
    assert outbox.claim(item, clock_at)  # a sender claimed it, then its environment died
    assert _send(ref, channels, clock_at + timedelta(minutes=1), queue).outcome == "ignored"
    late = _send(ref, channels, clock_at + sender.STUCK_AFTER + timedelta(minutes=1), queue)
    assert late.outcome == "failed"
    assert outbox.get_item("salon-a", ref.message_id).status == "failed"


def test_the_providers_id_is_kept_only_where_what_comes_back_names_the_message_by_it(
    table, clock_at, sns, queue
):
    """An SMS's id is kept, so a reply quoting it finds the message; a push comes back with nothing,
    so its id is not written at all."""
    make_salon("salon-a", clock_at)
    application = sns.create_platform_application(
        Name="regulars-fcm", Platform="GCM", Attributes={"PlatformCredential": "{}"}
    )["PlatformApplicationArn"]
    endpoint = sns.create_platform_endpoint(PlatformApplicationArn=application, Token="fcm-mia")[
        "EndpointArn"
    ]
    client = _client(clock_at, telegram=False)
    client_store.update("salon-a", client.id, {"channels": {"push": {"endpoint_arn": endpoint}}})
    by_name = {"push": PushChannel(sns), "sms": SmsChannel(sns, price_micros_per_segment={}, currency="USD")}
    from regulars.salon import repo as catalog_store

    sent = {}
    for channel in ("push", "sms"):
        settings = catalog_store.load_catalog("salon-a").salon.settings.model_dump()
        catalog_store.update_salon("salon-a", settings={**settings, "channel_order": [channel]})
        catalog_store.forget("salon-a")
        message_id = _plan(clock_at, client.id, message_id=f"by-{channel}")
        assert dispatch.dispatch("salon-a", message_id, clock_at).done
        ref = SendRef.of(outbox.get_item("salon-a", message_id))
        assert _send(ref, lambda item: by_name[item.channel], clock_at, queue).outcome == "sent"
        sent[channel] = outbox.get_item("salon-a", message_id)
        assert (sent[channel].channel, sent[channel].status) == (channel, "sent")

    assert outbox.sent_as("sms", sent["sms"].provider_id).message_id == "by-sms"
    assert outbox.sent_as("push", sent["push"].provider_id) is None


def test_marketing_needs_consent_respects_quiet_hours_and_the_cap(table, clock_at):
    make_salon("salon-a", clock_at, marketing_cap=2, marketing_cap_days=7)
    no = _client(clock_at, telegram=False, phone="+4915100000001")
    yes = _client(clock_at, telegram=False, marketing=True, phone="+4915100000002")
    skipped = _plan(clock_at, no.id, purpose="marketing", message_id="offer-no")
    assert dispatch.dispatch("salon-a", skipped, clock_at).reason == (
        "no marketing consent on any channel that reaches the client"
    )
    for n in range(2):
        sent = _plan(clock_at, yes.id, purpose="marketing", message_id=f"offer-{n}")
        assert dispatch.dispatch("salon-a", sent, clock_at).done
    capped = _plan(clock_at, yes.id, purpose="marketing", message_id="offer-capped")
    assert dispatch.dispatch("salon-a", capped, clock_at).reason.startswith("frequency cap")
    assert outbox.get_item("salon-a", capped).status == "skipped"
    # 22:30 in Berlin: held until 09:00, with a dispatch job due then
    late = clock_at.replace(hour=21, minute=30) + timedelta(days=8)
    held = _plan(late, yes.id, purpose="marketing", message_id="offer-late")
    outcome = dispatch.dispatch("salon-a", held, late)
    assert outcome.reason == "held: quiet hours"
    item = outbox.get_item("salon-a", held)
    assert item.status == "planned" and item.not_before.isoformat() == "2026-12-02T08:00:00+00:00"
    (job,) = [j for j in job_store.jobs_of("salon-a", f"MSG#{held}")]
    assert job.due_at == item.not_before
    assert dispatch.dispatch("salon-a", held, item.not_before).done
    assert outbox.get_item("salon-a", held).status == "queued"
    # one that can never go is skipped at once, not held for the night first
    never = _plan(late, no.id, purpose="marketing", message_id="offer-late-no")
    assert dispatch.dispatch("salon-a", never, late).reason == (
        "no marketing consent on any channel that reaches the client"
    )
    assert outbox.get_item("salon-a", never).status == "skipped"


def test_at_night_a_message_that_can_wait_waits_for_the_morning_and_one_that_cannot_goes(table, clock_at):
    """22:30 in Berlin: a burn warning and a bonus earned wait for 09:00 (as a feedback request after an
    evening visit does); the salon's word typed at the desk goes at once."""
    make_salon("salon-a", clock_at)
    client = _client(clock_at, telegram=False, phone="+4915100000003")
    late = clock_at.replace(hour=21, minute=30) + timedelta(days=1)
    for kind, values in (
        ("bonus_burn_warning", {"amount": 150, "expires_at": (late + timedelta(days=7)).isoformat()}),
        (
            "bonus_earned",
            {"amount": 150, "balance": 150, "expires_at": (late + timedelta(days=90)).isoformat()},
        ),
    ):
        outbox.plan(
            outbox.PlannedMessage(
                salon_id="salon-a",
                message_id=f"{kind}-late",
                kind=kind,
                purpose="transactional",
                recipient="client",
                client_id=client.id,
                created_at=late,
                values=values,
            )
        )
        assert dispatch.dispatch("salon-a", f"{kind}-late", late).reason == "held: quiet hours", kind
        item = outbox.get_item("salon-a", f"{kind}-late")
        assert item.status == "planned" and item.not_before.isoformat() == "2026-11-25T08:00:00+00:00"
    now = _plan(late, client.id, message_id="direct-late")
    assert dispatch.dispatch("salon-a", now, late).done
    assert outbox.get_item("salon-a", now).status == "queued"


def test_a_reminder_for_a_visit_cancelled_meanwhile_is_skipped(table, clock_at):
    from regulars.booking import service as booking

    make_salon("salon-a", clock_at)
    made = desk_booking("salon-a", "Mia", "+49 170 5550399")
    plan_reminder(made, "reminder-x", clock_at)
    booking.cancel("salon-a", made["id"], now=clock_at, by="admin")
    assert dispatch.dispatch("salon-a", "reminder-x", clock_at).reason == "the visit is cancelled"
    assert outbox.get_item("salon-a", "reminder-x").skip_reason == "the visit is cancelled"


def test_the_channel_order_is_the_salons(table, clock_at):
    make_salon("salon-a", clock_at)
    from regulars.salon import repo as catalog_store

    settings = catalog_store.load_catalog("salon-a").salon.settings.model_dump()
    catalog_store.update_salon("salon-a", settings={**settings, "channel_order": ["sms", "telegram"]})
    catalog_store.forget("salon-a")
    client = _client(clock_at)
    message_id = _plan(clock_at, client.id)
    dispatch.dispatch("salon-a", message_id, clock_at)
    assert outbox.get_item("salon-a", message_id).channel == Channel.SMS.value


def test_a_salon_text_that_cannot_be_filled_is_skipped_with_the_reason_not_retried(table, clock_at):
    from regulars.booking import service as booking
    from regulars.salon import repo as catalog_store

    make_salon("salon-a", clock_at)
    rules = catalog_store.load_catalog("salon-a").salon.settings.model_dump()
    # allowed for the kind, but a cancelled visit has no manage link to offer
    rules["templates"] = {"appointment_cancelled": {"en": "Cancelled. Book again: {manage_link}"}}
    catalog_store.update_salon("salon-a", settings=rules)
    catalog_store.forget("salon-a")
    made = desk_booking("salon-a", "Mia", "+49 170 5550398")
    booking.cancel("salon-a", made["id"], now=clock_at, by="admin")
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id="cancelled-1",
            kind="appointment_cancelled",
            purpose="transactional",
            recipient="client",
            client_id=made["client_id"],
            appointment_id=made["id"],
            created_at=clock_at,
        )
    )
    outcome = dispatch.dispatch("salon-a", "cancelled-1", clock_at)
    assert outcome.reason == "the template cannot be used: no value for {manage_link}"
    assert outbox.get_item("salon-a", "cancelled-1").status == "skipped"


def test_past_the_daily_sms_budget_only_what_a_visit_needs_goes_by_sms(table, clock_at, channels, queue, sns):
    make_salon("salon-a", clock_at, protection={"phone_check": "never", "sms_daily_parts": 2})
    client = _client(clock_at, telegram=False)
    results = []
    for n in range(3):  # a salon's own note is not essential
        message_id = _plan(clock_at, client.id, message_id=f"direct-{n}")
        assert dispatch.dispatch("salon-a", message_id, clock_at).done
        results.append(_send(SendRef.of(outbox.get_item("salon-a", message_id)), channels, clock_at, queue))
    assert [r.outcome for r in results] == ["sent", "sent", "over_budget"]
    assert outbox.get_item("salon-a", "direct-2").skip_reason == "the salon's daily SMS budget is spent"
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id="code-x",
            kind="phone_code",
            purpose="transactional",
            recipient="phone",
            created_at=clock_at,
            values={"code": "123456", "phone": "+4915100000001"},
        )
    )
    assert dispatch.dispatch("salon-a", "code-x", clock_at).done
    assert (
        _send(SendRef.of(outbox.get_item("salon-a", "code-x")), channels, clock_at, queue).outcome == "sent"
    )
    tomorrow = clock_at + timedelta(days=1)
    message_id = _plan(tomorrow, client.id, message_id="direct-next-day")
    assert dispatch.dispatch("salon-a", message_id, tomorrow).done
    assert (
        _send(SendRef.of(outbox.get_item("salon-a", message_id)), channels, tomorrow, queue).outcome == "sent"
    )


def test_a_cancelled_visit_skips_its_reminder_not_yet_sent_and_leaves_the_sent_one_unwritten(table, clock_at):
    from regulars.booking import reminders
    from regulars.booking import repo as appointment_store
    from regulars.booking import service as booking
    from regulars.core.events import AppointmentEvent, EventType
    from regulars.messaging.outbox.items import Message
    from regulars.runtime.jobs.repo import JobRef
    from regulars.runtime.jobs.subjects import Subject

    make_salon("salon-a", clock_at)
    made = desk_booking("salon-a", "Mia", "+49 170 5550398")
    for job_id in (
        "reminder-sent",
        "reminder-queued",
    ):  # both reminders' jobs acted on: their messages planned
        job_store.schedule(
            "salon-a",
            job_id,
            kind="reminder",
            subject=Subject.VISIT.of(made["id"]),
            due_at=clock_at,
            payload={},
            now=clock_at,
        )
        assert job_store.mark_queued(JobRef("salon-a", job_id), clock_at)
        assert job_store.finish(JobRef("salon-a", job_id), "reminder planned", clock_at)
        plan_reminder(made, job_id, clock_at)
    Message(salon_id="salon-a", message_id="reminder-sent").update(actions=[Message.status.set("sent")])
    sent_before = outbox.get_item("salon-a", "reminder-sent")
    assert outbox.unsent("salon-a", ["reminder-sent", "reminder-queued", "no-such"]) == {"reminder-queued"}

    booking.cancel("salon-a", made["id"], now=clock_at, by="admin")
    visit = appointment_store.find("salon-a", made["id"])
    assert visit is not None
    reminders.on_event(
        AppointmentEvent(type=EventType.CANCELLED, event_id="e", salon_id="salon-a", appointment=visit),
        clock_at,
    )
    queued, sent = outbox.get_item("salon-a", "reminder-queued"), outbox.get_item("salon-a", "reminder-sent")
    assert (queued.status, queued.skip_reason) == ("skipped", "the visit is cancelled")
    assert sent.status == "sent" and sent.updated_at == sent_before.updated_at  # not written at all


def test_the_owner_is_told_once_a_day_that_the_salons_sms_budget_is_spent(
    table, clock_at, sns, moto, monkeypatch
):
    """The notice the sender publishes on the alarm topic (an e-mail to the operator), read back through
    an SQS subscription in moto: one per salon-day, naming the salon and the budget."""
    from regulars.runtime import queues
    from regulars_local.emulator import aws

    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", moto)
    queues._sns.cache_clear()
    sqs = aws.client("sqs", moto, "us-east-1")
    topic = sns.create_topic(Name=f"alarms-{uuid.uuid4().hex[:8]}")["TopicArn"]
    mailbox = sqs.create_queue(QueueName=f"mailbox-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=mailbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
    make_salon("salon-a", clock_at, protection={"phone_check": "never", "sms_daily_parts": 2})
    notice = sender.budget_notice_on(topic)
    try:
        assert notice("salon-a", clock_at)
        assert not notice("salon-a", clock_at + timedelta(hours=2))  # the same day: told already
        assert notice("salon-a", clock_at + timedelta(days=1))
    finally:
        queues._sns.cache_clear()
    told = [
        json.loads(m["Body"])
        for m in sqs.receive_message(QueueUrl=mailbox, MaxNumberOfMessages=10)["Messages"]
    ]
    assert sorted(t["Subject"].rsplit(" ", 1)[1] for t in told) == ["2026-11-23", "2026-11-24"]
    assert all(t["Subject"].startswith("Regulars: ") and "spent its SMS budget" in t["Subject"] for t in told)
    assert "has sent the 2 SMS parts its daily budget allows" in told[0]["Message"]


def test_senders_pacing_a_campaign_past_a_stricter_provider_send_each_message_once(table, clock_at):
    """Two sender environments at once, paced at 40 a second, against a Telegram that takes one a second:
    their first two sends meet in its second, the refused one comes back later, and every message
    reaches its address once, none given up, the provider's rate held."""
    from regulars_local.providers import FakeTelegram, FakeWhatsApp

    from bench import pacing

    items = pacing.queued_messages("salon-a", 8, clock_at)  # 4 on Telegram, 4 on WhatsApp
    for item in items:
        item.save()
    with FakeTelegram(rate_limit=1) as telegram, FakeWhatsApp() as whatsapp:
        run = pacing.send_all(
            pacing.refs_of(items),
            pacing.fake_channels(telegram, whatsapp),
            {"telegram": 40.0, "whatsapp": 40.0},
            environments=2,
            wait=2.0,
            batch=2,  # each environment takes a Telegram message and a WhatsApp one at a time
        )
        times, per_address = pacing.provider_sends(telegram, "sendMessage")
        assert telegram.refused_for_rate > 0 and len(per_address) == 4 and set(per_address.values()) == {1}
        assert (max(times) - min(times)).total_seconds() >= 3  # one a second: the pace alone is 40
        assert len(pacing.provider_sends(whatsapp, "messages")[1]) == 4
    assert (run.raised, run.dead_letters, run.outcomes["sent"]) == (0, 0, 8)
    stored = [outbox.get_item("salon-a", item.message_id) for item in items]
    assert {(m.status, m.attempts) for m in stored} == {("sent", 1)}
    assert sum(int(m.throttled or 0) for m in stored) == telegram.refused_for_rate
