"""The third index's upgrade in the table: the items of earlier releases moved from the second index
to the third. An operator runs it with :mod:`regulars.app.index_upgrade`."""

from __future__ import annotations

from regulars.messaging.outbox.items import Message
from regulars.runtime.jobs.items import Job
from regulars.store.base import Entity, condition_failed

MOVED = (Message, Job)  # what this release files in the third index


def _prefix(model: type[Entity]) -> str:
    return model.__keys__["sk"].split("{", 1)[0]


def upgrade(salon_id: str) -> dict[str, int]:
    """Move the salon's messages and jobs still in the second index; the number moved, by kind."""
    moved: dict[str, int] = {}
    for model in MOVED:
        pk = model.render_key("pk", salon_id=salon_id)
        count = 0
        for item in model.query(pk, Entity.sk.startswith(_prefix(model))):
            if not isinstance(item, model) or item.gsi2pk is None:
                continue
            old = item.gsi2pk
            item._derive_keys()  # the keys this release derives: the third index's, none in the second
            if item.gsi3pk is None or item.gsi3sk is None:
                continue  # not filed in the third index (a message to no client: a staff member's)
            try:
                item.update(
                    actions=[
                        Entity.gsi3pk.set(item.gsi3pk),
                        Entity.gsi3sk.set(item.gsi3sk),
                        Entity.gsi2pk.remove(),
                        Entity.gsi2sk.remove(),
                    ],
                    condition=Entity.gsi2pk == old,
                )
            except Exception as exc:
                if condition_failed(exc):
                    continue  # moved meanwhile
                raise
            count += 1
        moved[model.__name__] = count
    return moved
