"""The client's feedback link: the visit it is about, and one answer (rating, comment, tip)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.feedback import service as feedback
from regulars.feedback.schemas import FeedbackGiven, FeedbackIn, FeedbackPageOut, ReviewLinkOut
from regulars.http.errors import ErrorOut
from regulars.salon import views as salon_views

router = Router()

Token = Annotated[str, Path(min_length=10, max_length=512)]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {"description": "Invalid or expired link", "content": {"application/json": {"model": ErrorOut}}},
    409: {"description": "Given already", "content": {"application/json": {"model": ErrorOut}}},
}


def _out(v: feedback.Visit, links: list | None = None) -> FeedbackPageOut:
    given = v.given
    return FeedbackPageOut(
        salon=salon_views.salon(v.salon),
        service_name=v.service_name,
        staff_name=v.staff_name,
        start=salon_views.local_iso(v.appointment.start, v.salon),
        given=FeedbackGiven(rating=given.rating, comment=given.comment, tip_amount=given.tip_amount)
        if given
        else None,
        review_links=[ReviewLinkOut(name=x.name, url=x.url) for x in links or []],
    )


@router.get(
    "/v1/feedback/<token>",
    summary="The visit a feedback link asks about",
    tags=["feedback link"],
    responses={200: {"description": "The visit"}, **ERRORS},
)
def view(token: Token) -> FeedbackPageOut:
    return _out(feedback.visit(token, clock.now()))


@router.post(
    "/v1/feedback/<token>",
    summary="Rate the visit, comment, leave a tip (once)",
    tags=["feedback link"],
    responses={
        201: {"description": "Thank you (with the salon's review links for a happy rating)"},
        **ERRORS,
    },
)
def give(token: Token, body: FeedbackIn) -> tuple[FeedbackPageOut, int]:
    now = clock.now()
    _, review_links = feedback.submit(
        token, rating=body.rating, comment=body.comment, tip_amount=body.tip_amount, now=now
    )
    return _out(feedback.visit(token, now), review_links), 201
