"""Who in a salon may do what: the one table of role x operation that every admin route goes through.

Each admin route declares the operation it is (``@operation("clients.export")`` in
``regulars.http.auth``); the admin resolver refuses a request whose member's role does not allow the
route's operation, and a route that declares none, or one missing from :data:`OPERATIONS`, is refused
to everyone. A test walks every admin route for every role against this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"  # the salon's owner: everything, the team included
    MANAGER = "manager"  # runs the salon: everything but the team and erasing a client
    RECEPTION = "reception"  # the desk: the book, the clients at the desk, checkout, follow-ups
    STAFF = "staff"  # a stylist, a master: their own book


# operation -> what it is, in the salon's words (the console shows what the role allows)
OPERATIONS: dict[str, str] = {
    "me.read": "see who I am signed in as and what I may do",
    # the salon and its catalog
    "salon.read": "see the salon's profile and settings",
    "salon.update": "change the salon's name, time zone, locale or settings",
    "services.read": "see the services",
    "services.create": "add a service",
    "services.update": "change a service (price, duration, active)",
    "staff.read": "see the staff members",
    "staff.create": "add a staff member",
    "staff.update": "change a staff member (hours, breaks, days off, services)",
    "staff.calendar_feed": "make, rotate or revoke a staff member's calendar feed (a secret URL)",
    # clients
    "clients.read": "find clients and see one with their visits",
    "clients.create": "add a client",
    "clients.update": "change a client's details",
    "clients.message": "send one client a message",
    "clients.invite": "invite a client back, with a bonus if given",
    "clients.history": "see a client's whole history",
    "clients.export": "export everything held about a client",
    "clients.erase": "erase a client's personal data",
    "clients.import": "import clients and visit history from another platform's export",
    # the book
    "appointments.read": "see the book and a visit",
    "appointments.book": "book a visit",
    "appointments.move": "move a visit",
    "appointments.confirm": "mark a visit confirmed",
    "appointments.cancel": "cancel a visit",
    "appointments.complete": "check a visit out with the amount paid",
    "appointments.no_show": "mark a visit a no-show",
    "appointments.refund": "refund a completed visit",
    "blocks.create": "block a staff member's time (a staff user: their own)",
    "blocks.delete": "delete blocked time (a staff user: their own)",
    # the waitlist
    "waitlist.read": "see who waits for a freed time",
    "waitlist.book": "book a waiting client into a time",
    "waitlist.remove": "take a client off the waitlist",
    # loyalty
    "loyalty.read": "see a client's bonus, tier and ledger",
    "loyalty.adjust": "credit or debit bonus by hand",
    "loyalty.liability": "see the salon's outstanding bonus",
    # retention
    "feedback.read": "read the feedback inbox",
    "tasks.read": "see the follow-up tasks",
    "tasks.close": "close a follow-up task",
    "tasks.create": "open a follow-up task (a call to make)",
    "retention.read": "list clients by lifecycle status",
    "defections.read": "see defections and their statistics",
    "defections.reason": "say why a client defected",
    # campaigns
    "segments.read": "see the saved segments",
    "segments.preview": "preview a segment's members",
    "segments.save": "save or change a segment",
    "segments.delete": "delete a segment",
    "campaigns.read": "see campaigns and their reports",
    "campaigns.create": "schedule a campaign",
    "campaigns.cancel": "cancel a campaign",
    # figures and oversight
    "analytics.read": "see the salon's analytics",
    "analytics.snapshot": "take the analytics snapshot again",
    "audit.read": "read the audit trail",
    # the team
    "team.read": "see the team",
    "team.invite": "invite a user",
    "team.change_role": "change a user's role",
    "team.remove": "remove a user",
}

_DESK_READS = {"me.read", "salon.read", "services.read", "staff.read"}
_RECEPTION = _DESK_READS | {
    "clients.read",
    "clients.create",
    "clients.update",
    "clients.message",
    "clients.history",
    "appointments.read",
    "appointments.book",
    "appointments.move",
    "appointments.confirm",
    "appointments.cancel",
    "appointments.complete",
    "appointments.no_show",
    "blocks.create",
    "blocks.delete",
    "waitlist.read",
    "waitlist.book",
    "loyalty.read",
    "feedback.read",
    "tasks.read",
    "tasks.close",
    "tasks.create",
}
_TEAM = {"team.read", "team.invite", "team.change_role", "team.remove"}

ALLOWED: dict[Role, frozenset[str]] = {
    Role.OWNER: frozenset(OPERATIONS),
    Role.MANAGER: frozenset(OPERATIONS) - _TEAM - {"clients.erase"},
    Role.RECEPTION: frozenset(_RECEPTION),
    # their own book only (see ``confined_to``): the visits, a no-show of their own, their own blocked
    # time; the catalog to read
    Role.STAFF: frozenset(
        _DESK_READS | {"appointments.read", "appointments.no_show", "blocks.create", "blocks.delete"}
    ),
}


def allows(role: Role | str, operation: str | None) -> bool:
    """Whether ``role`` may perform ``operation``; an operation not in the table is allowed to nobody."""
    try:
        return operation in OPERATIONS and operation in ALLOWED[Role(role)]
    except ValueError:
        return False


def operations(role: Role) -> list[str]:
    return sorted(ALLOWED[role])


@dataclass(frozen=True)
class Member:
    """A user of a salon's admin console: the Cognito user (``user_id`` is its ``sub``) and their role."""

    salon_id: str
    user_id: str
    email: str
    role: Role
    staff_id: str | None = None  # the staff member a staff user is
    added_by: str = "system"
    added_at: datetime | None = None

    @property
    def confined_to(self) -> str | None:
        """The staff member whose book alone this user sees ("" when a staff user is linked to none);
        None: the whole salon's."""
        return (self.staff_id or "") if self.role is Role.STAFF else None
