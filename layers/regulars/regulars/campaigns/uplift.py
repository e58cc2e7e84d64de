"""What a campaign added, measured against its holdout (pure).

Each campaign splits its audience at random, per client and campaign (a hash, so the split is the
same however often it is computed): the holdout gets nothing. Over the attribution window each
group's figures per member are averaged; the difference of the averages, times the size of the sent
group, is what the campaign added. Its 95 % confidence interval comes from the two groups' variances,
which is why each group keeps the sum of every figure and the sum of its squares: the standard error
of the difference is the larger of Welch's (each group's own variance) and the pooled one (both
groups' together, as under "it did nothing"), with Student's t for the groups' sizes. Welch's alone
trusts a small holdout's spread: twenty clients of whom none booked have none, and a campaign that
did nothing would be called a success in two cases of five. A holdout of fewer than
:data:`MIN_HOLDOUT` is too few to tell anything by.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

Z95 = 1.959963984540054
MIN_HOLDOUT = 30  # held out: fewer, and chance alone makes differences as large as most campaigns make
# Student's t, two-sided 95 %, for 1 to 30 degrees of freedom
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042)  # fmt: skip


def t95(df: int) -> float:
    """The two-sided 95 % critical value of Student's t with ``df`` degrees of freedom (past 30, the
    normal's with its first two corrections: within 0.001 of the table's)."""
    if df < 1:
        return math.inf
    if df <= len(_T95):
        return _T95[df - 1]
    z = Z95
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df**2)


def in_holdout(campaign_id: str, client_id: str, percent: float) -> bool:
    """Deterministic: the same client and campaign always land in the same group."""
    digest = hashlib.sha256(f"holdout:{campaign_id}:{client_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000 < round(percent * 100)


@dataclass(frozen=True)
class Sums:
    """One figure over one group: members, the sum, and the sum of squares."""

    n: int
    total: float
    squares: float

    @property
    def mean(self) -> float:
        return self.total / self.n if self.n else 0.0

    @property
    def variance(self) -> float:
        """The sample variance (n - 1)."""
        if self.n < 2:
            return 0.0
        return max(0.0, (self.squares - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True)
class Effect:
    """Per member of the sent group and in total, with the 95 % interval of the total."""

    sent_mean: float
    holdout_mean: float
    per_member: float
    incremental: float
    low: float
    high: float
    significant: bool  # the interval does not include zero, and enough were held out to tell
    too_few: bool  # fewer than MIN_HOLDOUT held out: the difference says nothing yet


def effect(sent: Sums, holdout: Sums) -> Effect | None:
    """None while either group is empty: nothing can be said yet."""
    if sent.n == 0 or holdout.n == 0:
        return None
    diff = sent.mean - holdout.mean
    df = sent.n + holdout.n - 2
    welch = sent.variance / sent.n + holdout.variance / holdout.n
    pooled = (
        ((sent.n - 1) * sent.variance + (holdout.n - 1) * holdout.variance)
        / df
        * (1 / sent.n + 1 / holdout.n)
        if df > 0
        else 0.0
    )
    margin = t95(df) * math.sqrt(max(welch, pooled)) if df > 0 else 0.0  # one each: too few anyway
    low, high = (diff - margin) * sent.n, (diff + margin) * sent.n
    too_few = holdout.n < MIN_HOLDOUT
    return Effect(
        sent_mean=sent.mean,
        holdout_mean=holdout.mean,
        per_member=diff,
        incremental=diff * sent.n,
        low=low,
        high=high,
        significant=not too_few and (low > 0 or high < 0),
        too_few=too_few,
    )


def roi(incremental_revenue: float, cost: float) -> float | None:
    """(What it added - what it cost) / what it cost; None when it cost nothing."""
    return (incremental_revenue - cost) / cost if cost > 0 else None
