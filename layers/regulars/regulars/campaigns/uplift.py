"""What a campaign added, measured against its holdout (pure).

Each campaign splits its audience at random, per client and campaign (a hash, so the split is the
same however often it is computed): the holdout gets nothing. Over the attribution window each
group's figures per member are averaged; the difference of the averages, times the size of the sent
group, is what the campaign added. Its 95 % confidence interval comes from the two groups' variances
(Welch: the standard error of a difference of two independent means, normal approximation), which
is why each group keeps the sum of every figure and the sum of its squares.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

Z95 = 1.959963984540054


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
    significant: bool  # the interval does not include zero


def effect(sent: Sums, holdout: Sums) -> Effect | None:
    """None while either group is empty: nothing can be said yet."""
    if sent.n == 0 or holdout.n == 0:
        return None
    diff = sent.mean - holdout.mean
    se = math.sqrt(sent.variance / sent.n + holdout.variance / holdout.n)
    low, high = (diff - Z95 * se) * sent.n, (diff + Z95 * se) * sent.n
    return Effect(
        sent_mean=sent.mean,
        holdout_mean=holdout.mean,
        per_member=diff,
        incremental=diff * sent.n,
        low=low,
        high=high,
        significant=low > 0 or high < 0,
    )


def roi(incremental_revenue: float, cost: float) -> float | None:
    """(What it added - what it cost) / what it cost; None when it cost nothing."""
    return (incremental_revenue - cost) / cost if cost > 0 else None
