"""The role policy is complete: every admin route declares an operation of the table, and every
operation of the table is some route's (the matrix itself is walked in tests/integration/test_roles.py)."""

from regulars.app.http import AdminResolver, admin_app
from regulars.team.policy import ALLOWED, OPERATIONS, Member, Role, allows, operations


def test_every_admin_route_declares_an_operation_of_the_table_and_every_operation_is_a_route():
    app = admin_app()
    assert isinstance(app, AdminResolver)
    declared = app.declarations()
    undeclared = [(method, path) for method, path, op in declared if op not in OPERATIONS]
    assert undeclared == []
    assert {op for _, _, op in declared} == set(OPERATIONS)


def test_each_role_allows_only_operations_of_the_table():
    assert set(ALLOWED) == set(Role)
    for role, allowed in ALLOWED.items():
        assert allowed <= set(OPERATIONS), role
        assert operations(role) == sorted(allowed)
    assert (
        not allows("owner", None)
        and not allows("owner", "clients.teleport")
        and not allows("admin", "me.read")
    )


def test_a_staff_user_is_confined_to_their_own_book_and_the_others_are_not():
    def member(role: Role, staff_id: str | None = None) -> Member:
        return Member(salon_id="s", user_id="u", email="e@example.com", role=role, staff_id=staff_id)

    assert member(Role.STAFF, "anna").confined_to == "anna"
    assert member(Role.STAFF).confined_to == ""  # linked to no one: sees no book
    assert {member(r).confined_to for r in (Role.OWNER, Role.MANAGER, Role.RECEPTION)} == {None}
