"""The single table and the rule that keeps it sane: every key is derived from the model's fields,
in one place (each model's ``__keys__``), and never written by hand anywhere else.

All entities share one table, one key schema (PK/SK plus three overloaded GSIs) and one PynamoDB
connection (one botocore client per process, which matters for cold starts). A ``type``
discriminator lets one Query return mixed entities (a salon's whole catalog in one call).
"""

from __future__ import annotations

import os
import string
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self

from pynamodb.attributes import DiscriminatorAttribute, ListAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.connection import Connection, TableConnection
from pynamodb.exceptions import PynamoDBException
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, IncludeProjection
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite


def format_instant(value: datetime) -> str:
    """Instants in keys: UTC, minute-sortable, fixed width (2026-11-23T10:05:00Z)."""
    v = value.astimezone(UTC)
    return f"{v.year:04d}-{v.month:02d}-{v.day:02d}T{v.hour:02d}:{v.minute:02d}:{v.second:02d}Z"


def format_day(value: datetime) -> str:
    """A due-job bucket: the UTC day (2026-11-23)."""
    return format_instant(value)[:10]


class _KeyFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, datetime):
            return format_instant(value)
        if isinstance(value, date):
            return value.isoformat()
        text: str = super().format_field(value, format_spec)
        return text


_formatter = _KeyFormatter()


class _Missing(Exception):
    pass


class _Fields(dict):
    def __init__(self, source: Any):
        super().__init__()
        self._source = source

    def __missing__(self, name: str) -> Any:
        value = self._source(name)
        if value is None:
            raise _Missing(name)
        return value


def _render(template: str, lookup: Any) -> str | None:
    try:
        return _formatter.vformat(template, (), _Fields(lookup))
    except _Missing:
        return None  # a key whose field is empty is left out: a sparse index


class GSI1(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(range_key=True, attr_name="GSI1SK")


class GSI2(GlobalSecondaryIndex):
    class Meta:
        index_name = "GSI2"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(range_key=True, attr_name="GSI2SK")


# What the third index copies besides the keys: what never changes after an item is written, so that
# none of its status changes writes the index again (template.yaml says the same).
GSI3_INCLUDES = ("type", "kind", "purpose", "appointment_id")


class GSI3(GlobalSecondaryIndex):
    """For the items whose status changes often (messages, jobs): only their keys and what never changes
    are in it, so a change of status writes the table alone. What a query finds here is a stub; read the
    items themselves with :func:`whole`."""

    class Meta:
        index_name = "GSI3"
        projection = IncludeProjection(list(GSI3_INCLUDES))

    gsi3pk = UnicodeAttribute(hash_key=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(range_key=True, attr_name="GSI3SK")


INDEX_KEYS = (("gsi1pk", "gsi1sk"), ("gsi2pk", "gsi2sk"), ("gsi3pk", "gsi3sk"))


class Entity(Model):
    """Base of every item in the table."""

    class Meta:
        table_name = os.environ.get("TABLE_NAME", "regulars")
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        max_retry_attempts = 3

    pk = UnicodeAttribute(hash_key=True, attr_name="PK")
    sk = UnicodeAttribute(range_key=True, attr_name="SK")
    gsi1pk = UnicodeAttribute(null=True, attr_name="GSI1PK")
    gsi1sk = UnicodeAttribute(null=True, attr_name="GSI1SK")
    gsi2pk = UnicodeAttribute(null=True, attr_name="GSI2PK")
    gsi2sk = UnicodeAttribute(null=True, attr_name="GSI2SK")
    gsi3pk = UnicodeAttribute(null=True, attr_name="GSI3PK")
    gsi3sk = UnicodeAttribute(null=True, attr_name="GSI3SK")
    entity_type = DiscriminatorAttribute(attr_name="type")
    expires = TTLAttribute(null=True, attr_name="ttl")

    by_gsi1 = GSI1()
    by_gsi2 = GSI2()
    by_gsi3 = GSI3()

    # key attribute -> template over the model's own fields, e.g. {"pk": "SALON#{salon_id}"}
    __keys__: ClassVar[dict[str, str]] = {}

    # --- keys --------------------------------------------------------------------------------
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._derive_keys()

    def _derive_keys(self) -> None:
        for attr, template in self.__keys__.items():
            value = _render(template, lambda name: getattr(self, name, None))
            if value is not None or attr not in ("pk", "sk"):
                setattr(self, attr, value)
        for hash_key, range_key in INDEX_KEYS:
            if (
                getattr(self, hash_key) is None or getattr(self, range_key) is None
            ):  # in the index whole, or not
                setattr(self, hash_key, None)
                setattr(self, range_key, None)

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        self._derive_keys()
        return super().serialize(null_check)

    @classmethod
    def render_key(cls, attr: str, **fields: Any) -> str:
        """Render one of this model's key templates from field values (for queries and gets)."""
        value = _render(cls.__keys__[attr], fields.get)
        if value is None:
            raise ValueError(f"{cls.__name__}.{attr} needs {cls.__keys__[attr]!r}, got {sorted(fields)}")
        return value

    @classmethod
    def primary_key(cls, **fields: Any) -> tuple[str, str]:
        return cls.render_key("pk", **fields), cls.render_key("sk", **fields)

    def save_new(self) -> bool:
        """Write this item unless one with its key exists; True if written now (the way every
        "exactly once per cause" write is made)."""
        from pynamodb.exceptions import PutError

        try:
            self.save(condition=type(self).pk.does_not_exist())
        except PutError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    @staticmethod
    def from_image[E: Entity](image: dict | None, kind: type[E]) -> E | None:
        """The item of ``kind`` a stream image (DynamoDB JSON) holds, or None for any other entity."""
        if not image or image.get("type", {}).get("S") != kind.__name__:
            return None
        item = Entity.from_raw_data(image)
        return item if isinstance(item, kind) else None

    def update_if(self, actions: list[Any], condition: Any) -> bool:
        """Apply ``actions`` if ``condition`` holds; True if applied now (the item then holds its new
        state), False if the condition did not hold (nothing changed)."""
        from pynamodb.exceptions import UpdateError

        try:
            self.update(actions=actions, condition=condition)
        except UpdateError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    def delete_existing(self) -> bool:
        """Delete this item if it is there; True if deleted now (an erasure run twice deletes once)."""
        from pynamodb.exceptions import DeleteError

        try:
            self.delete(condition=type(self).pk.exists())
        except DeleteError as exc:
            if condition_failed(exc):
                return False
            raise
        return True

    @classmethod
    def find(cls, consistent: bool = False, **fields: Any) -> Self | None:
        pk, sk = cls.primary_key(**fields)
        try:
            return cls.get(pk, sk, consistent_read=consistent)
        except cls.DoesNotExist:
            return None

    # --- one connection for every entity -------------------------------------------------------
    @classmethod
    def _get_connection(cls) -> TableConnection:
        return super(Entity, Entity)._get_connection()

    @classmethod
    def connection(cls) -> Connection:
        return Entity._get_connection().connection


StoreError = PynamoDBException  # what a refused or failed call to the table raises


def whole(stubs: Iterable[Entity], *, consistent: bool = True) -> list[Entity]:
    """The items themselves of what a query of the third index found (its stubs: the keys and what
    never changes), in the stubs' order, read by key in batches of 100; one deleted since is left out."""
    keys = [(stub.pk, stub.sk) for stub in stubs]
    if not keys:
        return []
    found = {(i.pk, i.sk): i for i in Entity.batch_get(keys, consistent_read=consistent)}
    return [found[key] for key in keys if key in found]


def condition_failed(exc: Exception) -> bool:
    """Did DynamoDB refuse the write because its condition did not hold?"""
    return getattr(exc, "cause_response_code", None) == "ConditionalCheckFailedException"


def item_too_large(exc: Exception) -> bool:
    """Did DynamoDB refuse a write because an item would pass 400 KB? It says so only in words, under
    the code it gives every invalid request."""
    message = (getattr(exc, "cause_response_message", None) or "").lower()
    return (
        getattr(exc, "cause_response_code", None) == "ValidationException"
        and "item size" in message
        and "exceeded" in message
    )


def bind_table(table_name: str) -> None:
    """Point every entity at ``table_name`` (tests give each test its own table)."""
    Entity.Meta.table_name = table_name


def table_name() -> str:
    return Entity.Meta.table_name


class TxFailed(Exception):
    """A transaction was cancelled. ``failed`` names the labelled items whose condition failed;
    ``contended`` names those another transaction was writing at the same moment (retryable)."""

    def __init__(self, failed: list[str], contended: list[str], codes: list[str | None]):
        super().__init__(f"transaction cancelled: failed={failed} contended={contended}")
        self.failed = failed
        self.contended = contended
        self.codes = codes


class Tx:
    """A TransactWrite whose items carry labels, so a cancellation says which condition failed.

    DynamoDB reports cancellation reasons in item order; PynamoDB sends condition checks, then
    deletes, puts and updates, so the labels are kept in the same four groups. A transaction of one
    write is sent as that write alone (:meth:`_commit_alone`).
    """

    def __init__(self) -> None:
        self._tw = TransactWrite(connection=Entity.connection())
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def put(self, model: Entity, condition: Any = None, *, label: str = "") -> None:
        self._tw.save(model, condition=condition)
        self._labels["put"].append(label)

    def update(
        self,
        model: Entity,
        actions: list[Any],
        condition: Any = None,
        *,
        label: str = "",
        add_version_condition: bool = True,
    ) -> None:
        self._tw.update(
            model, actions=actions, condition=condition, add_version_condition=add_version_condition
        )
        self._labels["update"].append(label)

    def delete(self, model: Entity, condition: Any = None, *, label: str = "") -> None:
        self._tw.delete(model, condition=condition)
        self._labels["delete"].append(label)

    def check(self, model_cls: type[Entity], pk: str, sk: str, condition: Any, *, label: str = "") -> None:
        self._tw.condition_check(model_cls, pk, sk, condition=condition)
        self._labels["check"].append(label)

    def __len__(self) -> int:
        return sum(len(v) for v in self._labels.values())

    def commit(self) -> None:
        from pynamodb.exceptions import TransactWriteError

        if not len(self):
            return
        if len(self) == 1 and not self._labels["check"]:
            self._commit_alone()
            return
        try:
            with self._tw:
                pass
        except TransactWriteError as exc:
            labels = [
                *self._labels["check"],
                *self._labels["delete"],
                *self._labels["put"],
                *self._labels["update"],
            ]
            reasons = exc.cancellation_reasons or []
            codes = [r.code if r else None for r in reasons]
            failed = [lbl for lbl, c in zip(labels, codes, strict=False) if c == "ConditionalCheckFailed"]
            contended = [lbl for lbl, c in zip(labels, codes, strict=False) if c == "TransactionConflict"]
            if not reasons:
                raise
            raise TxFailed(failed, contended, codes) from exc

    def _commit_alone(self) -> None:
        """One write is atomic on its own: sent as a conditional PutItem, UpdateItem or DeleteItem, it
        costs half what the same write does in a transaction, and fails the way the transaction would
        (:class:`TxFailed` naming its label; another error as the transaction's error)."""
        from botocore.exceptions import ClientError
        from pynamodb.exceptions import TransactWriteError

        tw = self._tw
        ((operation, kwargs, label),) = [
            (operation, kwargs, label)
            for operation, items, labels in (
                ("DeleteItem", tw._delete_items, self._labels["delete"]),
                ("PutItem", tw._put_items, self._labels["put"]),
                ("UpdateItem", tw._update_items, self._labels["update"]),
            )
            for kwargs, label in zip(items, labels, strict=True)
        ]
        try:
            Entity.connection().dispatch(operation, dict(kwargs))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code == "ConditionalCheckFailedException":
                raise TxFailed([label], [], ["ConditionalCheckFailed"]) from exc
            if code == "TransactionConflictException":
                raise TxFailed([], [label], ["TransactionConflict"]) from exc
            raise TransactWriteError(f"Failed to write the item: {exc}", exc) from exc
        for model in tw._models_for_version_attribute_update:
            model.update_local_version_attribute()

    def commit_once(self, *, may_change: Iterable[str] | None = None) -> bool | None:
        """Commit a transaction that holds an event's marker (labelled ``event``): True when committed,
        False when the event had been applied before, None when something it read changed meanwhile
        (read again and build it anew). With ``may_change``, a failed condition on any other label
        is an error, raised."""
        try:
            self.commit()
            return True
        except TxFailed as exc:
            if "event" in exc.failed:
                return False
            if may_change is not None and any(label not in may_change for label in exc.failed):
                raise
            return None


def string_list() -> ListAttribute[str]:
    """A list of strings. PynamoDB's signature wants ``of`` to be the element's value type (str), not
    the attribute class it really takes, so the call is typed by its result."""
    return ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
