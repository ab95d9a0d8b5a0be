"""Organisations, staff accounts, invitations (single-use, expiring, own organisation only)
and the internal membership endpoint for platform services."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from jose import jwt
from sqlalchemy import select, update

from identity.client.service import create_client
from identity.models import ApiClient, Invitation, Membership, User
from identity.organisation.service import NETWORK_ORG_ID
from servicekit.db import utcnow
from tests.helpers import (
    PASSWORD,
    bearer,
    count,
    learner,
    network_admin,
    sign_in,
    token,
    unique_email,
)


def org(kind: str = "employer", name: str | None = None) -> dict[str, str]:
    return {"id": str(uuid.uuid4()), "type": kind, "name": name or f"Org {uuid.uuid4().hex[:6]}"}


async def account(
    client: AsyncClient, admin: dict[str, str], organisation: dict[str, str], role: str = "owner"
) -> tuple[dict[str, Any], dict[str, str]]:
    """A staff or employer account made by a network admin, and its bearer headers."""
    email = unique_email(organisation["type"])
    response = await client.post(
        "/v1/accounts",
        json={
            "email": email,
            "display_name": "Staff",
            "password": PASSWORD,
            "organisation": organisation,
            "role": role,
        },
        headers=admin,
    )
    assert response.status_code == 201, response.text
    return response.json(), bearer((await sign_in(client, email))["access_token"])


async def invite(
    client: AsyncClient, headers: dict[str, str], org_id: str, email: str, role: str = "member"
):
    return await client.post(
        f"/v1/organisations/{org_id}/invitations",
        json={"email": email, "role": role},
        headers=headers,
    )


class TestAccounts:
    @pytest.mark.parametrize(
        ("kind", "role"),
        [
            ("employer", "employer"),
            ("provider", "provider_staff"),
            ("institute", "institute_admin"),
        ],
    )
    async def test_network_admin_creates_accounts_whose_tokens_carry_the_role(
        self, client: AsyncClient, app: FastAPI, kind: str, role: str
    ):
        admin = await network_admin(app, client)
        organisation = org(kind)
        created, headers = await account(client, admin, organisation, role="admin")
        assert created["roles"] == [role]
        claims = jwt.get_unverified_claims(headers["Authorization"].split()[1])
        assert claims["roles"] == [role]
        assert claims["orgs"] == [{"type": kind, "id": organisation["id"], "role": "admin"}]

    async def test_network_admin_token(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        claims = jwt.get_unverified_claims(admin["Authorization"].split()[1])
        assert claims["roles"] == ["network_admin"]
        assert claims["orgs"] == [{"type": "network", "id": str(NETWORK_ORG_ID), "role": "admin"}]

    async def test_only_network_admins_create_accounts(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        _, owner = await account(client, admin, org())
        _, learner_tokens = await learner(client)
        users = await count(app, User)
        for headers in (owner, bearer(learner_tokens["access_token"])):
            response = await client.post(
                "/v1/accounts",
                json={
                    "email": unique_email(),
                    "display_name": "X",
                    "password": PASSWORD,
                    "organisation": org(),
                },
                headers=headers,
            )
            assert response.status_code == 403
        assert await count(app, User) == users

    async def test_organisation_type_cannot_change(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        organisation = org("provider")
        await account(client, admin, organisation)
        response = await client.post(
            "/v1/accounts",
            json={
                "email": unique_email(),
                "display_name": "X",
                "password": PASSWORD,
                "organisation": {**organisation, "type": "employer"},
            },
            headers=admin,
        )
        assert response.status_code == 409
        assert response.json()["errors"][0]["field"] == "body.organisation.type"

    async def test_admin_cannot_disable_themselves(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        me = (await client.get("/v1/me", headers=admin)).json()
        response = await client.patch(
            f"/v1/users/{me['user']['id']}", json={"status": "disabled"}, headers=admin
        )
        assert response.status_code == 409


class TestInvitations:
    async def test_owner_invites_and_the_invitee_gets_an_account_and_the_role(
        self, client: AsyncClient, app: FastAPI
    ):
        admin = await network_admin(app, client)
        employer = org("employer", "Fibrewave Broadband Ltd")
        _, owner = await account(client, admin, employer)
        email = unique_email("colleague")
        invited = await invite(client, owner, employer["id"], email, "admin")
        assert invited.status_code == 201, invited.text
        body = invited.json()
        assert body["role"] == "admin"
        accepted = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"], "display_name": "Colleague", "password": PASSWORD},
        )
        assert accepted.status_code == 200, accepted.text
        assert accepted.json()["created_account"] is True
        assert accepted.json()["user"]["roles"] == ["employer"]
        tokens = await sign_in(client, email)
        claims = jwt.get_unverified_claims(tokens["access_token"])
        assert claims["orgs"] == [{"type": "employer", "id": employer["id"], "role": "admin"}]
        members = await client.get(f"/v1/organisations/{employer['id']}/members", headers=owner)
        assert members.json()["total"] == 2

    async def test_invitation_tokens_are_stored_hashed(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        body = (await invite(client, owner, employer["id"], unique_email())).json()
        secret = body["token"].split(".")[1]
        async with app.state.database.sessionmaker() as session:
            stored = (await session.execute(select(Invitation.secret_hash))).scalar_one()
        assert secret not in stored

    async def test_invitation_used_twice_is_410_and_changes_nothing(
        self, client: AsyncClient, app: FastAPI
    ):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        body = (await invite(client, owner, employer["id"], unique_email())).json()
        first = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"], "display_name": "A", "password": PASSWORD},
        )
        assert first.status_code == 200
        users, memberships = await count(app, User), await count(app, Membership)
        second = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"], "display_name": "B", "password": "another long password"},
        )
        assert second.status_code == 410
        assert second.headers["content-type"] == "application/problem+json"
        assert (await count(app, User), await count(app, Membership)) == (users, memberships)

    async def test_expired_invitation_is_410(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        email = unique_email()
        body = (await invite(client, owner, employer["id"], email)).json()
        async with app.state.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        users = await count(app, User)
        response = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"], "display_name": "Late", "password": PASSWORD},
        )
        assert response.status_code == 410
        assert "expired" in response.json()["detail"]
        assert await count(app, User) == users

    @pytest.mark.parametrize("kind", ["tampered", "garbage", "unknown_id"])
    async def test_forged_invitation_token_is_404(
        self, client: AsyncClient, app: FastAPI, kind: str
    ):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        real = (await invite(client, owner, employer["id"], unique_email())).json()["token"]
        selector, secret = real.split(".")
        forged = {
            "tampered": f"{selector}.{secret[::-1]}",
            "garbage": "'; DELETE FROM invitation; --",
            "unknown_id": f"{uuid.uuid4().hex}.{secret}",
        }[kind]
        response = await client.post(
            "/v1/invitations/accept",
            json={"token": forged, "display_name": "X", "password": PASSWORD},
        )
        assert response.status_code == 404
        ok = await client.post(
            "/v1/invitations/accept",
            json={"token": real, "display_name": "Real", "password": PASSWORD},
        )
        assert ok.status_code == 200

    async def test_owner_of_employer_a_cannot_invite_into_employer_b(
        self, client: AsyncClient, app: FastAPI
    ):
        admin = await network_admin(app, client)
        employer_a, employer_b = org(), org()
        _, owner_a = await account(client, admin, employer_a)
        await account(client, admin, employer_b)
        response = await invite(client, owner_a, employer_b["id"], unique_email(), "owner")
        assert response.status_code == 404
        assert await count(app, Invitation) == 0
        members = await client.get(f"/v1/organisations/{employer_b['id']}/members", headers=owner_a)
        assert members.status_code == 404

    async def test_members_cannot_invite_and_admins_cannot_make_owners(
        self, client: AsyncClient, app: FastAPI
    ):
        admin = await network_admin(app, client)
        employer = org()
        _, member = await account(client, admin, employer, role="member")
        _, org_admin = await account(client, admin, employer, role="admin")
        assert (await invite(client, member, employer["id"], unique_email())).status_code == 403
        assert (
            await invite(client, org_admin, employer["id"], unique_email(), "owner")
        ).status_code == 403
        assert (
            await invite(client, org_admin, employer["id"], unique_email(), "admin")
        ).status_code == 201

    async def test_existing_account_links_only_when_signed_in_as_it(
        self, client: AsyncClient, app: FastAPI
    ):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        user, tokens = await learner(client)
        body = (await invite(client, owner, employer["id"], user["email"].upper())).json()
        # someone else holding the token cannot take over or reset the existing account
        stranger = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"], "display_name": "X", "password": "hijacked password!"},
        )
        assert stranger.status_code == 409
        linked = await client.post(
            "/v1/invitations/accept",
            json={"token": body["token"]},
            headers=bearer(tokens["access_token"]),
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["created_account"] is False
        assert linked.json()["user"]["roles"] == ["learner", "employer"]
        await sign_in(client, user["email"])  # the password was not changed

    async def test_bad_invitation_input(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        employer = org()
        _, owner = await account(client, admin, employer)
        for body in (
            {"email": "not an email", "role": "member"},
            {"email": unique_email(), "role": "superuser"},
            {"email": unique_email(), "role": "member", "organisation_id": str(uuid.uuid4())},
        ):
            response = await client.post(
                f"/v1/organisations/{employer['id']}/invitations", json=body, headers=owner
            )
            assert response.status_code == 422
        assert await count(app, Invitation) == 0


class TestInternalMemberships:
    async def _service_token(self, app: FastAPI, client: AsyncClient, scopes: list[str]) -> str:
        async with app.state.database.sessionmaker() as session, session.begin():
            svc, secret = await create_client(
                session, name="partnerships service", kind="service", scopes=scopes
            )
            client_id = svc.client_id
        response = await token(
            client, grant_type="client_credentials", client_id=client_id, client_secret=secret
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    async def test_service_adds_an_employer_owner(self, client: AsyncClient, app: FastAPI):
        user, _ = await learner(client)
        service = bearer(await self._service_token(app, client, ["internal"]))
        employer = org("employer", "Fibrewave Broadband Ltd")
        body = {"user_id": user["id"], "organisation": employer, "role": "owner"}
        first = await client.post("/v1/internal/memberships", json=body, headers=service)
        assert first.status_code == 201, first.text
        again = await client.post("/v1/internal/memberships", json=body, headers=service)
        assert again.status_code == 200
        assert await count(app, Membership) == 1
        claims = jwt.get_unverified_claims((await sign_in(client, user["email"]))["access_token"])
        assert claims["roles"] == ["learner", "employer"]
        assert claims["orgs"] == [{"type": "employer", "id": employer["id"], "role": "owner"}]

    async def test_only_internal_service_tokens_may_call(self, client: AsyncClient, app: FastAPI):
        user, tokens = await learner(client)
        admin = await network_admin(app, client)
        api_client = bearer(await self._service_token(app, client, ["catalogue:read"]))
        body = {"user_id": user["id"], "organisation": org(), "role": "owner"}
        assert (await client.post("/v1/internal/memberships", json=body)).status_code == 401
        for headers in (bearer(tokens["access_token"]), admin, api_client):
            response = await client.post("/v1/internal/memberships", json=body, headers=headers)
            assert response.status_code == 403
        assert await count(app, Membership) == 1  # the admin's own

    async def test_services_cannot_make_network_admins(self, client: AsyncClient, app: FastAPI):
        user, _ = await learner(client)
        service = bearer(await self._service_token(app, client, ["internal"]))
        body = {
            "user_id": user["id"],
            "organisation": {"id": str(NETWORK_ORG_ID), "type": "network", "name": "Network"},
            "role": "admin",
        }
        response = await client.post("/v1/internal/memberships", json=body, headers=service)
        assert response.status_code == 403
        assert await count(app, Membership) == 0

    async def test_unknown_user_is_422(self, client: AsyncClient, app: FastAPI):
        service = bearer(await self._service_token(app, client, ["internal"]))
        body = {"user_id": str(uuid.uuid4()), "organisation": org(), "role": "member"}
        response = await client.post("/v1/internal/memberships", json=body, headers=service)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.user_id"


class TestClients:
    async def test_secret_is_shown_once_and_stored_hashed(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        provider = org("provider")
        await client.post("/v1/organisations", json=provider, headers=admin)
        created = await client.post(
            "/v1/clients",
            json={"name": "SRS", "organisation_id": provider["id"], "scopes": ["catalogue:read"]},
            headers=admin,
        )
        assert created.status_code == 201
        secret = created.json()["client_secret"]
        listed = await client.get("/v1/clients", headers=admin)
        assert secret not in listed.text
        assert listed.json()["items"][0]["scopes"] == ["catalogue:read"]
        async with app.state.database.sessionmaker() as session:
            stored = (await session.execute(select(ApiClient.secret_hash))).scalar_one()
        assert secret not in stored

    @pytest.mark.parametrize(
        "body",
        [
            {"scopes": ["internal"]},
            {"scopes": ["admin"]},
            {"scopes": []},
            {"name": "x\x00y"},
            {"organisation_id": "not-a-uuid"},
        ],
    )
    async def test_bad_client_requests_are_422(
        self, client: AsyncClient, app: FastAPI, body: dict[str, Any]
    ):
        admin = await network_admin(app, client)
        provider = org("provider")
        await client.post("/v1/organisations", json=provider, headers=admin)
        full = {"name": "SRS", "organisation_id": provider["id"], "scopes": ["catalogue:read"]}
        response = await client.post("/v1/clients", json=full | body, headers=admin)
        assert response.status_code == 422

    async def test_only_network_admins_register_clients(self, client: AsyncClient, app: FastAPI):
        admin = await network_admin(app, client)
        provider = org("provider")
        _, staff = await account(client, admin, provider)
        response = await client.post(
            "/v1/clients",
            json={"name": "SRS", "organisation_id": provider["id"], "scopes": ["catalogue:read"]},
            headers=staff,
        )
        assert response.status_code == 403
