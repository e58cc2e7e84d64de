"""Messaging rules: pure functions, no I/O.

- :mod:`.segments`: SMS encoding (GSM-7 or UCS-2), billed parts, the SNS publish limit.
- :mod:`.quiet_hours`: daily quiet windows in the recipient's time zone.
- :mod:`.caps`: frequency caps over a sliding window.
- :mod:`.keywords`: what an in-bound reply asks for (opt-out, opt-in, confirm, cancel).
- :mod:`.templates`: message kinds, placeholders, default texts, validation of overrides.
- :mod:`.formatting`: placeholder values from domain data (Babel, imported lazily).
- :mod:`.render`: choosing a text along the locale chain and filling it in.

Import the module you need: the package imports none of them, so that a function that needs one rule
(the sender, a channel's capabilities) does not load the others (quiet hours' models, say).
"""
