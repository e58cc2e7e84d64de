"""A salon's team: who may sign in to its admin console, with which role. Every change is written in
one transaction with its audit entry; a change that would leave the salon without an owner checks,
in the same transaction, that another owner is still one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from regulars.store.base import Entity, Tx, TxFailed
from regulars.store.items import AuditEntry
from regulars.team.items import TEAM, TeamMember
from regulars.team.policy import Member, Role


class MemberChanged(Exception):
    """The member (or the other owner the change relied on) changed meanwhile: read again."""


def _member(item: TeamMember) -> Member:
    return Member(
        salon_id=item.salon_id,
        user_id=item.user_id,
        email=item.email,
        role=Role(item.role),
        staff_id=item.staff_id,
        added_by=item.added_by,
        added_at=item.added_at,
    )


def _key(member: Member) -> TeamMember:
    return TeamMember(salon_id=member.salon_id, user_id=member.user_id)


def get(salon_id: str, user_id: str) -> Member | None:
    """The member, read consistently: a removal or a role change holds from the next request on."""
    item = TeamMember.find(consistent=True, salon_id=salon_id, user_id=user_id)
    return _member(item) if item else None


def members(salon_id: str) -> list[Member]:
    pk = TeamMember.render_key("pk", salon_id=salon_id)
    return [
        _member(i)
        for i in Entity.query(pk, Entity.sk.startswith(TEAM), consistent_read=True)
        if isinstance(i, TeamMember)
    ]


def _owner_stays(tx: Tx, other_owner: Member | None) -> None:
    if other_owner is not None:
        pk, sk = TeamMember.primary_key(salon_id=other_owner.salon_id, user_id=other_owner.user_id)
        tx.check(TeamMember, pk, sk, TeamMember.role == Role.OWNER.value, label="other_owner")


def _commit(tx: Tx) -> bool:
    """True if committed; False if the member's own condition failed; MemberChanged for the rest."""
    try:
        tx.commit()
    except TxFailed as exc:
        if "member" in exc.failed and "other_owner" not in exc.failed:
            return False
        raise MemberChanged(str(exc)) from exc
    return True


def add(member: Member, now: datetime, audit: AuditEntry | None, *, replacing: Sequence[Member] = ()) -> bool:
    """Write a new member (with ``replacing``: earlier members of the same e-mail, whose user is gone,
    deleted in the same transaction); False if the member was there already."""
    tx = Tx()
    tx.put(
        TeamMember(
            salon_id=member.salon_id,
            user_id=member.user_id,
            email=member.email,
            role=member.role.value,
            staff_id=member.staff_id,
            added_by=member.added_by,
            added_at=now,
            updated_at=now,
        ),
        TeamMember.pk.does_not_exist(),
        label="member",
    )
    for gone in replacing:
        tx.delete(_key(gone), label="replaced")
    if audit is not None:
        tx.put(audit, AuditEntry.pk.does_not_exist(), label="audit")
    return _commit(tx)


def change(
    before: Member,
    role: Role,
    staff_id: str | None,
    now: datetime,
    audit: AuditEntry,
    *,
    other_owner: Member | None = None,
) -> bool:
    """Change a member's role (and staff member) if it is still as read; False if it is not."""
    tx = Tx()
    _owner_stays(tx, other_owner)
    actions = [
        TeamMember.role.set(role.value),
        TeamMember.updated_at.set(now),
        TeamMember.staff_id.set(staff_id) if staff_id else TeamMember.staff_id.remove(),
    ]
    tx.update(
        _key(before),
        actions,
        (TeamMember.role == before.role.value) & TeamMember.pk.exists(),
        label="member",
        add_version_condition=False,
    )
    tx.put(audit, AuditEntry.pk.does_not_exist(), label="audit")
    return _commit(tx)


def remove(member: Member, audit: AuditEntry, *, other_owner: Member | None = None) -> bool:
    """Delete a member if their role is still as read; False if it is not (or they are gone)."""
    tx = Tx()
    _owner_stays(tx, other_owner)
    tx.delete(_key(member), TeamMember.role == member.role.value, label="member")
    tx.put(audit, AuditEntry.pk.does_not_exist(), label="audit")
    return _commit(tx)
