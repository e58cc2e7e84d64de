"""The table's entities and the access patterns each one serves.

Every item that belongs to a salon carries the salon in its partition key. Keys come only from
the templates in ``__keys__``; a renamed field cannot leave a stale key behind.

Access patterns
---------------
| # | pattern                                         | how                                              |
|---|-------------------------------------------------|--------------------------------------------------|
| 1 | a salon's catalog (profile, services, staff)    | Query PK=SALON#{salon}, SK begins_with CATALOG#  |
| 2 | one service / staff member / client / visit     | GetItem PK=SALON#{salon}, SK=<TYPE>#{id}         |
| 3 | client by phone (and: one phone per salon)      | GetItem PK=SALON#{salon}, SK=PHONE#{e164}        |
| 4 | clients by name prefix                          | Query GSI1 PK=SALON#{salon}#CLIENTS, SK begins_with {name} |
| 5 | a staff member's book for a period              | Query GSI1 PK=SALON#{salon}#STAFF#{staff}, SK between APPT#{from} and APPT#{to} |
| 6 | a client's visits, newest first                 | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with APPT# |
| 7 | no two visits of one staff member overlap       | TransactWrite puts SlotLock PK=SALON#{salon}#LOCK#{staff}, SK={minute} with attribute_not_exists |
| 8 | an Idempotency-Key's stored answer              | GetItem PK=SALON#{salon}, SK=IDEMPOTENCY#{scope}#{key} |
| 9 | an event applied exactly once                   | Put ProcessedEvent PK=SALON#{salon}, SK=EVENT#{event_id} with attribute_not_exists, in the same transaction as its effect |
| 10 | the jobs due up to now (the ticker)            | Query GSI1 PK=DUE#{hour}#{shard}, SK between {watermark} and {now} (pending only: sparse) |
| 11 | a subject's jobs (an appointment's reminders)  | Query GSI2 PK=SALON#{salon}#SUBJECT#{subject} |
| 12 | the ticker's watermark                         | GetItem PK=SYSTEM#TICKER, SK=WATERMARK |
| 13 | a message planned once per cause               | Put Message PK=SALON#{salon}, SK=MSG#{id derived from the cause} with attribute_not_exists |
| 14 | a client's messages, newest first              | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with MSG# |
| 15 | the message a provider's id belongs to (a status, a button pressed under it) | GetItem PK=PROVIDER#{channel}#{provider id}, SK=MESSAGE |
| 16 | who an in-bound address is (a phone, a Telegram chat), in every salon | Query PK=CONTACT#{channel}#{address} |
| 17 | the client a Telegram deep link stands for      | GetItem PK=TGLINK#{token}, SK=LINK |
| 18 | an in-bound event handled once                  | Put PK=INBOUND#{channel}#{event id}, SK=EVENT with attribute_not_exists |
| 19 | a client's bonus balance and tier               | GetItem PK=SALON#{salon}, SK=LOYALTY#{client} |
| 20 | a client's lots (what a redemption spends)      | Query PK=SALON#{salon}, SK begins_with LOT#{client}# |
| 21 | the salon's open lots by expiry (liability, what burns soon) | Query GSI1 PK=SALON#{salon}#LOTS, SK between {from} and {to} (open lots only: sparse) |
| 22 | an accrual, redemption, expiry or reversal once per source | Put LedgerEntry PK=SALON#{salon}, SK=LEDGER#{client}#{source key} with attribute_not_exists |
| 23 | a client's ledger, newest first                 | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with LEDGER# |
| 24 | the client behind a referral code               | GetItem PK=SALON#{salon}, SK=REFERRAL#{code} |
| 25 | one feedback per visit                          | Put Feedback PK=SALON#{salon}, SK=FEEDBACK#{visit} with attribute_not_exists |
| 26 | the feedback inbox, newest first                | Query GSI1 PK=SALON#{salon}#FEEDBACK |
| 27 | follow-up tasks, open ones first                | Query GSI1 PK=SALON#{salon}#TASKS, SK begins_with {status}# |
| 28 | clients in a lifecycle status, latest first (never assessed: "new" since created; none once erased) | Query GSI2 PK=SALON#{salon}#LIFECYCLE#{status} |
| 29 | a client's whole history (visits, messages, ledger, feedback, tasks, defections, referral codes, Telegram links) | Query GSI2 PK=SALON#{salon}#CLIENT#{client} |
| 30 | one defection per cause                         | Put Defection PK=SALON#{salon}, SK=DEFECTION#{id derived from the cause} with attribute_not_exists |
| 31 | the salon's defections, newest first            | Query GSI1 PK=SALON#{salon}#DEFECTIONS, SK between {from} and {to} |
| 32 | defection counts by month and dimension         | Query PK=SALON#{salon}, SK between DEFSTATS#{from month} and DEFSTATS#{to month}~ (ADD in the defection's transaction) |
| 33 | the salon's audit trail, newest first           | Query PK=SALON#{salon}, SK between AUDIT#{from} and AUDIT#{to}~ |
| 34 | the idempotency answers a client's data may be in (erasure) | Query PK=SALON#{salon}, SK begins_with IDEMPOTENCY# (a day's worth: they expire) |
| 35 | messages to others that speak of a client (staff notices, alerts) | Query GSI1 PK=SALON#{salon}#ABOUT#{client} (sparse) |
| 36 | a salon's segments and campaigns               | Query PK=SALON#{salon}, SK begins_with SEGMENT# / CAMPAIGN# |
| 37 | a client's campaign memberships (attribution)   | Query PK=SALON#{salon}, SK begins_with MEMBER#{client}# |
| 38 | a campaign's members by group                   | Query GSI1 PK=SALON#{salon}#CAMPAIGN#{campaign}, SK begins_with {group}# |
| 39 | a campaign's figures per group                  | Query PK=SALON#{salon}, SK begins_with CAMPAIGNSTATS#{campaign}# (ADD with each member's change) |
| 40 | a salon's clients and bonus accounts (a segment's population) | Query PK=SALON#{salon}, SK begins_with CLIENT# / LOYALTY# (pages) |
| 41 | a salon's figures for a range of months (analytics) | Query PK=SALON#{salon}, SK between STATS#{from month} and STATS#{to month}~ (ADD once per event, marker in the same transaction) |
| 42 | once-only facts behind distinct counts (a client's first visit of a month, their cohort, a visit rebooked) | Put ProcessedEvent PK=SALON#{salon}, SK=EVENT#analytics:{fact} with attribute_not_exists, with the ADD |
| 43 | the salon's latest analytics snapshot (lifecycle, value groups, top clients, bonus liability) | GetItem PK=SALON#{salon}, SK=ANALYTICS#SNAPSHOT (written by the nightly job) |
| 44 | the signed-in user's membership and role (every admin request) | GetItem PK=SALON#{salon}, SK=TEAM#{user sub} (consistent) |
| 45 | a salon's team                                  | Query PK=SALON#{salon}, SK begins_with TEAM# |
| 46 | how often an anonymous caller, a phone or the salon did a costly thing in a window (a limit) | UpdateItem PK=SALON#{salon}, SK=RATE#{limit}#{window}#{subject hash}: ADD under a condition, TTL after the window |
| 47 | a one-time code sent to a phone, and its attempts | GetItem / UpdateItem PK=SALON#{salon}, SK=PHONECHECK#{check} (TTL) |
| 48 | the SMS parts a salon sent on a day (its daily budget) | UpdateItem PK=SALON#{salon}, SK=SMSDAY#{date}: ADD, conditional for non-essential messages (TTL) |
"""

from __future__ import annotations

import zlib
from datetime import datetime
from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from regulars.store.base import Entity, format_hour


def _strings() -> ListAttribute[str]:
    """A list of strings. PynamoDB's signature wants ``of`` to be the element's value type (str), not
    the attribute class it really takes, so the call is typed by its result."""
    return ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]
