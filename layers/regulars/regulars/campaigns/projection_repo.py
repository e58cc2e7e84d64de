"""The salon's clients packed for the segment preview: what a segment can ask of each client, without
their names, a few bytes each, so a preview of 50,000 clients reads a couple of megabytes instead of
every client item and bonus account.

- **Chunks** (one generation of them): many clients' profiles as compressed columns, in client order,
  each item at most :data:`CHUNK_BYTES`; the strings they repeat (lifecycle, tags, services, staff,
  tiers, channels) and the consent patterns stored once per chunk. Written by the nightly analytics
  snapshot, which reads the whole population anyway, or by the first preview of a salon that has
  none (or whose newest is older than :data:`FRESH`).
- **The head** names the current generation and the moment it was read from (``taken_at``: before
  the read began). It is written after every chunk, so it never names a chunk not yet written. A
  salon's first head is written empty before its first full read (:func:`begin`): the stream keeps
  no deltas for a salon without one (a salon importing its history, the demo), and a change it
  skipped happened before that read.
- **Deltas**: one item per client changed since, the client's profile as it was read at ``at``
  after a change of their item or their bonus account (seen by the stream), the newest read winning.
  A delta read before ``taken_at`` is older than the chunks and is ignored; one read at or after it
  is at least as new as the chunks (any later change brings a later read). Chunks and deltas expire
  :data:`KEEP` after they were written, later than any head that still uses them.
- **An erasure** rewrites every chunk that holds the client with their erased profile
  (:func:`forget`), so no chunk keeps a birthday, a tag or a consent the erasure removed.

The profiles read back equal those of the full read (:func:`regulars.campaigns.audience.population`)
in every field a segment asks about: the consents are kept as granted or not, which is all a
consent condition reads; the reachable channels are every channel with an address (the deployment's
enabled ones are taken at read time). Names and languages are not kept.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from pynamodb.exceptions import PutError

from regulars.campaigns.items import AudienceChunk, AudienceDelta, AudienceHead
from regulars.campaigns.segments import Profile
from regulars.core.ids import new_id
from regulars.store.base import Entity, condition_failed

CHUNK_BYTES = 350_000  # at most this per chunk item (DynamoDB's limit is 400 KB)
CHUNK_CLIENTS = 8_000  # the first try; a chunk that packs bigger is split in two
FRESH = timedelta(days=2)  # a generation older than this is not used: the deltas may have expired
KEEP = timedelta(days=3)  # chunks and deltas expire this long after they were written
FORMAT = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


# --- packing (pure) ---------------------------------------------------------------------------------
def pack(profiles: Sequence[Profile]) -> bytes:
    """``profiles`` as compressed columns; names, languages and consent details are not kept. Each
    string, set of strings and consent pattern is stored once per chunk and named by its number."""
    words: dict[str, int] = {}
    sets: dict[tuple[int, ...], int] = {}
    consents: dict[str, int] = {}

    def word(value: str | None) -> int:
        return -1 if value is None else words.setdefault(value, len(words))

    def several(values: frozenset[str]) -> int:
        return sets.setdefault(tuple(sorted(word(v) for v in values)), len(sets))

    def consent(given: dict) -> int:
        granted = {k: bool(v.get("granted")) for k, v in given.items() if v is not None}
        return consents.setdefault(json.dumps(granted, sort_keys=True, separators=(",", ":")), len(consents))

    columns: dict[str, list[Any]] = {
        "id": [p.client_id for p in profiles],
        "visits": [p.visits for p in profiles],
        "spent": [p.total_spent for p in profiles],
        "last": [None if p.last_visit_at is None else (p.last_visit_at - _EPOCH) // _MICRO for p in profiles],
        "lifecycle": [word(p.lifecycle) for p in profiles],
        "tags": [several(p.tags) for p in profiles],
        "birthday": [p.birthday.toordinal() if p.birthday else 0 for p in profiles],
        "consents": [consent(p.consents) for p in profiles],
        "reachable": [several(p.reachable) for p in profiles],
        "services": [several(p.services) for p in profiles],
        "staff": [several(p.staff) for p in profiles],
        "balance": [p.balance for p in profiles],
        "tier": [word(p.tier) for p in profiles],
        "erased": [int(p.erased) for p in profiles],
    }
    body = {
        "format": FORMAT,
        "words": list(words),
        "sets": [list(s) for s in sets],
        "consents": list(consents),
        "columns": columns,
    }
    return zlib.compress(json.dumps(body, separators=(",", ":")).encode(), 9)


def unpack(data: bytes) -> list[Profile]:
    body = json.loads(zlib.decompress(data))
    if body.get("format") != FORMAT:
        raise ValueError(f"packed profiles of format {body.get('format')}, not {FORMAT}")
    words: list[str | None] = [*body["words"], None]  # -1: none
    sets = [frozenset(words[i] for i in s) for s in body["sets"]]
    consents = [{k: {"granted": g} for k, g in json.loads(c).items()} for c in body["consents"]]
    c = body["columns"]
    rows = zip(
        c["id"],
        c["visits"],
        c["spent"],
        c["last"],
        c["lifecycle"],
        c["tags"],
        c["birthday"],
        c["consents"],
        c["reachable"],
        c["services"],
        c["staff"],
        c["balance"],
        c["tier"],
        c["erased"],
        strict=True,
    )
    made = []
    for (
        client_id,
        visits,
        spent,
        last,
        lifecycle,
        tags,
        birthday,
        consent,
        reach,
        services,
        staff,
        balance,
        tier,
        erased,
    ) in rows:
        # tens of thousands at a time: filled as the dataclass's __init__ would, at a tenth of its cost
        p = object.__new__(Profile)
        p.__dict__.update(
            client_id=client_id,
            name="",
            locale=None,
            visits=visits,
            total_spent=spent,
            last_visit_at=None if last is None else _EPOCH + last * _MICRO,
            lifecycle=words[lifecycle],
            tags=sets[tags],
            birthday=date.fromordinal(birthday) if birthday else None,
            consents=consents[consent],
            reachable=sets[reach],
            services=sets[services],
            staff=sets[staff],
            balance=balance,
            tier=words[tier],
            erased=bool(erased),
        )
        made.append(p)
    return made


def chunked(
    profiles: Sequence[Profile], size: int = CHUNK_CLIENTS, *, limit: int = CHUNK_BYTES
) -> Iterator[bytes]:
    """``profiles`` packed into chunks of at most ``limit`` bytes, in order."""
    for start in range(0, len(profiles), size):
        part = profiles[start : start + size]
        data = pack(part)
        if len(data) <= limit or len(part) == 1:
            yield data
        else:
            yield from chunked(part, (len(part) + 1) // 2, limit=limit)


# --- the table --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Projection:
    profiles: list[Profile]  # in client order, as the full read gives them
    taken_at: datetime
    chunks: int
    deltas: int  # of them newer than the chunks


def begin(salon_id: str, now: datetime) -> None:
    """Before the first full read that packs a salon's profiles: a head with no generation yet, so the
    stream keeps deltas from now on (it keeps none for a salon without a head: a change before this
    is in the full read that follows)."""
    AudienceHead(salon_id=salon_id, generation="", taken_at=now, chunks=0, clients=0).save_new()


def kept(salon_id: str) -> bool:
    """Is the salon's projection kept (a head, perhaps one still being packed)?"""
    return AudienceHead.find(salon_id=salon_id, consistent=True) is not None


def write(salon_id: str, profiles: Sequence[Profile], taken_at: datetime) -> AudienceHead:
    """A new generation of chunks of ``profiles`` (in client order, read after ``taken_at``), then the
    head naming it, unless a generation read later is current already."""
    generation = new_id(taken_at)
    count = 0
    for count, data in enumerate(chunked(profiles), start=1):
        AudienceChunk(
            salon_id=salon_id,
            generation=generation,
            part=f"{count - 1:04d}",
            data=data,
            expires=taken_at + KEEP,
        ).save()
    head = AudienceHead(
        salon_id=salon_id, generation=generation, taken_at=taken_at, chunks=count, clients=len(profiles)
    )
    try:
        head.save(condition=AudienceHead.pk.does_not_exist() | (AudienceHead.taken_at <= taken_at))
    except PutError as exc:
        if not condition_failed(exc):
            raise
    # a client erased while the chunks were read and written: their erasure may have looked for them
    # before these chunks were there (it writes its delta first, this looks for deltas after)
    pk = AudienceDelta.render_key("pk", salon_id=salon_id)
    for delta in Entity.query(pk, Entity.sk.startswith("AUDIENCEDELTA#"), consistent_read=True):
        if isinstance(delta, AudienceDelta) and delta.at >= taken_at:
            current = None if delta.data is None else unpack(delta.data)[0]
            if current is None or current.erased:
                forget(salon_id, delta.client_id, current)
    return head


def forget(salon_id: str, client_id: str, now: Profile | None) -> int:
    """An erased client (``now``: their profile since, or None once gone) in every chunk that holds
    them, of every generation: no chunk keeps what the erasure removed until it expires. The
    number of chunks rewritten."""
    pk = AudienceChunk.render_key("pk", salon_id=salon_id)
    rewritten = 0
    for chunk in Entity.query(pk, Entity.sk.startswith("AUDIENCE#"), consistent_read=True):
        if not isinstance(chunk, AudienceChunk):
            continue
        profiles = unpack(chunk.data)
        at = next((n for n, p in enumerate(profiles) if p.client_id == client_id), None)
        if at is None:
            continue
        if now is None:
            del profiles[at]
        else:
            profiles[at] = now
        chunk.data = pack(profiles)
        chunk.save()
        rewritten += 1
    return rewritten


def read(salon_id: str, now: datetime) -> Projection | None:
    """The salon's profiles from the current chunks and the deltas newer than them; None when there
    is no generation fresh enough (or its chunks cannot all be read)."""
    head = AudienceHead.find(salon_id=salon_id, consistent=True)
    if head is None or not head.generation or head.taken_at < now - FRESH:
        return None
    chunks = _chunks(salon_id, head.generation, consistent=False)
    if len(chunks) != int(head.chunks):  # written a moment ago: not everywhere yet
        chunks = _chunks(salon_id, head.generation, consistent=True)
        if len(chunks) != int(head.chunks):
            return None
    by_id: dict[str, Profile] = {}
    for chunk in chunks:
        for p in unpack(chunk.data):
            by_id[p.client_id] = p
    newer = 0
    pk = AudienceDelta.render_key("pk", salon_id=salon_id)
    for delta in Entity.query(pk, Entity.sk.startswith("AUDIENCEDELTA#")):
        if not isinstance(delta, AudienceDelta) or delta.at < head.taken_at:
            continue
        newer += 1
        if delta.data is None:
            by_id.pop(delta.client_id, None)
        else:
            (by_id[delta.client_id],) = unpack(delta.data)
    return Projection([by_id[k] for k in sorted(by_id)], head.taken_at, len(chunks), newer)


def _chunks(salon_id: str, generation: str, *, consistent: bool) -> list[AudienceChunk]:
    pk = AudienceChunk.render_key("pk", salon_id=salon_id)
    found = Entity.query(pk, Entity.sk.startswith(f"AUDIENCE#{generation}#"), consistent_read=consistent)
    return [c for c in found if isinstance(c, AudienceChunk)]


def record(salon_id: str, client_id: str, profile: Profile | None, now: datetime) -> bool:
    """The client's profile as read at ``now`` (None: the client is gone), unless a later read is
    recorded already; True if written."""
    try:
        AudienceDelta(
            salon_id=salon_id,
            client_id=client_id,
            at=now,
            data=None if profile is None else pack([profile]),
            expires=now + KEEP,
        ).save(condition=AudienceDelta.at.does_not_exist() | (AudienceDelta.at <= now))
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True
