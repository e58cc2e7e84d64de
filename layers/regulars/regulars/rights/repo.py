"""A client's personal data, found by key: handed over (export) and removed (erasure); the table
side of a client's data rights.

Nothing here scans. Every item that can hold a client's name, phone, e-mail, birthday, chat id or
words is reached through a key the client's id leads to: the client's partition in the second index
(visits, ledger, feedback, tasks, defections, referral codes, Telegram links) and in the third (the
client's messages; the jobs are found there by their subject), messages to others about the client
(the first index, ``ABOUT#``), the client's lots and campaign memberships
(their sort-key prefix), the in-bound addresses the client's messages went to, the client's
idempotency answers (a day's worth), the jobs whose subject is the client or one of their visits or
messages, and the salon's analytics snapshot (its top clients).

Every step is idempotent, so an erasure that stops half way is finished by running it again; the
client item is changed last, which is what marks the erasure done. Written last, it also takes the
client out of every index its keys are derived for (the name search, the lifecycle lists).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from regulars.analytics.items import AnalyticsSnapshot
from regulars.booking.items import Appointment
from regulars.campaigns.repo import memberships
from regulars.clients.items import Client, PhoneIndex, ReferralCode
from regulars.clients.repo import name_words
from regulars.core.appointments import AppointmentStatus
from regulars.feedback.items import Feedback, Task
from regulars.loyalty.items import LedgerEntry, LoyaltyAccount
from regulars.loyalty.repo import lot_items
from regulars.messaging.contacts.items import Contact, TelegramLink
from regulars.messaging.outbox.items import Message, ProviderMessage
from regulars.messaging.outbox.repo import OPEN, provider_key
from regulars.retention.items import Defection
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import subject_jobs
from regulars.runtime.jobs.subjects import Subject
from regulars.store.base import Entity, Tx, TxFailed
from regulars.store.filed import dump
from regulars.store.items import AuditEntry, IdempotencyRecord
from regulars.waitlist.items import WAITING, WaitlistEntry

ERASED = "client erased"
ERASED_NAME = "Erased client"
KEEP_JOB_KINDS = frozenset({"lifecycle-check"})  # what keeps the salon's figures right needs no personal data
# The kinds of job subject that lead to a client but whose jobs an erasure leaves alone, and why
LEFT_SUBJECTS: dict[Subject, str] = {
    Subject.LOT: "a lot's expiry keeps the figures right and holds nothing of the person",
    Subject.CANCELLED: "a cancellation's rebooking check keeps the figures, holds nothing of the person",
}
# What a visit's history entry keeps: facts, not words (a reason given is the client's or quotes them)
HISTORY_FACTS = frozenset(
    {"at", "action", "by", "late", "salon_initiated", "start", "staff_id", "paid_amount", "bonus_amount"}
)
# What an export hands over from the client's partitions of the second and third index, by section
SECTIONS: dict[str, type[Entity]] = {
    "visits": Appointment,
    "messages": Message,
    "ledger": LedgerEntry,
    "feedback": Feedback,
    "tasks": Task,
    "defections": Defection,
    "referral_codes": ReferralCode,
}


def about(salon_id: str, client_id: str) -> list[Message]:
    """Messages to others (a staff member, a manager) that speak of the client."""
    hk = Message.render_key("gsi1pk", salon_id=salon_id, about_client_id=client_id)
    return [i for i in Entity.by_gsi1.query(hk) if isinstance(i, Message)]


def holdings(salon_id: str, client: Client, items: list[Entity], phone_hash: str | None) -> dict[str, Any]:
    """Everything held about the client (``items``: their history), each item as its own attributes,
    JSON-ready: the client (with their consents and the evidence of each), the sections of their
    history, the messages to others about them, their bonus account and every lot, their campaign
    memberships, and the waitlist entries of their phone (``phone_hash``: kept under it, as a waiting
    client may be no client yet). Telegram link tokens are left out: they are keys, not data."""
    out: dict[str, Any] = {"client": dump(client)}
    for name, cls in SECTIONS.items():
        out[name] = [dump(i) for i in items if isinstance(i, cls)]
    out["messages_about"] = [dump(i) for i in about(salon_id, client.client_id)]
    account = LoyaltyAccount.find(salon_id=salon_id, client_id=client.client_id, consistent=True)
    out["loyalty"] = {
        "account": dump(account) if account else None,
        "lots": [dump(i) for i in lot_items(salon_id, client.client_id)],
    }
    out["campaigns"] = [dump(i) for i in memberships(salon_id, client.client_id)]
    out["waitlist"] = []
    if phone_hash is not None:  # an erased client has no phone, and their entries went with it
        hk = WaitlistEntry.render_key("gsi2pk", salon_id=salon_id, phone_hash=phone_hash)
        found = Entity.by_gsi2.query(hk, Entity.gsi2sk.startswith(WAITING))
        out["waitlist"] = [dump(i) for i in found if isinstance(i, WaitlistEntry)]
    return out


def scrub_message(item: Message, now: datetime) -> None:
    """The words, the address and the provider's id go (a WhatsApp id spells the phone number); kind,
    purpose, channel, status and cost stay (the figures). A message not yet handed to a provider is
    skipped, so it never goes out."""
    actions: list[Any] = [
        Message.text.remove(),
        Message.address.remove(),
        Message.values.set({}),
        Message.buttons.remove(),
        Message.whatsapp_template.remove(),
        Message.error.remove(),
        Message.provider_id.remove(),
        Message.updated_at.set(now),
    ]
    if item.status in OPEN:
        actions += [Message.status.set("skipped"), Message.skip_reason.set(ERASED)]
    provider = (
        provider_key(item.channel, item.address, item.provider_id)
        if item.provider_id and item.channel
        else None
    )
    item.update(actions, add_version_condition=False)
    if provider:  # its key may hold the address (a Telegram chat)
        ProviderMessage(channel=item.channel, provider_id=provider).delete_existing()


def _facts(history: list[dict]) -> list[dict]:
    return [{k: v for k, v in entry.items() if k in HISTORY_FACTS} for entry in history or []]


def scrub(salon_id: str, client_id: str, items: list[Entity], now: datetime) -> Counter:
    """Remove the personal data from the items filed under the client (their history) and from the
    messages about them; what each item counts in the salon's figures stays. The links back to the
    client (their referral codes, Telegram link tokens) go."""
    done: Counter = Counter()
    for item in items:
        if isinstance(item, Appointment):
            facts = _facts(item.history)
            if (
                item.client_name is not None
                or item.cancel_reason is not None
                or facts != (item.history or [])
            ):
                item.update(
                    [
                        Appointment.client_name.remove(),
                        Appointment.cancel_reason.remove(),
                        Appointment.history.set(facts),
                    ],
                    add_version_condition=False,
                )
                done["visits"] += 1
        elif isinstance(item, Message):
            scrub_message(item, now)
            done["messages"] += 1
        elif isinstance(item, Feedback) and item.comment:
            item.update([Feedback.comment.remove()])
            done["feedback"] += 1
        elif isinstance(item, Task):
            item.update(
                [Task.summary.set(f"{item.kind.replace('_', ' ')} (client erased)"), Task.note.remove()]
            )
            done["tasks"] += 1
        elif isinstance(item, Defection) and item.detail:
            item.update([Defection.detail.remove()], add_version_condition=False)
            done["defections"] += 1
        elif isinstance(item, LedgerEntry) and item.reason:
            item.update([LedgerEntry.reason.remove()])
            done["ledger"] += 1
        elif isinstance(item, ReferralCode | TelegramLink):
            done["links"] += item.delete_existing()
    for item in about(salon_id, client_id):
        scrub_message(item, now)
        done["messages_about"] += 1
    return done


def forget_addresses(salon_id: str, addresses: set[tuple[str, str]]) -> int:
    """The in-bound addresses (a phone, a chat) that led to the client in this salon."""
    return sum(
        Contact(channel=channel, address=address, salon_id=salon_id).delete_existing()
        for channel, address in addresses
    )


def forget_answers(salon_id: str, needles: list[str]) -> int:
    """Stored answers to idempotent requests (a booking's, say) that hold any of ``needles`` (the
    client's id, phone, e-mail, the ids of their visits: a widget's answer names only its visit)."""
    pk = IdempotencyRecord.render_key("pk", salon_id=salon_id)
    gone = 0
    for item in Entity.query(pk, Entity.sk.startswith("IDEMPOTENCY#")):
        if isinstance(item, IdempotencyRecord) and any(n in (item.body or "") for n in needles):
            gone += item.delete_existing()
    return gone


def forget_links(salon_id: str, referral_codes: list[str], telegram_tokens: list[str]) -> int:
    """The referral codes and Telegram links as each key of the ring derives them (items written before
    they were filed under the client are not in the client's history)."""
    return sum(ReferralCode(salon_id=salon_id, code=code).delete_existing() for code in referral_codes) + sum(
        TelegramLink(token=token).delete_existing() for token in telegram_tokens
    )


def job_subjects(client_id: str, items: list[Entity]) -> list[str]:
    """The subjects of the jobs that may message the client or keep something of them: the client's
    own (invitations and lifecycle checks, win-back waves, bonus warnings, birthdays, tier reviews),
    each of their visits' (reminders and feedback requests; rebook invitations after a missed one)
    and each held message's (its dispatch when the hold ends). The other kinds that lead to a client
    are left alone, for the reasons in :data:`LEFT_SUBJECTS`."""
    subjects = [kind.of(client_id) for kind in (Subject.CLIENT, Subject.WINBACK, Subject.LOYALTY)]
    for item in items:
        if isinstance(item, Appointment):
            subjects.append(Subject.VISIT.of(item.appointment_id))
            if item.status == "no_show" or item.late_cancellation:
                subjects.append(Subject.MISSED.of(item.appointment_id))
        elif isinstance(item, Message) and item.status == "planned":
            subjects.append(Subject.MESSAGE.of(item.message_id))
    return subjects


def forget_jobs(salon_id: str, subjects: list[str], now: datetime, words: list[str]) -> int:
    """The client's pending messages-to-be are cancelled, and what a job kept of them (a birthday,
    their words in an outcome) goes; the lifecycle checks stay."""
    changed = 0
    for subject in subjects:
        for job in subject_jobs(salon_id, subject):
            actions: list[Any] = []
            if "birthday" in (job.payload or {}):
                actions.append(Job.payload.set({k: v for k, v in job.payload.items() if k != "birthday"}))
            if job.outcome and _cut(job.outcome, words) != job.outcome:
                actions.append(Job.outcome.set(_cut(job.outcome, words)))
            if job.status == "pending" and job.kind not in KEEP_JOB_KINDS:
                actions += [
                    Job.status.set("cancelled"),
                    Job.outcome.set(ERASED),
                    Job.updated_at.set(now),
                    Job.gsi1pk.remove(),
                    Job.gsi1sk.remove(),
                ]
            if actions:
                job.update(actions, condition=Job.status == job.status)
                changed += 1
    return changed


def forget_in_snapshot(salon_id: str, client_id: str) -> int:
    """The client's name among the salon's top clients in the analytics snapshot (the next snapshot
    leaves erased clients out; this one keeps the figures, without the name)."""
    item = AnalyticsSnapshot.find(salon_id=salon_id, consistent=True)
    if item is None:
        return 0
    top = (item.figures or {}).get("top_clients") or []
    if not any(t.get("client_id") == client_id for t in top):
        return 0
    figures = {
        **item.figures,
        "top_clients": [{**t, "name": ERASED_NAME} if t.get("client_id") == client_id else t for t in top],
    }
    item.update(
        [AnalyticsSnapshot.figures.set(figures)], condition=AnalyticsSnapshot.taken_at == item.taken_at
    )
    return 1


def words_of(items: list[Entity]) -> list[str]:
    """What the client wrote or what was written of them in free text (feedback comments, the words
    behind a defection, a cancellation's reason, the words in a visit's history, a task's note),
    longest first: cut from what keeps a record of them (the lifecycle record, job outcomes)."""
    words: set[str | None] = set()
    for i in items:
        if isinstance(i, Feedback):
            words.add(i.comment)
        elif isinstance(i, Defection):
            words.add(i.detail)
        elif isinstance(i, Task):
            words.add(i.note)
        elif isinstance(i, Appointment):
            words.add(i.cancel_reason)
            words |= {
                v
                for e in i.history or []
                for k, v in e.items()
                if k not in HISTORY_FACTS and isinstance(v, str)
            }
    return sorted((w for w in words if w), key=len, reverse=True)


def _cut(value: Any, words: list[str]) -> Any:
    """``value`` (a JSON record) with ``words`` cut out of every text in it."""
    if isinstance(value, str):
        for w in words:
            value = value.replace(f": {w}", "").replace(w, "")
        return value
    if isinstance(value, dict):
        return {k: _cut(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_cut(v, words) for v in value]
    return value


def erase_client(item: Client, now: datetime, audit: AuditEntry, words: list[str]) -> bool:
    """The client item keeps only what the salon's figures need (their lifecycle record without the
    words they wrote); the phone claim goes; the audit entry is written with it. The item is written
    whole, so its index keys are derived again: an erased client is in no index. False if the client
    changed meanwhile (read again and retry)."""
    phone, name = item.phone, item.name
    item.lifecycle = _cut(item.lifecycle, words) if item.lifecycle else item.lifecycle
    item.name, item.name_key, item.phone, item.email = ERASED_NAME, None, None, None
    item.birthday, item.notes, item.tags = None, None, set()
    item.consents, item.channels, item.invited = {}, {}, {}
    item.erased_at = now
    tx = Tx()
    tx.put(item, label="client")  # under the version read
    if phone:
        tx.delete(PhoneIndex(salon_id=item.salon_id, phone=phone, client_id=item.client_id), label="phone")
    for word in name_words(item.salon_id, item.client_id, name):
        tx.delete(word, label="name")
    tx.put(audit, AuditEntry.pk.does_not_exist(), label="audit")
    try:
        tx.commit()
    except TxFailed as exc:
        if "client" in exc.failed or "client" in exc.contended:
            return False
        raise
    return True


def upcoming_visits(items: list[Entity], now: datetime) -> int:
    """How many of the filed visits are still to come."""
    return sum(
        1 for a in items if isinstance(a, Appointment) and a.end > now and AppointmentStatus(a.status).active
    )


def message_addresses(items: list[Entity]) -> set[tuple[str, str]]:
    """(channel, address) of every filed message that went somewhere."""
    return {(x.channel, str(x.address)) for x in items if isinstance(x, Message) and x.channel and x.address}


def visit_ids(items: list[Entity]) -> list[str]:
    return [x.appointment_id for x in items if isinstance(x, Appointment)]
