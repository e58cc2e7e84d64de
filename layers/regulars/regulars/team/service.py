"""The salon's team: who is signed in (read on every admin request), invitations, role changes and
removals, each in the audit trail with who made it.

The member item in the table decides access: removing a user or changing a role holds from their
next request, although the ID token they hold stays valid until it expires (Cognito cannot revoke
one). The user pool is told too, so the user is signed out everywhere and the token's role claim
follows, but nothing depends on it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from regulars.core.errors import Conflict, InvalidInput, NotFound
from regulars.core.ids import new_id
from regulars.salon import repo as catalog_store
from regulars.store import audit
from regulars.team import repo as store
from regulars.team.directory import Directory
from regulars.team.policy import Member, Role

ATTEMPTS = 3  # reads of the team when a concurrent change got in the way


def member(salon_id: str, user_id: str) -> Member | None:
    return store.get(salon_id, user_id)


def team(salon_id: str) -> list[Member]:
    return sorted(store.members(salon_id), key=lambda m: (list(Role).index(m.role), m.email))


def _entry(
    salon_id: str, action: str, by: str, now: datetime, subject: Member, **detail: object
) -> audit.Entry:
    return audit.entry(
        salon_id,
        new_id(now),
        action,
        by,
        now,
        detail={"user_id": subject.user_id, "email": subject.email, **detail},
    )


def _staff_link(salon_id: str, role: Role, staff_id: str | None) -> str | None:
    """The staff member a user of ``role`` is linked to: named, and in the catalog, for a staff user;
    none for the others."""
    if role is not Role.STAFF:
        if staff_id:
            raise InvalidInput.field("staff_id", "only a staff user is linked to a staff member")
        return None
    if not staff_id:
        raise InvalidInput.field("staff_id", "a staff user sees their own book: name their staff member")
    if staff_id not in catalog_store.load_catalog(salon_id).staff:
        raise InvalidInput.field("staff_id", "no such staff member")
    return staff_id


def register(
    salon_id: str,
    *,
    user_id: str,
    email: str,
    role: Role,
    staff_id: str | None = None,
    by: str = "system",
    now: datetime,
    replace_email: bool = False,
) -> Member:
    """Make an existing user of the pool a member as they are (the local runtime's users, the tests'
    callers); with ``replace_email``, an earlier member of the same e-mail (whose user is gone: the
    local pool does not outlive a restart) is replaced."""
    email = email.strip().lower()
    joined = Member(
        salon_id=salon_id,
        user_id=user_id,
        email=email,
        role=role,
        staff_id=staff_id,
        added_by=by,
        added_at=now,
    )
    current = store.get(salon_id, user_id)
    if current is not None and (current.role, current.staff_id) == (role, staff_id):
        return current
    if current is not None:
        store.change(
            current,
            role,
            staff_id,
            now,
            _entry(
                salon_id, "team.role_changed", by, now, current, role=role.value, previous=current.role.value
            ),
        )
        return replace(current, role=role, staff_id=staff_id)
    gone = [m for m in store.members(salon_id) if m.email == email] if replace_email else []
    store.add(joined, now, None, replacing=gone)
    return joined


def invite(
    salon_id: str,
    *,
    email: str,
    role: Role,
    staff_id: str | None,
    by: str,
    now: datetime,
    directory: Directory,
) -> tuple[Member, bool]:
    """Invite ``email`` with ``role``: the pool e-mails them a temporary password. True if they joined
    now; inviting a member again as what they are changes nothing (False). An e-mail that signs in
    to another salon is refused."""
    email = email.strip().lower()
    staff_id = _staff_link(salon_id, role, staff_id)
    user, created = directory.invite(email, salon_id, role.value)
    if user.salon_id != salon_id:
        raise Conflict("this e-mail already signs in to another salon", code="email_in_another_salon")
    current = store.get(salon_id, user.user_id)
    if current is not None:
        if (current.role, current.staff_id) != (role, staff_id):
            raise Conflict(
                f"{email} is on the team already, as {current.role.value}: change their role instead",
                code="member_exists",
            )
        return current, False
    joined = Member(
        salon_id=salon_id,
        user_id=user.user_id,
        email=email,
        role=role,
        staff_id=staff_id,
        added_by=by,
        added_at=now,
    )
    gone = [m for m in store.members(salon_id) if m.email == email]
    detail = {"role": role.value} | ({"staff_id": staff_id} if staff_id else {})
    if not store.add(
        joined, now, _entry(salon_id, "team.invited", by, now, joined, **detail), replacing=gone
    ):
        return store.get(salon_id, user.user_id) or joined, False  # a concurrent invitation got there first
    if not created:  # a user left from an earlier attempt: their claim follows the role given now
        directory.set_role(user.user_id, role.value)
    return joined, True


def _other_owner(salon_id: str, leaving: Member) -> Member:
    others = [m for m in store.members(salon_id) if m.role is Role.OWNER and m.user_id != leaving.user_id]
    if not others:
        raise Conflict("the salon needs an owner: make someone else owner first", code="last_owner")
    return others[0]


def _found(salon_id: str, user_id: str) -> Member:
    current = store.get(salon_id, user_id)
    if current is None:
        raise NotFound(f"no team member {user_id}", code="member_not_found")
    return current


def change_role(
    salon_id: str,
    user_id: str,
    *,
    role: Role,
    staff_id: str | None,
    by: str,
    now: datetime,
    directory: Directory,
) -> Member:
    """Give a member another role (a staff user: their staff member). The last owner keeps theirs."""
    staff_id = _staff_link(salon_id, role, staff_id)
    for _ in range(ATTEMPTS):
        current = _found(salon_id, user_id)
        if (current.role, current.staff_id) == (role, staff_id):
            return current
        other = (
            _other_owner(salon_id, current) if current.role is Role.OWNER and role is not Role.OWNER else None
        )
        entry = _entry(
            salon_id,
            "team.role_changed",
            by,
            now,
            current,
            role=role.value,
            previous=current.role.value,
            **({"staff_id": staff_id} if staff_id else {}),
        )
        try:
            if store.change(current, role, staff_id, now, entry, other_owner=other):
                directory.set_role(user_id, role.value)
                return replace(current, role=role, staff_id=staff_id)
        except store.MemberChanged:
            continue
    raise Conflict("the team changed meanwhile: look again", code="team_changed")


def remove(salon_id: str, user_id: str, *, by: str, now: datetime, directory: Directory) -> None:
    """Take a member off the team (refused from their next request on), then sign their user out
    everywhere and delete it. The last owner stays. Removing again finishes what a failure left."""
    for _ in range(ATTEMPTS):
        current = store.get(salon_id, user_id)
        if current is None:
            left = directory.find(user_id)
            if left is None or left.salon_id != salon_id:
                raise NotFound(f"no team member {user_id}", code="member_not_found")
            directory.remove(user_id)
            return
        other = _other_owner(salon_id, current) if current.role is Role.OWNER else None
        try:
            if store.remove(
                current,
                _entry(salon_id, "team.removed", by, now, current, role=current.role.value),
                other_owner=other,
            ):
                directory.remove(user_id)
                return
        except store.MemberChanged:
            continue
    raise Conflict("the team changed meanwhile: look again", code="team_changed")
