"""A client's personal data, found by key and removed: the table side of the right to erasure.

Nothing here scans. Every item that can hold a client's name, phone, e-mail, birthday, chat id or
words is reached through a key the client's id leads to: the client's partition in the second index
(visits, messages, ledger, feedback, tasks, defections), messages to others about the client (the
first index, ``ABOUT#``), the in-bound addresses the client's messages went to, the client's
idempotency answers (a day's worth), the referral code and the Telegram link (derived from the id).

Every step is idempotent, so an erasure that stops half way is finished by running it again; the
client item is changed last, which is what marks the erasure done.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from regulars.store.base import Entity, Tx, TxFailed
from regulars.store.models import (
    Appointment,
    AuditEntry,
    Client,
    Contact,
    Defection,
    Feedback,
    IdempotencyRecord,
    Job,
    LedgerEntry,
    Message,
    PhoneIndex,
    ProviderMessage,
    ReferralCode,
    Task,
    TelegramLink,
)
from regulars.store.outbox import OPEN, provider_key

ERASED = "client erased"
KEEP_JOB_KINDS = frozenset({"lifecycle-check"})  # what keeps the salon's figures right needs no personal data


def about(salon_id: str, client_id: str) -> list[Message]:
    """Messages to others (a staff member, a manager) that speak of the client."""
    hk = Message.render_key("gsi1pk", salon_id=salon_id, about_client_id=client_id)
    return [i for i in Entity.by_gsi1.query(hk) if isinstance(i, Message)]


def scrub_message(item: Message, now: datetime) -> None:
    """The words and the address go; kind, purpose, channel, status and cost stay (the figures).
    A message not yet handed to a provider is skipped, so it never goes out."""
    actions: list[Any] = [Message.text.remove(), Message.address.remove(), Message.values.set({}),
                          Message.buttons.remove(), Message.whatsapp_template.remove(), Message.error.remove(),
                          Message.updated_at.set(now)]
    if item.status in OPEN:
        actions += [Message.status.set("skipped"), Message.skip_reason.set(ERASED)]
    provider = provider_key(item.channel, item.address, item.provider_id) if item.provider_id and item.channel else None
    item.update(actions, add_version_condition=False)
    if provider:  # its key may hold the address (a Telegram chat)
        ProviderMessage(channel=item.channel, provider_id=provider).delete_existing()


def scrub(salon_id: str, client_id: str, items: list[Entity], now: datetime) -> Counter:
    """Remove the personal data from the items filed under the client (their history) and from the
    messages about them; what each item counts in the salon's figures stays."""
    done: Counter = Counter()
    for item in items:
        if isinstance(item, Appointment) and item.client_name is not None:
            item.update([Appointment.client_name.remove()], add_version_condition=False)
            done["visits"] += 1
        elif isinstance(item, Message):
            scrub_message(item, now)
            done["messages"] += 1
        elif isinstance(item, Feedback) and item.comment:
            item.update([Feedback.comment.remove()])
            done["feedback"] += 1
        elif isinstance(item, Task):
            item.update([Task.summary.set(f"{item.kind.replace('_', ' ')} (client erased)"), Task.note.remove()])
            done["tasks"] += 1
        elif isinstance(item, Defection) and item.detail:
            item.update([Defection.detail.remove()], add_version_condition=False)
            done["defections"] += 1
        elif isinstance(item, LedgerEntry) and item.reason:
            item.update([LedgerEntry.reason.remove()])
            done["ledger"] += 1
    for item in about(salon_id, client_id):
        scrub_message(item, now)
        done["messages_about"] += 1
    return done


def forget_addresses(salon_id: str, addresses: set[tuple[str, str]]) -> int:
    """The in-bound addresses (a phone, a chat) that led to the client in this salon."""
    return sum(Contact(channel=channel, address=address, salon_id=salon_id).delete_existing()
               for channel, address in addresses)


def forget_answers(salon_id: str, needles: list[str]) -> int:
    """Stored answers to idempotent requests (a booking's, say) that hold any of ``needles``."""
    pk = IdempotencyRecord.render_key("pk", salon_id=salon_id)
    gone = 0
    for item in Entity.query(pk, Entity.sk.startswith("IDEMPOTENCY#")):
        if isinstance(item, IdempotencyRecord) and any(n in (item.body or "") for n in needles):
            gone += item.delete_existing()
    return gone


def forget_links(salon_id: str, referral_codes: list[str], telegram_tokens: list[str]) -> int:
    return (sum(ReferralCode(salon_id=salon_id, code=code).delete_existing() for code in referral_codes)
            + sum(TelegramLink(token=token).delete_existing() for token in telegram_tokens))


def forget_jobs(salon_id: str, client_id: str, now: datetime) -> int:
    """The client's pending messages-to-be (invitations, win-back waves, birthday greetings) are
    cancelled, and what a job kept of them (a birthday) goes; the lifecycle checks stay."""
    changed = 0
    for subject in (f"CLIENT#{client_id}", f"WINBACK#{client_id}", f"LOYALTY#{client_id}"):
        hk = Job.render_key("gsi2pk", salon_id=salon_id, subject=subject)
        for job in Entity.by_gsi2.query(hk):
            if not isinstance(job, Job) or job.kind in KEEP_JOB_KINDS:
                continue
            actions: list[Any] = []
            if "birthday" in (job.payload or {}):
                actions.append(Job.payload.set({k: v for k, v in job.payload.items() if k != "birthday"}))
            if job.status == "pending":
                actions += [Job.status.set("cancelled"), Job.outcome.set(ERASED), Job.updated_at.set(now),
                            Job.gsi1pk.remove(), Job.gsi1sk.remove()]
            if actions:
                job.update(actions, condition=Job.status == job.status)
                changed += 1
    return changed


def words_of(items: list[Entity]) -> list[str]:
    """What the client wrote (feedback comments, the words behind a defection), longest first."""
    words = {i.comment for i in items if isinstance(i, Feedback) and i.comment}
    words |= {i.detail for i in items if isinstance(i, Defection) and i.detail}
    return sorted(words, key=len, reverse=True)


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
    words they wrote); the phone claim goes; the audit entry is written with it. False if the client
    changed meanwhile (read again and retry)."""
    phone = item.phone
    actions = [Client.lifecycle.set(_cut(item.lifecycle, words))] if item.lifecycle else []
    actions += [Client.name.set("Erased client"), Client.name_key.remove(), Client.phone.remove(),
               Client.email.remove(), Client.birthday.remove(), Client.notes.remove(), Client.tags.remove(),
               Client.consents.set({}), Client.channels.set({}), Client.invited.set({}),
               Client.erased_at.set(now), Client.gsi1pk.remove(), Client.gsi1sk.remove()]
    tx = Tx()
    tx.update(item, actions, label="client")
    if phone:
        tx.delete(PhoneIndex(salon_id=item.salon_id, phone=phone, client_id=item.client_id), label="phone")
    tx.put(audit, AuditEntry.pk.does_not_exist(), label="audit")
    try:
        tx.commit()
    except TxFailed as exc:
        if "client" in exc.failed or "client" in exc.contended:
            return False
        raise
    return True
