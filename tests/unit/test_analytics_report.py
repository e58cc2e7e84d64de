"""The analytics report from tallies (pure): each figure from its own counts, with its definition."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

from regulars.analytics.model import Tally
from regulars.analytics.report import DEFINITIONS, Snapshot, build, months


def t(month: str, figure: str, value: str, count: int = 1, amount: int = 0) -> Tally:
    return Tally(month=month, figure=figure, value=value, count=count, amount=amount)


def report(tallies, *, first="2026-01", last="2026-03", today=date(2026, 4, 15), snapshot=None):
    return build(
        tallies, first=first, last=last, today=today, currency="EUR", cost_rate=92, snapshot=snapshot
    )


def test_an_empty_period_has_no_rates_but_every_definition():
    r = report([])
    assert set(r.figures) == set(DEFINITIONS)
    assert all(f.definition for f in r.figures.values())
    assert r.figures["no_show_rate"].value is None and r.figures["visits"].value == 0
    assert [m.month for m in r.monthly] == ["2026-01", "2026-02", "2026-03"] and r.cohorts == []


def test_the_console_names_and_defines_every_figure_in_its_languages():
    """A figure the report gains needs its words in the console, else a salon reads its raw key."""
    catalogs = Path(__file__).resolve().parents[2] / "console" / "src" / "screens" / "insights" / "messages"
    for language in ("en", "ru", "es"):
        words = json.loads((catalogs / f"{language}.json").read_text(encoding="utf-8"))
        missing = [f for f in DEFINITIONS if not {f"analytics.fig.{f}", f"analytics.def.{f}"} <= words.keys()]
        assert missing == [], language


def test_rates_are_their_counts_over_the_period():
    r = report(
        [
            t("2026-01", "visits", "all", 8, 40_000),
            t("2026-02", "visits", "all", 2, 10_000),
            t("2026-01", "visits", "first", 4),
            t("2026-01", "visits", "repeat", 5),
            t("2026-02", "visits", "same_day", 1),
            t("2026-01", "outcomes", "completed", 8),
            t("2026-02", "outcomes", "completed", 2),
            t("2026-02", "outcomes", "no_show", 2),
            t("2026-02", "outcomes", "late_cancellation", 1),
            t("2026-02", "outcomes", "cancelled", 3),
            t("2026-01", "intervals", "all", 3, 90),
            t("2026-01", "reminded", "confirmed", 6),
            t("2026-01", "reminded", "unconfirmed", 2),
            t("2026-01", "by_confirmation", "confirmed:completed", 6),
            t("2026-01", "by_confirmation", "unconfirmed:completed", 2),
            t("2026-02", "by_confirmation", "unconfirmed:no_show", 2),
            t("2026-01", "rebooked", "all", 5),
            t("2026-01", "clients", "returning", 3),
            t("2026-02", "clients", "returning", 1),
            t("2026-01", "messages", "sms:marketing:campaign", 10, 500_000),
            t("2026-01", "messages", "telegram:transactional:reminder", 7, 0),
            t("2026-02", "bonus", "redemption", 2, -1_000),
            t("2026-02", "bonus", "expiry", 1, -300),
            t("2026-01", "bonus", "accrual", 9, 4_500),
        ]
    )
    f = {k: v.value for k, v in r.figures.items()}
    assert (f["visits"], f["revenue"], f["new_clients"]) == (10, 50_000, 4)
    assert f["repeat_visit_rate"] == 0.5
    assert f["average_visit_interval_days"] == 30
    assert f["no_show_rate"] == round(2 / 12, 4)
    assert f["late_cancellation_rate"] == round(1 / 13, 4)
    assert f["cancellation_rate"] == round(3 / 15, 4)
    assert f["reminder_confirmation_rate"] == 0.75
    assert (f["no_show_rate_confirmed"], f["no_show_rate_unconfirmed"]) == (0.0, 0.5)
    assert f["rebooking_rate"] == 0.5
    assert (f["bonus_issued"], f["bonus_spent"], f["bonus_burned"]) == (4_500, 1_000, 300)
    # 0.50 USD of SMS at 92 cents per dollar is 46 cents; the marketing cost and the bonus spent are the spend
    assert [(m.channel, m.purpose, m.count, m.cost) for m in r.messages] == [
        ("sms", "marketing", 10, 46),
        ("telegram", "transactional", 7, 0),
    ]
    assert f["retention_spend"] == 1_046 and f["retention_spend_per_returning_client"] == round(1_046 / 4, 2)
    assert r.figures["no_show_rate"].numerator == 2 and r.figures["no_show_rate"].denominator == 12


def test_a_cohorts_windows_are_complete_only_once_their_days_have_passed():
    tallies = [
        t("2026-01", "cohort", "clients", 10),
        t("2026-01", "cohort", "returned", 7),
        t("2026-01", "cohort", "returned_30", 3),
        t("2026-01", "cohort", "returned_60", 5),
        t("2026-01", "cohort", "returned_90", 6),
    ]
    cohort = report(tallies, today=date(2026, 3, 3)).cohorts[0]
    assert (cohort.month, cohort.clients, cohort.returned) == ("2026-01", 10, 7)
    assert [(w.days, w.returned, w.rate, w.complete) for w in cohort.windows] == [
        (30, 3, 0.3, True),
        (60, 5, 0.5, False),
        (90, 6, 0.6, False),
    ]  # 31 January + 30 days < 3 March
    assert [w.complete for w in report(tallies, today=date(2026, 5, 2)).cohorts[0].windows] == [
        True,
        True,
        True,
    ]


def test_months_cross_a_year_and_the_snapshot_is_passed_through():
    assert months("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    snap = Snapshot(
        taken_at=datetime(2026, 4, 15, 1, 30, tzinfo=UTC),
        clients=3,
        lifecycle={"active": 3},
        ltv_groups={"top": {"clients": 1, "spent": 9_000}},
        top_clients=[],
        bonus_liability=700,
        bonus_accounts=2,
    )
    r = report([], snapshot=snap)
    assert r.snapshot is not None and r.snapshot.bonus_liability == 700 and r.snapshot.definitions
