"""Admin: the feedback inbox and the follow-up tasks an unhappy answer opens."""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.feedback import service as feedback
from regulars.feedback.model import FollowUp
from regulars.feedback.schemas import FeedbackInboxOut, FeedbackOut, TaskCloseIn, TaskIn, TaskOut, TasksOut
from regulars.http.auth import IdempotencyKey, caller, operation, request_key

router = Router()
TaskId = Annotated[str, Path(min_length=1, max_length=128)]


def _task(t: FollowUp) -> TaskOut:
    return TaskOut(
        id=t.id,
        kind=t.kind,
        client_id=t.client_id,
        appointment_id=t.appointment_id,
        summary=t.summary,
        status=t.status,
        note=t.note,
        closed_by=t.closed_by,
        closed_at=t.closed_at,
        created_at=t.created_at,
    )


@router.get("/v1/admin/feedback", summary="The feedback inbox, newest first", tags=["admin: retention"])
@operation("feedback.read")
def inbox() -> FeedbackInboxOut:
    salon_id, _ = caller(router)
    return FeedbackInboxOut(
        feedback=[
            FeedbackOut(
                appointment_id=f.appointment_id,
                client_id=f.client_id,
                staff_id=f.staff_id,
                service_id=f.service_id,
                rating=f.rating,
                mood=f.mood,
                comment=f.comment,
                tip_amount=f.tip_amount,
                created_at=f.created_at,
            )
            for f in feedback.inbox(salon_id)
        ]
    )


@router.get("/v1/admin/tasks", summary="Follow-up tasks, newest first", tags=["admin: retention"])
@operation("tasks.read")
def tasks(status: Annotated[Literal["open", "closed"], Query()] = "open") -> TasksOut:
    salon_id, _ = caller(router)
    return TasksOut(tasks=[_task(t) for t in feedback.tasks(salon_id, status)])


@router.post(
    "/v1/admin/tasks",
    summary="Open a follow-up task: a client to call back, and why",
    tags=["admin: retention"],
    status_code=201,
)
@operation("tasks.create")
def open_task(body: TaskIn, idempotency_key: IdempotencyKey = None) -> tuple[TaskOut, int]:
    salon_id, who = caller(router)
    now = clock.now()
    opened = feedback.call_task(
        salon_id, body.client_id, summary=body.summary, key=request_key(idempotency_key, now), by=who, now=now
    )
    return _task(opened), 201


@router.post(
    "/v1/admin/tasks/<task_id>/close", summary="Close a follow-up task with a note", tags=["admin: retention"]
)
@operation("tasks.close")
def close(task_id: TaskId, body: TaskCloseIn) -> TaskOut:
    salon_id, who = caller(router)
    return _task(feedback.close_task(salon_id, task_id, note=body.note, by=who, now=clock.now()))
