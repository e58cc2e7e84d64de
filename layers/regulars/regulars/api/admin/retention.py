"""Admin: the feedback inbox and the follow-up tasks."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from regulars import clock
from regulars.api import schemas as s
from regulars.api.admin import caller
from regulars.api.router import Router
from regulars.retention import feedback
from regulars.store.models import Task

router = Router()
TaskId = Annotated[str, Path(min_length=1, max_length=128)]


def _task(t: Task) -> s.TaskOut:
    return s.TaskOut(id=t.task_id, kind=t.kind, client_id=t.client_id, appointment_id=t.appointment_id,
                     summary=t.summary, status=t.status, note=t.note, closed_by=t.closed_by, closed_at=t.closed_at,
                     created_at=t.created_at)


@router.get("/v1/admin/feedback", summary="The feedback inbox, newest first", tags=["admin: retention"])
def inbox() -> s.FeedbackInboxOut:
    salon_id, _ = caller(router)
    return s.FeedbackInboxOut(feedback=[
        s.FeedbackOut(appointment_id=f.appointment_id, client_id=f.client_id, staff_id=f.staff_id,
                      service_id=f.service_id, rating=int(f.rating), mood=f.mood, comment=f.comment,
                      tip_amount=int(f.tip_amount or 0), created_at=f.created_at)
        for f in feedback.inbox(salon_id)])


@router.get("/v1/admin/tasks", summary="Follow-up tasks, newest first", tags=["admin: retention"])
def tasks(status: Annotated[Literal["open", "closed"], Query()] = "open") -> s.TasksOut:
    salon_id, _ = caller(router)
    return s.TasksOut(tasks=[_task(t) for t in feedback.tasks(salon_id, status)])


@router.post("/v1/admin/tasks/<task_id>/close", summary="Close a follow-up task with a note", tags=["admin: retention"])
def close(task_id: TaskId, body: s.TaskCloseIn) -> s.TaskOut:
    salon_id, who = caller(router)
    return _task(feedback.close_task(salon_id, task_id, note=body.note, by=who, now=clock.now()))
