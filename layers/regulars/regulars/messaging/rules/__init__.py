"""Messaging rules: pure functions, no I/O.

- :mod:`.segments`: SMS encoding (GSM-7 or UCS-2), billed parts, the SNS publish limit.
- :mod:`.quiet_hours`: daily quiet windows in the recipient's time zone.
- :mod:`.caps`: frequency caps over a sliding window.
- :mod:`.keywords`: what an in-bound reply asks for (opt-out, opt-in, confirm, cancel).
- :mod:`.templates`: message kinds, placeholders, default texts, validation of overrides.
- :mod:`.formatting`: placeholder values from domain data (Babel, imported lazily).
- :mod:`.render`: choosing a text along the locale chain and filling it in.
"""

from regulars.messaging.rules.caps import cap_frees_at, within_cap
from regulars.messaging.rules.formatting import format_price, format_when, message_values
from regulars.messaging.rules.keywords import Reply, classify
from regulars.messaging.rules.quiet_hours import QuietHours, edge_before, is_quiet, next_allowed
from regulars.messaging.rules.render import Rendered, compose, locale_chain, render, resolve_template
from regulars.messaging.rules.sms_parts import (
    SmsInfo,
    fold_to_gsm,
    sms_encoding,
    sms_fits,
    sms_info,
    sms_segments,
    sms_text,
)
from regulars.messaging.rules.templates import (
    MessageKind,
    MissingTemplateValues,
    TemplateError,
    validate_overrides,
    validate_template,
)

__all__ = [
    "MessageKind",
    "MissingTemplateValues",
    "QuietHours",
    "Rendered",
    "Reply",
    "SmsInfo",
    "TemplateError",
    "cap_frees_at",
    "classify",
    "compose",
    "edge_before",
    "fold_to_gsm",
    "format_price",
    "format_when",
    "is_quiet",
    "locale_chain",
    "message_values",
    "next_allowed",
    "render",
    "resolve_template",
    "sms_encoding",
    "sms_fits",
    "sms_info",
    "sms_segments",
    "sms_text",
    "validate_overrides",
    "validate_template",
    "within_cap",
]
