"""The team through the local runtime over HTTP: an owner invites a colleague, the runtime's mailbox
holds what the user pool would have e-mailed, and the colleague signs in with it and a new password."""

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("runtime")]


def test_an_invited_user_signs_in_with_the_mailboxs_temporary_password(runtime):
    owner = runtime.token("salon-team")
    invited = runtime.post(
        "/v1/admin/team", token=owner, json={"email": "desk@salon-team.test", "role": "reception"}
    )
    assert invited.status_code == 201, invited.text
    mailbox = runtime.get("/local/auth/mailbox").json()["invitations"]
    (invitation,) = [i for i in mailbox if i["email"] == "desk@salon-team.test"]
    assert (invitation["salon_id"], invitation["role"]) == ("salon-team", "reception")
    credentials = {"email": "desk@salon-team.test", "password": invitation["temporary_password"]}
    first = runtime.post("/local/auth/token", json=credentials)
    assert (first.status_code, first.json()["error"]["code"]) == (401, "new_password_required")
    signed_in = runtime.post(
        "/local/auth/token", json={**credentials, "new_password": "the-desks-own-password"}
    )
    assert signed_in.status_code == 200, signed_in.text
    token = signed_in.json()["id_token"]
    me = runtime.get("/v1/admin/me", token=token).json()
    assert (me["salon_id"], me["email"], me["role"], me["user_id"]) == (
        "salon-team",
        "desk@salon-team.test",
        "reception",
        invited.json()["user_id"],
    )
    assert runtime.get("/v1/admin/clients/c1/export", token=token).status_code == 403
    assert (
        runtime.post(
            "/local/auth/token", json={"email": "desk@salon-team.test", "password": "the-desks-own-password"}
        ).status_code
        == 200
    )
