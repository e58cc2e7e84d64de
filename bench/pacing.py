"""A campaign's messages sent at the providers' rates (``--only pacing``).

The messages stand queued for one salon as a campaign's dispatch leaves them: half on Telegram, half
on WhatsApp (an approved template). Several sender environments take them from one queue at once, each
running the sender's own delivery (:func:`regulars.app.messages.send_paced`) with a pacer of its own at
its share of each channel's rate, as Lambda runs the sender; on DynamoDB Local, against the fake Telegram
and the fake WhatsApp, real HTTP servers on loopback that answer "too many requests" past their rate
limits (the Bot API's 30 a second for a bot, the Cloud API's 80 a second for a number) and send nothing
then. The queue keeps SQS's rules in this process: a message is handed to one environment at a time, a
message put back with a delay is visible after it, and one whose handling raised is visible again after
the visibility timeout.

What it shows: every message sent exactly once (the fakes' own record, one send per address), none lost
(the outbox's statuses), the providers' 429s, and each channel's rate as the provider saw it: its sends
a second over the run and the most it took in one second (its own count, which its limit caps).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bench import dynamo
from bench.report import table

VISIBILITY_SECONDS = 120.0  # the send queue's visibility timeout (template.yaml)
CHANNELS = ("telegram", "whatsapp")


class DelayQueue:
    """SQS's rules for one queue, in this process: ``take`` hands each visible message to one taker,
    ``put`` with a delay makes a message visible then, ``release`` puts a taken message back after the
    visibility timeout, and ``done`` ends a taken batch. ``take`` answers None once nothing is waiting
    and nothing is being handled (the queue is drained for good)."""

    def __init__(self) -> None:
        self._waiting: list[tuple[float, int, str]] = []
        self._order = itertools.count()
        self._taken = 0
        self._changed = threading.Condition()

    def put(self, body: str, delay: float = 0.0) -> None:
        with self._changed:
            heapq.heappush(self._waiting, (time.monotonic() + delay, next(self._order), body))
            self._changed.notify_all()

    def take(self, most: int = 10) -> list[str] | None:
        with self._changed:
            while True:
                now, batch = time.monotonic(), []
                while self._waiting and self._waiting[0][0] <= now and len(batch) < most:
                    batch.append(heapq.heappop(self._waiting)[2])
                if batch:
                    self._taken += len(batch)
                    return batch
                if not self._waiting and not self._taken:
                    return None
                self._changed.wait(min(1.0, self._waiting[0][0] - now) if self._waiting else 1.0)

    def release(self, body: str) -> None:
        self.put(body, VISIBILITY_SECONDS)

    def done(self, count: int) -> None:
        with self._changed:
            self._taken -= count
            self._changed.notify_all()


@dataclass
class Run:
    """What the sender environments did with a queue of messages."""

    seconds: float
    outcomes: Counter[str] = field(default_factory=Counter)  # per delivery: sent, retry, paced, ...
    raised: int = 0  # deliveries whose handling raised (visible again after the visibility timeout)
    dead_letters: int = 0


def send_all(
    refs: Iterable[Any],
    channels: Callable[[], Callable[[Any], Any]],
    rates: dict[str, float],
    environments: int,
    wait: float,
    batch: int = 10,
) -> Run:
    """Hand ``refs`` (SendRefs) to ``environments`` sender environments at once, ``batch`` messages at a
    time (the send queue's BatchSize), and wait until the queue is drained. ``channels()`` builds one
    environment's channel clients; each environment paces itself at its share of ``rates`` and may wait
    ``wait`` seconds for a turn before it re-queues."""
    from regulars.app import messages
    from regulars.core import clock
    from regulars.messaging.channels.pacing import Pacer
    from regulars.messaging.outbox.sender import SendRef

    queue = DelayQueue()
    for ref in refs:
        queue.put(ref.body())
    run = Run(seconds=0.0)
    lock = threading.Lock()

    def environment() -> None:
        pacer, by_message = Pacer(rates, share=environments), channels()
        requeue = lambda ref, delay: queue.put(ref.body(), delay)  # noqa: E731

        def dead_letter(ref: Any, reason: str) -> None:
            with lock:
                run.dead_letters += 1

        while (taken := queue.take(batch)) is not None:
            for body in taken:
                try:
                    result = messages.send_paced(
                        SendRef.parse(body),
                        by_message,
                        pacer,
                        clock.now,
                        requeue=requeue,
                        dead_letter=dead_letter,
                        wait=wait,
                    )
                except Exception:  # as Lambda's partial batch response: this record again, later
                    queue.release(body)
                    with lock:
                        run.raised += 1
                else:
                    with lock:
                        run.outcomes[result.outcome] += 1
            queue.done(len(taken))

    started = time.perf_counter()
    threads = [threading.Thread(target=environment, name=f"sender-{n}") for n in range(environments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.seconds = time.perf_counter() - started
    return run


def sends_a_second(times: Sequence[datetime]) -> float:
    """Sends a second from the first send to the last."""
    if len(times) < 2:
        return float(len(times))
    span = (max(times) - min(times)).total_seconds()
    return (len(times) - 1) / span if span else float(len(times))


def queued_messages(salon_id: str, count: int, now: datetime) -> list[Any]:
    """``count`` campaign messages queued as dispatch leaves them: even ones on Telegram, odd ones on
    WhatsApp as an approved template; each to an address of its own."""
    from regulars.messaging.outbox.items import Message

    template = {"name": "seasonal_offer", "language": "en", "body_parameters": ["Client"]}
    items = []
    for n in range(count):
        telegram = n % 2 == 0
        items.append(
            Message(
                salon_id=salon_id,
                message_id=f"m{n:07d}",
                kind="campaign",
                purpose="marketing",
                recipient="client",
                client_id=f"c{n:07d}",
                campaign_id="bench",
                status="queued",
                channel="telegram" if telegram else "whatsapp",
                address=str(500_000_000 + n) if telegram else f"+4915{n:09d}",
                route=1,
                text=f"Winter offer for client {n}: 20 % off a colour until Sunday.",
                whatsapp_template=None if telegram else template,
                created_at=now,
                updated_at=now,
            )
        )
    return items


def statuses(salon_id: str) -> Counter[str]:
    """The outbox's messages of ``salon_id`` by status (one Query of the salon's messages, paged)."""
    from regulars.messaging.outbox.items import MESSAGES, Message

    pk = Message.render_key("pk", salon_id=salon_id)
    return Counter(str(m.status) for m in Message.query(pk, Message.sk.startswith(MESSAGES)))


LIMITS = {"telegram": 30, "whatsapp": 80}  # the Bot API's for a bot, the Cloud API's for a number


def template_rates() -> tuple[dict[str, float], int]:
    """The send rates and the sender's concurrency a deploy without overrides has (template.yaml)."""
    from regulars.messaging.channels.pacing import parse_rates
    from regulars_local.emulator.template import parameter_defaults

    defaults = parameter_defaults()
    return parse_rates(str(defaults["SendRates"])), int(defaults["SenderConcurrency"])


def report(messages: int = 50_000, rates: dict[str, float] | None = None) -> str:
    """``rates``: each channel's pace (messages a second), else the template's."""
    local = dynamo.start_or_reason("Provider pacing")
    if isinstance(local, str):
        return local
    from regulars_local.providers import FakeTelegram, FakeWhatsApp

    from bench.sweep import _put_all

    defaults, environments = template_rates()
    rates = {name: (rates or defaults)[name] for name in CHANNELS}
    try:
        with (
            FakeTelegram(rate_limit=LIMITS["telegram"]) as telegram,
            FakeWhatsApp(rate_limit=LIMITS["whatsapp"]) as whatsapp,
        ):
            started = time.perf_counter()
            items = queued_messages("bench", messages, datetime.now(UTC))
            for start in range(0, len(items), 2500):
                _put_all(local, items[start : start + 2500])
            filled = time.perf_counter() - started
            run = send_all(
                refs_of(items),
                fake_channels(telegram, whatsapp),
                rates,
                environments,
                wait=2.0,
            )
            return render(messages, environments, rates, filled, run, telegram, whatsapp, statuses("bench"))
    finally:
        local.stop()


def refs_of(items: Iterable[Any]) -> list[Any]:
    from regulars.messaging.outbox.sender import SendRef

    return [SendRef(i.salon_id, i.message_id, str(i.channel), int(i.route)) for i in items]


def fake_channels(telegram: Any, whatsapp: Any) -> Callable[[], Callable[[Any], Any]]:
    """Per environment: its own HTTP client and the real channel clients, pointed at the fakes."""

    def build() -> Callable[[Any], Any]:
        import httpx
        from regulars.messaging.channels.telegram import TelegramChannel
        from regulars.messaging.channels.whatsapp import WhatsAppChannel

        http = httpx.Client(timeout=10, trust_env=False)
        by_name = {
            "telegram": TelegramChannel(http, base_url=telegram.base_url, token=telegram.token),
            "whatsapp": WhatsAppChannel(
                http,
                base_url=whatsapp.base_url,
                version="v21.0",
                phone_number_id=whatsapp.phone_number_id,
                token=whatsapp.access_token,
                window_open=lambda address: False,
            ),
        }
        return lambda item: by_name[item.channel]

    return build


def provider_sends(fake: Any, operation: str) -> tuple[list[datetime], Counter[str]]:
    """When the fake accepted each send, and how many sends each address got."""
    accepted = [e for e in fake.requests if e.operation == operation and e.status == 200]
    field_name = "chat_id" if operation == "sendMessage" else "to"
    return [e.at for e in accepted], Counter(str(e.params.get(field_name)) for e in accepted)


def render(
    messages: int,
    environments: int,
    rates: dict[str, float],
    filled: float,
    run: Run,
    telegram: Any,
    whatsapp: Any,
    counted: Counter[str],
) -> str:
    rows = []
    for name, fake, operation, limit in (
        ("Telegram", telegram, "sendMessage", telegram.rate_limit),
        ("WhatsApp", whatsapp, "messages", whatsapp.rate_limit),
    ):
        times, per_address = provider_sends(fake, operation)
        rate = sends_a_second(times)
        twice = sum(1 for n in per_address.values() if n > 1)
        rows.append(
            [
                name,
                f"{messages // 2 + (messages % 2 if name == 'Telegram' else 0):,}",
                f"{len(per_address):,}",
                f"{twice:,}",
                f"{fake.refused_for_rate:,}",
                f"{rates[name.lower()]:g}",
                f"{limit}",
                f"{rate:.1f}",
                f"{fake.busiest_second}",
            ]
        )
    header = [
        "channel",
        "queued",
        "addresses sent to",
        "sent twice",
        "429 answers",
        "pace set (/s)",
        "provider's limit (/s)",
        "sends/s",
        "busiest second",
    ]
    lost = messages - counted.get("sent", 0)
    note = (
        f"{messages:,} messages queued (written in {filled:.0f} s) and sent by {environments} sender "
        f"environments at once in {run.seconds:.0f} s. The outbox afterwards: "
        f"{', '.join(f'{n:,} {s}' for s, n in sorted(counted.items()))}; {lost:,} not sent. Deliveries: "
        f"{', '.join(f'{n:,} {o}' for o, n in sorted(run.outcomes.items()))}; {run.raised} raised, "
        f"{run.dead_letters} dead letters."
    )
    return table("A campaign at the providers' rates (`--only pacing`)", header, rows, note)
