"""The feedback feature's table: one answer per visit and the follow-up tasks, as domain values."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import PutError

from regulars.core.errors import Conflict, NotFound
from regulars.feedback.items import Feedback, Task
from regulars.feedback.model import FollowUp, VisitFeedback
from regulars.store.base import Entity, condition_failed


def _given(item: Feedback) -> VisitFeedback:
    return VisitFeedback(
        appointment_id=item.appointment_id,
        client_id=item.client_id,
        staff_id=item.staff_id,
        service_id=item.service_id,
        rating=int(item.rating),
        mood=item.mood,
        comment=item.comment,
        tip_amount=int(item.tip_amount or 0),
        created_at=item.created_at,
    )


def _follow_up(item: Task) -> FollowUp:
    return FollowUp(
        id=item.task_id,
        kind=item.kind,
        client_id=item.client_id,
        appointment_id=item.appointment_id,
        summary=item.summary,
        status=item.status,
        note=item.note,
        closed_by=item.closed_by,
        closed_at=item.closed_at,
        created_at=item.created_at,
    )


def find(salon_id: str, appointment_id: str) -> VisitFeedback | None:
    item = Feedback.find(salon_id=salon_id, appointment_id=appointment_id, consistent=True)
    return _given(item) if item else None


def add(salon_id: str, given: VisitFeedback) -> None:
    """Record the answer about a visit; a second answer about the same visit is a Conflict."""
    item = Feedback(
        salon_id=salon_id,
        appointment_id=given.appointment_id,
        client_id=given.client_id,
        staff_id=given.staff_id,
        service_id=given.service_id,
        rating=given.rating,
        comment=given.comment,
        tip_amount=given.tip_amount,
        mood=given.mood,
        created_at=given.created_at,
    )
    try:
        item.save(condition=Feedback.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            raise Conflict("feedback for this visit was given already", code="feedback_given") from exc
        raise


def open_task(
    salon_id: str,
    *,
    task_id: str,
    kind: str,
    client_id: str,
    appointment_id: str | None,
    summary: str,
    now: datetime,
) -> None:
    """Open a follow-up task once (opening the same task again changes nothing)."""
    try:
        Task(
            salon_id=salon_id,
            task_id=task_id,
            kind=kind,
            client_id=client_id,
            appointment_id=appointment_id,
            summary=summary,
            created_at=now,
        ).save(condition=Task.pk.does_not_exist())
    except PutError as exc:
        if not condition_failed(exc):
            raise


def inbox(salon_id: str, limit: int = 100) -> list[VisitFeedback]:
    """The salon's feedback, newest first."""
    items = Entity.by_gsi1.query(f"SALON#{salon_id}#FEEDBACK", scan_index_forward=False, limit=limit)
    return [_given(i) for i in items if isinstance(i, Feedback)]


def tasks(salon_id: str, status: str = "open", limit: int = 100) -> list[FollowUp]:
    items = Entity.by_gsi1.query(
        f"SALON#{salon_id}#TASKS",
        Entity.gsi1sk.startswith(f"{status}#"),
        scan_index_forward=False,
        limit=limit,
    )
    return [_follow_up(i) for i in items if isinstance(i, Task)]


def task(salon_id: str, task_id: str) -> FollowUp | None:
    item = Task.find(salon_id=salon_id, task_id=task_id, consistent=True)
    return _follow_up(item) if item is not None else None


def close_task(salon_id: str, task_id: str, *, note: str, by: str, now: datetime) -> FollowUp:
    """Close an open task with a note; closing a closed one answers it as it is."""
    task = Task.find(salon_id=salon_id, task_id=task_id, consistent=True)
    if task is None:
        raise NotFound(f"task {task_id} not found", code="task_not_found")
    if task.status == "closed":
        return _follow_up(task)
    task.status, task.note, task.closed_by, task.closed_at = "closed", note, by, now
    try:
        task.save(condition=Task.status == "open")
    except PutError as exc:
        if not condition_failed(exc):
            raise
        closed = Task.find(salon_id=salon_id, task_id=task_id, consistent=True)  # closed meanwhile, or gone
        if closed is None:
            raise NotFound(f"task {task_id} not found", code="task_not_found") from None
        return _follow_up(closed)
    return _follow_up(task)
