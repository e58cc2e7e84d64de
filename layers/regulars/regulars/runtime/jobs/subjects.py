"""What a job is about: its subject, the key that finds a thing's jobs (to cancel them when the thing
changes, to forget them when a client is erased), built here and nowhere else.

Each kind of subject names whose it is: a client's (their own jobs, their visits', the messages to
or about them) or the salon's. Erasure must know what to do with every kind that leads to a client;
a test checks that it does, so a new kind cannot be forgotten by it.
"""

from __future__ import annotations

from enum import Enum, StrEnum


class Owner(StrEnum):
    CLIENT = "client"  # the client's own jobs
    VISIT = "visit"  # a client's visit
    MESSAGE = "message"  # a message to a client or about one
    SALON = "salon"  # the salon's own work


class Subject(Enum):
    """A kind of subject: its prefix, whose it is, and the ids it is built from."""

    CLIENT = ("CLIENT", Owner.CLIENT, "client_id")  # repeat invitations, lifecycle checks
    WINBACK = ("WINBACK", Owner.CLIENT, "client_id")  # win-back waves
    LOYALTY = ("LOYALTY", Owner.CLIENT, "client_id")  # burn warnings, birthdays, tier reviews
    LOT = ("LOT", Owner.CLIENT, "client_id", "lot_id")  # a bonus lot's expiry
    VISIT = ("APPT", Owner.VISIT, "appointment_id")  # reminders, feedback requests
    MISSED = ("MISSED", Owner.VISIT, "appointment_id")  # the rebook invitation after a missed visit
    CANCELLED = ("CANCELLED", Owner.VISIT, "appointment_id")  # the check for a rebooking after a cancellation
    MESSAGE = ("MSG", Owner.MESSAGE, "message_id")  # a held message's dispatch
    REMINDER_RULES = ("REMINDERS", Owner.SALON, "salon_id")  # the re-planning after the reminder rules change
    CAMPAIGN = ("CAMPAIGN", Owner.SALON, "campaign_id")  # a campaign's start and batches
    FORGET = ("FORGET", Owner.SALON, "salon_id")  # the nightly forgetting of inactive clients
    ANALYTICS = ("ANALYTICS", Owner.SALON, "salon_id")  # the analytics snapshot
    IMPORT = ("IMPORT", Owner.SALON, "import_id")  # an import's chunks
    OPENING = ("OPENING", Owner.SALON, "opening_id")  # a freed time's rounds of waitlist offers

    def __init__(self, prefix: str, owner: Owner, *ids: str) -> None:
        self.tag = prefix
        self.owner = owner
        self.ids = ids

    @property
    def of_client(self) -> bool:
        """Does a subject of this kind lead to a client (so erasure must see to its jobs)?"""
        return self.owner is not Owner.SALON

    def of(self, *ids: str) -> str:
        """The subject of this kind for these ids (in the order the kind names them)."""
        if len(ids) != len(self.ids):
            raise ValueError(f"a {self.name} subject is built from {', '.join(self.ids)}; given {ids!r}")
        return "#".join((self.tag, *ids))

    @classmethod
    def kind_of(cls, subject: str) -> Subject:
        """The kind of a subject built by :meth:`of`."""
        prefix = subject.partition("#")[0]
        for kind in cls:
            if kind.tag == prefix:
                return kind
        raise ValueError(f"not a job subject: {subject!r}")
