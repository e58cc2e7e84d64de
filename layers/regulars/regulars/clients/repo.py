"""Clients: one per phone per salon (the PHONE# item is the guard and the lookup)."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

from pynamodb.exceptions import PutError

from regulars.clients import model as clients_model
from regulars.clients.items import Client, NameWord, PhoneIndex, ReferralCode
from regulars.core.errors import Conflict, NotFound
from regulars.store.base import Entity, Tx, TxFailed

PERSONAL = frozenset({"name", "phone", "email", "birthday", "notes", "tags", "consents", "channels"})


MAX_NAME_WORDS = 4  # a name's later words kept for search (a name is at most a few words)


def name_key(name: str) -> str:
    """Case- and accent-folded name, the sort key of the name index (prefix search)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def to_domain(item: Client) -> clients_model.Client:
    return clients_model.Client(
        id=item.client_id,
        name=item.name,
        phone=item.phone,
        email=item.email,
        birthday=date.fromisoformat(item.birthday) if item.birthday else None,
        locale=item.locale,
        notes=item.notes,
        tags=sorted(item.tags or []),
        consents=item.consents or {},
        channels=item.channels or {},
        referred_by=item.referred_by,
        lifecycle=item.lifecycle,
        invited=item.invited or {},
        created_at=item.created_at,
        source=item.source,
        erased_at=item.erased_at,
        stats=clients_model.ClientStats(
            visits=int(item.visits or 0),
            no_shows=int(item.no_shows or 0),
            cancellations=int(item.cancellations or 0),
            late_cancellations=int(item.late_cancellations or 0),
            total_spent=int(item.total_spent or 0),
            first_visit_at=item.first_visit_at,
            last_visit_at=item.last_visit_at,
            visit_log=list(item.visit_log or []),
        ),
    )


def new_item(salon_id: str, client: clients_model.Client) -> Client:
    return Client(
        salon_id=salon_id,
        client_id=client.id,
        name=client.name,
        name_key=name_key(client.name),
        phone=client.phone,
        email=client.email,
        birthday=client.birthday.isoformat() if client.birthday else None,
        locale=client.locale,
        notes=client.notes,
        tags=set(client.tags),
        consents=client.consents,
        channels=client.channels,
        referred_by=client.referred_by,
        lifecycle=client.lifecycle,
        created_at=client.created_at,
        source=client.source,
    )


def later_words(name: str) -> list[str]:
    """The words of a name after the first, folded as the name index folds them (each once)."""
    return list(dict.fromkeys(name_key(name).split()[1:]))[:MAX_NAME_WORDS]


def name_words(salon_id: str, client_id: str, name: str) -> list[NameWord]:
    return [NameWord(salon_id=salon_id, word=word, client_id=client_id) for word in later_words(name)]


def add_new_client(tx: Tx, salon_id: str, client: clients_model.Client) -> None:
    """Stage a new client, the later words of their name and their phone claim in ``tx``; label
    ``phone`` fails if the phone is taken."""
    tx.put(new_item(salon_id, client), Client.pk.does_not_exist(), label="client")
    for word in name_words(salon_id, client.id, client.name):
        tx.put(word, label="client")
    tx.put(
        PhoneIndex(salon_id=salon_id, phone=client.phone, client_id=client.id),
        PhoneIndex.pk.does_not_exist(),
        label="phone",
    )


def create(salon_id: str, client: clients_model.Client) -> clients_model.Client:
    tx = Tx()
    add_new_client(tx, salon_id, client)
    try:
        tx.commit()
    except TxFailed as exc:
        if "phone" in exc.failed or "phone" in exc.contended:
            raise Conflict("a client with this phone exists", code="phone_taken") from exc
        raise
    return client


def client_id_by_phone(salon_id: str, phone: str) -> str | None:
    item = PhoneIndex.find(salon_id=salon_id, phone=phone, consistent=True)
    return item.client_id if item else None


def get(salon_id: str, client_id: str) -> clients_model.Client:
    item = Client.find(salon_id=salon_id, client_id=client_id, consistent=True)
    if item is None:
        raise NotFound(f"client {client_id} not found", code="client_not_found")
    return to_domain(item)


def get_reachable(salon_id: str, client_id: str) -> clients_model.Client:
    """The client, to book or write to: refused once their data was erased."""
    client = get(salon_id, client_id)
    if client.erased_at is not None:
        raise Conflict("this client's data was erased on request", code="client_erased")
    return client


def get_item(salon_id: str, client_id: str, *, consistent: bool = True) -> Client | None:
    return Client.find(salon_id=salon_id, client_id=client_id, consistent=consistent)


def search_by_name(salon_id: str, prefix: str, limit: int = 50) -> list[clients_model.Client]:
    """The clients whose name starts with ``prefix``, then those with a later word of their name that
    does (a surname), each once, up to ``limit`` (case and accents aside)."""
    hk = Client.render_key("gsi1pk", salon_id=salon_id)
    key = name_key(prefix)
    cond = Client.gsi1sk.startswith(key) if key else None
    found = [to_domain(c) for c in Entity.by_gsi1.query(hk, cond, limit=limit) if isinstance(c, Client)]
    if not key or " " in key or len(found) >= limit:
        return found
    seen = {c.id for c in found}
    pk = NameWord.render_key("pk", salon_id=salon_id)
    words = Entity.query(pk, Entity.sk.startswith(f"NAMEWORD#{key}"), limit=limit)
    more = list(
        dict.fromkeys(w.client_id for w in words if isinstance(w, NameWord) and w.client_id not in seen)
    )
    keys = [
        Client.primary_key(salon_id=salon_id, client_id=client_id) for client_id in more[: limit - len(found)]
    ]
    by_id = {c.client_id: c for c in Entity.batch_get(keys) if isinstance(c, Client)} if keys else {}
    return found + [to_domain(by_id[i]) for i in more if i in by_id and by_id[i].erased_at is None]


def update(salon_id: str, client_id: str, changes: dict) -> clients_model.Client:
    """Change a client's details; a new phone moves the phone claim in the same transaction."""
    item = get_item(salon_id, client_id)
    if item is None:
        raise NotFound(f"client {client_id} not found", code="client_not_found")
    if item.erased_at is not None and PERSONAL & changes.keys():
        raise Conflict("this client's data was erased on request", code="client_erased")
    old_phone, old_name = item.phone, item.name
    for name, value in changes.items():
        if name == "birthday":
            value = value.isoformat() if value else None
        if name == "tags":
            value = set(value)
        setattr(item, name, value)
    before = set(later_words(old_name)) if "name" in changes else set()
    if "name" in changes:
        item.name_key = name_key(item.name)
    after = set(later_words(item.name)) if "name" in changes else set()
    tx = Tx()
    tx.put(item, label="client")
    for word in sorted(before - after):
        tx.delete(NameWord(salon_id=salon_id, word=word, client_id=client_id), label="client")
    for word in sorted(after - before):
        tx.put(NameWord(salon_id=salon_id, word=word, client_id=client_id), label="client")
    if item.phone != old_phone and item.phone:
        if old_phone:
            tx.delete(PhoneIndex(salon_id=salon_id, phone=old_phone, client_id=client_id), label="old_phone")
        tx.put(
            PhoneIndex(salon_id=salon_id, phone=item.phone, client_id=client_id),
            PhoneIndex.pk.does_not_exist(),
            label="phone",
        )
    try:
        tx.commit()
    except TxFailed as exc:
        if "phone" in exc.failed:
            raise Conflict("another client has this phone", code="phone_taken") from exc
        raise Conflict("the client changed meanwhile; retry", code="concurrent_update") from exc
    except PutError as exc:
        raise Conflict("the client changed meanwhile; retry", code="concurrent_update") from exc
    return to_domain(item)


def modify(
    salon_id: str, client_id: str, change: Callable[[clients_model.Client], dict], *, attempts: int = 3
) -> clients_model.Client | None:
    """Read the client, compute changes from it, write them under its version; again from a fresh
    read if someone wrote in between. None if the client does not exist."""
    for attempt in range(attempts):
        try:
            client = get(salon_id, client_id)
        except NotFound:
            return None
        changes = change(client)
        if not changes:
            return client
        try:
            return update(salon_id, client_id, changes)
        except Conflict as exc:
            if exc.code != "concurrent_update" or attempt == attempts - 1:
                raise
    return None


def remember_referral_code(salon_id: str, code: str, client_id: str) -> None:
    ReferralCode(salon_id=salon_id, code=code, client_id=client_id).save()


def referrer(salon_id: str, code: str) -> str | None:
    item = ReferralCode.find(salon_id=salon_id, code=code)
    return item.client_id if item else None


def referrer_for(salon_id: str, code: str | None, phone: str) -> str | None:
    """The client a code names, unless that client has this phone (a client cannot refer themself)."""
    if not code:
        return None
    client_id = referrer(salon_id, code.strip().upper())
    if client_id is None:
        return None
    try:
        referring = get(salon_id, client_id)
    except NotFound:
        return None
    return None if referring.phone == phone else client_id
