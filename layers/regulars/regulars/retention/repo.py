"""Defections and their monthly tallies, a client's lifecycle record, and a client's whole history.

A defection is written once per cause (its id is derived from the cause) in one transaction with
the tallies it adds to, so the statistics equal a count of the defections however often the cause
is delivered. A reason given later moves one tally from the old reason to the new one, again in
one transaction, under the condition that the reason read is still the reason written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from regulars.clients import model as clients_model
from regulars.clients.items import Client
from regulars.clients.repo import to_domain
from regulars.core.errors import Conflict, InvalidInput, NotFound
from regulars.retention.items import Defection, DefectionTally
from regulars.store.base import Entity, Tx, TxFailed, format_instant

UNKNOWN = "unknown"  # the reason tally of a defection whose reason is not known (yet)
DIMENSIONS = ("type", "reason", "staff", "service")


@dataclass(frozen=True)
class NewDefection:
    salon_id: str
    defection_id: str
    client_id: str
    kind: str
    at: datetime
    month: str
    appointment_id: str | None = None
    staff_id: str | None = None
    service_id: str | None = None
    reason: str | None = None
    reason_source: str | None = None
    detail: str | None = None


def _tally(salon_id: str, month: str, dimension: str, value: str, by: int) -> tuple[DefectionTally, list]:
    item = DefectionTally(salon_id=salon_id, month=month, dimension=dimension, value=value)
    return item, [
        DefectionTally.count.add(by),
        DefectionTally.salon_id.set(salon_id),
        DefectionTally.month.set(month),
        DefectionTally.dimension.set(dimension),
        DefectionTally.value.set(value),
        DefectionTally.entity_type.set(DefectionTally),
    ]


def _dimensions(d: Defection) -> dict[str, str]:
    return {
        "all": "all",
        "type": d.kind,
        "reason": d.reason or UNKNOWN,
        "staff": d.staff_id or UNKNOWN,
        "service": d.service_id or UNKNOWN,
    }


def record(new: NewDefection, now: datetime) -> bool:
    """Write the defection and add it to its month's tallies; False if it was recorded before."""
    item = Defection(
        salon_id=new.salon_id,
        defection_id=new.defection_id,
        client_id=new.client_id,
        kind=new.kind,
        at=new.at,
        month=new.month,
        appointment_id=new.appointment_id,
        staff_id=new.staff_id,
        service_id=new.service_id,
        reason=new.reason,
        reason_source=new.reason_source,
        detail=new.detail,
        created_at=now,
    )
    tx = Tx()
    tx.put(item, Defection.pk.does_not_exist(), label="defection")
    for dimension, value in _dimensions(item).items():
        tally, actions = _tally(new.salon_id, new.month, dimension, value, 1)
        tx.update(tally, actions, label=f"tally:{dimension}", add_version_condition=False)
    try:
        tx.commit()
    except TxFailed as exc:
        if "defection" in exc.failed:
            return False
        raise
    return True


def get(salon_id: str, defection_id: str) -> Defection:
    item = Defection.find(salon_id=salon_id, defection_id=defection_id, consistent=True)
    if item is None:
        raise NotFound(f"defection {defection_id} not found", code="defection_not_found")
    return item


def set_reason(
    salon_id: str, defection_id: str, *, reason: str, source: str, detail: str | None, overwrite: bool = True
) -> Defection | None:
    """Give the defection its reason, moving its reason tally; None if it had one and ``overwrite``
    is off (a client's reply does not overwrite what the admin set)."""
    for _ in range(4):
        item = get(salon_id, defection_id)
        if item.reason and not overwrite:
            return None
        old = item.reason or UNKNOWN
        tx = Tx()
        tx.update(
            item,
            [
                Defection.reason.set(reason),
                Defection.reason_source.set(source),
                Defection.detail.set(detail) if detail else Defection.detail.remove(),
            ],
            label="defection",
        )
        if old != reason:
            for value, by in ((old, -1), (reason, 1)):
                tally, actions = _tally(salon_id, item.month, "reason", value, by)
                tx.update(tally, actions, label=f"tally:{value}", add_version_condition=False)
        try:
            tx.commit()
        except TxFailed:
            continue  # changed meanwhile: read again
        return get(salon_id, defection_id)
    raise Conflict("the defection changed meanwhile; retry", code="concurrent_update")


def listed(salon_id: str, since: datetime, until: datetime, *, limit: int = 200) -> list[Defection]:
    """The salon's defections between two instants, newest first."""
    hk = Defection.render_key("gsi1pk", salon_id=salon_id)
    lower = Defection.render_key("gsi1sk", at=since, defection_id="")
    upper = Defection.render_key("gsi1sk", at=until, defection_id="~")
    return [
        i
        for i in Entity.by_gsi1.query(
            hk, Entity.gsi1sk.between(lower, upper), scan_index_forward=False, limit=limit
        )
        if isinstance(i, Defection)
    ]


def tallies(salon_id: str, first_month: str, last_month: str) -> dict[str, dict[str, dict[str, int]]]:
    """{month: {dimension: {value: count}}} for the months between two (YYYY-MM), zeros left out."""
    pk = DefectionTally.render_key("pk", salon_id=salon_id)
    out: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for item in DefectionTally.query(
        pk, DefectionTally.sk.between(f"DEFSTATS#{first_month}", f"DEFSTATS#{last_month}~")
    ):
        if isinstance(item, DefectionTally) and int(item.count or 0):
            out[item.month][item.dimension][item.value] = int(item.count)
    return {month: dict(dims) for month, dims in sorted(out.items())}


def of_client(salon_id: str, client_id: str) -> list[Defection]:
    hk = Defection.render_key("gsi2pk", salon_id=salon_id, client_id=client_id)
    return [
        i
        for i in Entity.by_gsi2.query(hk, Entity.gsi2sk.startswith("DEFECTION#"), scan_index_forward=False)
        if isinstance(i, Defection)
    ]


# --- lifecycle --------------------------------------------------------------------------------
# The lifecycle index holds every client who is not erased, under their status ("new" until first
# assessed) and the moment they entered it (their creation, if never assessed): erasure takes a client
# out of it (the keys are derived from erased_at), so no list finds a client with no data.
def in_status(
    salon_id: str, status: str, *, limit: int = 100, cursor: str | None = None
) -> tuple[list[Client], str | None]:
    """Clients in a lifecycle status, the latest to enter it first; (page, cursor of the next)."""
    hk = Client.render_key("gsi2pk", salon_id=salon_id, listed_status=status)
    start = None
    if cursor:  # "<since>|<client>": the last client of the page before, keys rendered by the model
        since, _, client_id = cursor.partition("|")
        try:
            at = datetime.strptime(since, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise InvalidInput.field("cursor", "not a cursor this list gave") from None
        fields = {"salon_id": salon_id, "client_id": client_id, "listed_status": status, "listed_since": at}
        start = {
            attr: {"S": Client.render_key(key, **fields)}
            for attr, key in (("PK", "pk"), ("SK", "sk"), ("GSI2PK", "gsi2pk"), ("GSI2SK", "gsi2sk"))
        }
    result = Entity.by_gsi2.query(hk, scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = [i for i in result if isinstance(i, Client)]
    following = None
    if result.last_evaluated_key and len(items) == limit:
        last = items[-1]
        assert last.listed_since is not None  # the index holds a client only while listed
        following = f"{format_instant(last.listed_since)}|{last.client_id}"
    return items, following


def listed_before(
    salon_id: str, status: str, until: datetime, *, page: int = 200
) -> Iterator[clients_model.Client]:
    """Clients who entered a lifecycle status at or before ``until``, the earliest first (read a page
    of ``page`` at a time, as they are consumed)."""
    hk = Client.render_key("gsi2pk", salon_id=salon_id, listed_status=status)
    upper = Client.render_key("gsi2sk", listed_since=until, client_id="~")
    for item in Entity.by_gsi2.query(hk, Entity.gsi2sk <= upper, page_size=page):
        if isinstance(item, Client):
            yield to_domain(item)


def defection_view(d: Defection) -> dict:
    """A defection as the admin API shows it."""
    return {
        "id": d.defection_id,
        "client_id": d.client_id,
        "type": d.kind,
        "at": d.at,
        "month": d.month,
        "appointment_id": d.appointment_id,
        "staff_id": d.staff_id,
        "service_id": d.service_id,
        "reason": d.reason,
        "reason_source": d.reason_source,
        "detail": d.detail,
    }
