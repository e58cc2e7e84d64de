"""A new salon's set-up path: what is done and what is left (the profile, the services, the staff's
hours, the channels this deployment can send on, the booking link, the clients brought in)."""

from __future__ import annotations

from regulars.core import links
from regulars.core.config import settings
from regulars.imports import repo as store
from regulars.salon import service as salon_service


def channels() -> list[dict]:
    """Each channel the deployment offers, and whether its provider is connected (SMS goes through
    SNS, which needs nothing more; the others need their account's id)."""
    s = settings()
    connected = {
        "sms": True,
        "telegram": bool(s.telegram_bot_username),
        "whatsapp": bool(s.whatsapp_phone_number_id),
        "push": bool(s.push_platform_application_arn),
    }
    return [{"channel": c, "connected": connected.get(c, False)} for c in s.channels]


def status(salon_id: str) -> dict:
    cat = salon_service.catalog(salon_id)
    feedback = cat.salon.settings.feedback
    offered = [s for s in cat.services.values() if s.active]
    working = [m for m in cat.staff.values() if m.active and m.service_ids and any(m.working_hours.values())]
    return {
        "booking_link": links.booking_page(salon_id),
        "services": len(offered),
        "staff_with_hours": len(working),
        "manager_phones": len(feedback.manager_phones),
        "review_links": len(feedback.review_links),
        "channels": channels(),
        "imports": sum(1 for r in store.runs(salon_id) if len(r.chunks_done) >= r.chunks),
    }
