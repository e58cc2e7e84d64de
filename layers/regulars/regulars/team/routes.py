"""Admin: who I am and what I may do; the salon's team (the owner's): invite a user with a role,
change a role, remove a user."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.http.auth import caller, operation
from regulars.team import gate, policy, service
from regulars.team.directory import directory
from regulars.team.policy import Member, Role
from regulars.team.schemas import InviteIn, MeOut, RoleChangeIn, TeamMemberOut, TeamOut

router = Router()
UserId = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9-]+$")]
TAGS = ["admin: team"]


def _out(x: Member) -> TeamMemberOut:
    return TeamMemberOut(
        user_id=x.user_id,
        email=x.email,
        role=x.role.value,
        staff_id=x.staff_id,
        added_by=x.added_by,
        added_at=x.added_at,
    )


@router.get(
    "/v1/admin/me", summary="The signed-in user: salon, role and every operation the role allows", tags=TAGS
)
@operation("me.read")
def me() -> MeOut:
    who = gate.current()
    return MeOut(
        salon_id=who.salon_id,
        user_id=who.user_id,
        email=who.email,
        role=who.role.value,
        staff_id=who.staff_id,
        operations=policy.operations(who.role),
    )


@router.get("/v1/admin/team", summary="The salon's team: each user and their role", tags=TAGS)
@operation("team.read")
def team() -> TeamOut:
    salon_id, _ = caller(router)
    return TeamOut(members=[_out(x) for x in service.team(salon_id)])


@router.post(
    "/v1/admin/team",
    summary="Invite a user with a role (the user pool e-mails a temporary password)",
    description="201 for a new member; 200 with the member when the e-mail is on the team already in "
    "that role. 409 email_in_another_salon, 409 member_exists (another role: change it).",
    tags=TAGS,
)
@operation("team.invite")
def invite(body: InviteIn) -> tuple[TeamMemberOut, int]:
    salon_id, who = caller(router)
    joined, new = service.invite(
        salon_id,
        email=body.email,
        role=Role(body.role),
        staff_id=body.staff_id,
        by=who,
        now=clock.now(),
        directory=directory(),
    )
    return _out(joined), 201 if new else 200


@router.patch(
    "/v1/admin/team/<user_id>",
    summary="Change a user's role (409 last_owner for the salon's last owner)",
    tags=TAGS,
)
@operation("team.change_role")
def change_role(user_id: UserId, body: RoleChangeIn) -> TeamMemberOut:
    salon_id, who = caller(router)
    return _out(
        service.change_role(
            salon_id,
            user_id,
            role=Role(body.role),
            staff_id=body.staff_id,
            by=who,
            now=clock.now(),
            directory=directory(),
        )
    )


@router.delete(
    "/v1/admin/team/<user_id>",
    summary="Remove a user: refused from their next request, signed out everywhere, deleted from the "
    "user pool (409 last_owner for the salon's last owner)",
    tags=TAGS,
)
@operation("team.remove")
def remove(user_id: UserId) -> tuple[dict, int]:
    salon_id, who = caller(router)
    service.remove(salon_id, user_id, by=who, now=clock.now(), directory=directory())
    return {}, 204
