"""The analytics feature's domain values. Pure data."""

from __future__ import annotations

from dataclasses import dataclass

RETURN_DAYS = (30, 60, 90)  # a client who came back within so many days is counted as returned


@dataclass(frozen=True)
class Tally:
    """One month's count and amount of one figure on one dimension (``visits``/``all``,
    ``messages``/``sms:marketing:campaign``, ``cohort``/``returned_30``...)."""

    month: str  # YYYY-MM in the salon's time zone
    figure: str
    value: str
    count: int = 0
    amount: int = 0  # minor units, days or micros: the figure says which
