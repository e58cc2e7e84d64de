"""A phone proven the way a client proves it: a code asked for, read off the message the phone got,
and answered."""

from __future__ import annotations

from regulars.messaging.outbox import repo as outbox


def received_code(salon_id: str, check_id: str) -> str:
    """The code in the message planned for the phone (what the phone shows)."""
    return outbox.get_item(salon_id, f"code-{check_id}").values["code"]


def prove(public, phone: str, salon_id: str = "salon-a") -> str:
    started = public.post(f"/v1/salons/{salon_id}/phone-checks", {"phone": phone})
    assert started.status == 202, started.text
    check = started.json["check_id"]
    proven = public.post(
        f"/v1/salons/{salon_id}/phone-checks/{check}",
        {"phone": phone, "code": received_code(salon_id, check)},
    )
    assert proven.status == 200, proven.text
    return proven.json["phone_proof"]
