from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from regulars.clients import stats
from regulars.clients.model import ClientStats
from regulars.core import appointments as m
from regulars.core.events import EventType, derive
from regulars.core.money import Money

T0 = datetime(2026, 11, 24, 9, tzinfo=UTC)


def appt(status="booked", start=T0, staff="anna", version=1, paid=None, late=False):
    return m.Appointment(
        id="a1",
        salon_id="demo",
        client_id="c1",
        staff_id=staff,
        service_id="haircut",
        start=start,
        end=start + timedelta(hours=1),
        status=m.AppointmentStatus(status),
        price=Money(amount=4500, currency="EUR"),
        paid_amount=paid,
        source=m.Source.WIDGET,
        late_cancellation=late,
        created_at=T0,
        updated_at=T0,
        version=version,
    )


def test_changes_become_events():
    assert [e.type for e in derive(None, appt())] == [EventType.BOOKED]
    assert [e.type for e in derive(appt(), appt(start=T0 + timedelta(hours=2), version=2))] == [
        EventType.MOVED
    ]
    assert [e.type for e in derive(appt(), appt(staff="marta", version=2))] == [EventType.MOVED]
    assert [e.type for e in derive(appt(), appt("confirmed", version=2))] == [EventType.CONFIRMED]
    assert [e.type for e in derive(appt(), appt("cancelled", version=2))] == [EventType.CANCELLED]
    assert [e.type for e in derive(appt(), appt("completed", version=2, paid=4500))] == [EventType.COMPLETED]
    assert [e.type for e in derive(appt(), appt("no_show", version=2))] == [EventType.NO_SHOW]
    assert derive(appt(), None) == []
    assert derive(appt(), appt(version=2)) == []  # nothing a client would call a change


def test_event_ids_are_stable_per_change():
    (a,) = derive(appt(), appt("completed", version=2, paid=1))
    (b,) = derive(appt(), appt("completed", version=2, paid=1))
    assert a.event_id == b.event_id == "a1:2:appointment.completed"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["completed", "no_show", "cancelled"]),
            st.integers(0, 100_000),
            st.integers(-400, 400),
            st.booleans(),
        ),
        max_size=30,
    )
)
def test_statistics_are_the_sum_of_the_visits(history):
    s = ClientStats()
    for i, (status, paid, day, late) in enumerate(history):
        a = appt(
            status,
            start=T0 + timedelta(days=day),
            version=i + 1,
            paid=paid if status == "completed" else None,
            late=late and status == "cancelled",
        )
        for event in derive(None, a):
            s = stats.apply(s, event)
    done = [h for h in history if h[0] == "completed"]
    assert s.visits == len(done)
    assert s.total_spent == sum(h[1] for h in done)
    assert s.no_shows == sum(1 for h in history if h[0] == "no_show")
    assert s.late_cancellations == sum(1 for h in history if h[0] == "cancelled" and h[3])
    if done:
        assert s.first_visit_at == T0 + timedelta(days=min(h[2] for h in done))
        assert s.last_visit_at == T0 + timedelta(days=max(h[2] for h in done))
