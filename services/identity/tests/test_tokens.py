"""The token endpoint: grants, RFC 6749 errors, refresh rotation and replay, logout,
throttling, disabled accounts and the same answer for unknown emails and wrong passwords."""

from __future__ import annotations

import base64
from datetime import timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from jose import jwt
from sqlalchemy import select, update

from identity.models import LoginThrottle, RefreshToken, User
from servicekit.db import utcnow
from tests.helpers import (
    PASSWORD,
    bearer,
    count,
    learner,
    network_admin,
    register,
    same_problem,
    sign_in,
    token,
    unique_email,
)


def claims_of(access_token: str) -> dict:
    return jwt.get_unverified_claims(access_token)


def assert_oauth_error(response, status: int, error: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["error"] == error
    assert body["error_description"]
    assert body["status"] == status
    assert body["type"]
    assert body["title"]


async def verifications(client: AsyncClient) -> float:
    text = (await client.get("/metrics")).text
    for line in text.splitlines():
        if line.startswith("identity_password_verifications_total "):
            return float(line.split()[1])
    raise AssertionError("no verification counter in /metrics")


class TestPasswordGrant:
    async def test_access_token_has_the_claims_services_rely_on(
        self, client: AsyncClient, app: FastAPI
    ):
        user, tokens = await learner(client)
        assert tokens["token_type"] == "Bearer"
        assert tokens["expires_in"] == 900
        header = jwt.get_unverified_header(tokens["access_token"])
        assert header["alg"] == "RS256"
        jwks = (await client.get("/v1/jwks.json")).json()
        assert header["kid"] in {k["kid"] for k in jwks["keys"]}
        claims = claims_of(tokens["access_token"])
        assert claims["sub"] == user["id"]
        assert claims["iss"] == app.state.settings.jwt_issuer
        assert claims["aud"] == "iot-platform"
        assert claims["exp"] - claims["iat"] == 900
        assert len(claims["jti"]) == 32
        assert claims["roles"] == ["learner"]
        assert claims["orgs"] == []
        assert "email" not in claims
        assert "password" not in str(claims)

    async def test_unknown_email_and_wrong_password_answer_the_same_after_one_verification(
        self, client: AsyncClient
    ):
        user = await register(client)
        before = await verifications(client)
        wrong = await token(
            client, grant_type="password", username=user["email"], password="not the password"
        )
        middle = await verifications(client)
        unknown = await token(
            client,
            grant_type="password",
            username=unique_email("ghost"),
            password="not the password",
        )
        after = await verifications(client)
        assert_oauth_error(wrong, 400, "invalid_grant")
        assert same_problem(wrong, unknown)
        # The unknown account verified a (dummy) hash too: same work, about the same time.
        assert middle - before == 1
        assert after - middle == 1

    @pytest.mark.parametrize(
        "username", ["' OR '1'='1", "admin@example.org'--", "x\x00@example.org", "%", "*"]
    )
    async def test_sql_and_control_characters_in_username_are_refused(
        self, client: AsyncClient, username: str
    ):
        await register(client)
        response = await token(client, grant_type="password", username=username, password=PASSWORD)
        assert response.status_code == 400
        assert response.json()["error"] in ("invalid_grant", "invalid_request")

    async def test_disabled_account_cannot_sign_in(self, client: AsyncClient, app: FastAPI):
        user, _ = await learner(client)
        admin = await network_admin(app, client)
        await client.patch(f"/v1/users/{user['id']}", json={"status": "disabled"}, headers=admin)
        response = await token(
            client, grant_type="password", username=user["email"], password=PASSWORD
        )
        assert_oauth_error(response, 400, "invalid_grant")


class TestRequestErrors:
    async def test_json_body_is_invalid_request(self, client: AsyncClient):
        response = await client.post("/v1/token", json={"grant_type": "password"})
        assert_oauth_error(response, 400, "invalid_request")

    async def test_missing_grant_type(self, client: AsyncClient):
        assert_oauth_error(await token(client, username="a"), 400, "invalid_request")

    async def test_unknown_grant_type(self, client: AsyncClient):
        response = await token(client, grant_type="authorization_code", code="x")
        assert_oauth_error(response, 400, "unsupported_grant_type")

    async def test_repeated_parameter(self, client: AsyncClient):
        response = await client.post(
            "/v1/token",
            content=b"grant_type=password&grant_type=client_credentials",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert_oauth_error(response, 400, "invalid_request")

    async def test_missing_password(self, client: AsyncClient):
        response = await token(client, grant_type="password", username="a@example.org")
        assert_oauth_error(response, 400, "invalid_request")

    async def test_not_utf8(self, client: AsyncClient):
        response = await client.post(
            "/v1/token",
            content=b"grant_type=password&username=\xff\xfe",
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert_oauth_error(response, 400, "invalid_request")


class TestRefresh:
    async def test_refresh_rotates_and_the_new_token_works(self, client: AsyncClient):
        _, first = await learner(client)
        second = await token(
            client, grant_type="refresh_token", refresh_token=first["refresh_token"]
        )
        assert second.status_code == 200, second.text
        assert second.json()["refresh_token"] != first["refresh_token"]
        third = await token(
            client, grant_type="refresh_token", refresh_token=second.json()["refresh_token"]
        )
        assert third.status_code == 200

    async def test_replayed_refresh_token_revokes_the_whole_family(
        self, client: AsyncClient, app: FastAPI
    ):
        _, first = await learner(client)
        rotated = await token(
            client, grant_type="refresh_token", refresh_token=first["refresh_token"]
        )
        assert rotated.status_code == 200
        replay = await token(
            client, grant_type="refresh_token", refresh_token=first["refresh_token"]
        )
        assert_oauth_error(replay, 400, "invalid_grant")
        # the thief's replay also kills the token the legitimate client got
        legit = await token(
            client, grant_type="refresh_token", refresh_token=rotated.json()["refresh_token"]
        )
        assert_oauth_error(legit, 400, "invalid_grant")
        assert "revoked" in legit.json()["detail"]

    async def test_other_sign_ins_survive_a_replay(self, client: AsyncClient):
        user, first = await learner(client)
        other = await sign_in(client, user["email"])
        await token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
        await token(client, grant_type="refresh_token", refresh_token=first["refresh_token"])
        ok = await token(client, grant_type="refresh_token", refresh_token=other["refresh_token"])
        assert ok.status_code == 200

    @pytest.mark.parametrize("kind", ["tampered_secret", "garbage", "other_id", "empty_secret"])
    async def test_forged_refresh_tokens_are_invalid_grant(self, client: AsyncClient, kind: str):
        _, tokens = await learner(client)
        selector, secret = tokens["refresh_token"].split(".")
        forged = {
            "tampered_secret": f"{selector}.{secret[:-2]}{'AA' if secret[-2:] != 'AA' else 'BB'}",
            "garbage": "' OR 1=1 --",
            "other_id": f"{'0' * 32}.{secret}",
            "empty_secret": f"{selector}.",
        }[kind]
        response = await token(client, grant_type="refresh_token", refresh_token=forged)
        assert_oauth_error(response, 400, "invalid_grant")
        # the real token was not spent or revoked by the forgery
        ok = await token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
        assert ok.status_code == 200

    async def test_refresh_tokens_are_stored_hashed(self, client: AsyncClient, app: FastAPI):
        _, tokens = await learner(client)
        secret = tokens["refresh_token"].split(".")[1]
        async with app.state.database.sessionmaker() as session:
            rows = (await session.execute(select(RefreshToken.secret_hash))).scalars().all()
        assert rows
        assert all(secret not in r for r in rows)

    async def test_expired_refresh_token(self, client: AsyncClient, app: FastAPI):
        _, tokens = await learner(client)
        async with app.state.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        response = await token(
            client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
        )
        assert_oauth_error(response, 400, "invalid_grant")

    async def test_disabling_refuses_refresh_at_once_and_me_at_identity(
        self, client: AsyncClient, app: FastAPI
    ):
        user, tokens = await learner(client)
        admin = await network_admin(app, client)
        disabled = await client.patch(
            f"/v1/users/{user['id']}", json={"status": "disabled"}, headers=admin
        )
        assert disabled.status_code == 200
        assert disabled.json()["status"] == "disabled"
        refresh = await token(
            client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
        )
        assert_oauth_error(refresh, 400, "invalid_grant")
        me = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        assert me.status_code == 401
        # re-enabling does not bring the revoked refresh token back
        await client.patch(f"/v1/users/{user['id']}", json={"status": "active"}, headers=admin)
        again = await token(
            client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
        )
        assert again.status_code == 400


class TestLogout:
    async def test_logout_revokes_the_sign_in(self, client: AsyncClient):
        _, tokens = await learner(client)
        response = await client.post("/v1/logout", data={"refresh_token": tokens["refresh_token"]})
        assert response.status_code == 204
        refresh = await token(
            client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
        )
        assert_oauth_error(refresh, 400, "invalid_grant")

    async def test_logout_with_an_unknown_token_says_nothing(self, client: AsyncClient):
        response = await client.post("/v1/logout", data={"refresh_token": "nonsense"})
        assert response.status_code == 204

    async def test_logout_everywhere(self, client: AsyncClient):
        user, first = await learner(client)
        second = await sign_in(client, user["email"])
        response = await client.post(
            "/v1/logout", data={"everywhere": "true"}, headers=bearer(second["access_token"])
        )
        assert response.status_code == 204
        for tokens in (first, second):
            refresh = await token(
                client, grant_type="refresh_token", refresh_token=tokens["refresh_token"]
            )
            assert refresh.status_code == 400


class TestThrottling:
    async def test_account_is_throttled_after_five_failures_even_with_the_right_password(
        self, client: AsyncClient, app: FastAPI
    ):
        user = await register(client)
        for _ in range(5):
            wrong = await token(
                client, grant_type="password", username=user["email"], password="wrong password!"
            )
            assert wrong.status_code == 400
        blocked = await token(
            client, grant_type="password", username=user["email"], password=PASSWORD
        )
        assert blocked.status_code == 429, blocked.text
        assert int(blocked.headers["retry-after"]) >= 1
        assert blocked.headers["content-type"] == "application/problem+json"
        assert blocked.json()["error"] == "temporarily_unavailable"
        # other accounts from the same address are not blocked
        other = await register(client)
        await sign_in(client, other["email"])
        # once the lock has passed, the right password works and clears the count
        async with app.state.database.sessionmaker() as session, session.begin():
            await session.execute(
                update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1))
            )
        await sign_in(client, user["email"])

    async def test_locks_grow_with_further_failures(self, client: AsyncClient, app: FastAPI):
        user = await register(client)
        waits = []
        for _ in range(4):
            for _ in range(5 if not waits else 1):
                await token(
                    client, grant_type="password", username=user["email"], password="nope nope!!"
                )
            blocked = await token(
                client, grant_type="password", username=user["email"], password="nope nope!!"
            )
            assert blocked.status_code == 429
            waits.append(int(blocked.headers["retry-after"]))
            async with app.state.database.sessionmaker() as session, session.begin():
                await session.execute(
                    update(LoginThrottle).values(locked_until=utcnow() - timedelta(seconds=1))
                )
        assert waits == sorted(waits)
        assert waits[-1] > waits[0]

    async def test_address_is_throttled_across_accounts(self, client: AsyncClient):
        for _ in range(20):
            response = await token(
                client,
                grant_type="password",
                username=unique_email("stuffed"),
                password="leaked password 1",
            )
            assert response.status_code == 400
        blocked = await token(
            client, grant_type="password", username=unique_email("stuffed"), password="x" * 12
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) >= 1


class TestClientCredentials:
    async def _client(self, client: AsyncClient, app: FastAPI, scopes: list[str]) -> dict:
        admin = await network_admin(app, client)
        org = await client.post(
            "/v1/organisations",
            json={
                "id": "6d0c1f50-43a4-4c8e-a0d4-2e0a3f6b7c11",
                "type": "provider",
                "name": "Test College",
            },
            headers=admin,
        )
        assert org.status_code == 201, org.text
        created = await client.post(
            "/v1/clients",
            json={"name": "Student records", "organisation_id": org.json()["id"], "scopes": scopes},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        return created.json()

    async def test_client_token_carries_scopes_client_id_and_organisation(
        self, client: AsyncClient, app: FastAPI
    ):
        api = await self._client(client, app, ["catalogue:read", "applications:read"])
        response = await token(
            client,
            grant_type="client_credentials",
            client_id=api["client_id"],
            client_secret=api["client_secret"],
        )
        assert response.status_code == 200, response.text
        assert "refresh_token" not in response.json()
        claims = claims_of(response.json()["access_token"])
        assert claims["client_id"] == api["client_id"]
        assert claims["sub"] == f"client:{api['client_id']}"
        assert claims["scope"] == "catalogue:read applications:read"
        assert claims["orgs"] == [
            {"type": "provider", "id": "6d0c1f50-43a4-4c8e-a0d4-2e0a3f6b7c11", "role": "member"}
        ]
        me = await client.get("/v1/me", headers=bearer(response.json()["access_token"]))
        assert me.json()["kind"] == "client"

    async def test_http_basic_and_narrower_scope(self, client: AsyncClient, app: FastAPI):
        api = await self._client(client, app, ["catalogue:read", "applications:read"])
        basic = base64.b64encode(f"{api['client_id']}:{api['client_secret']}".encode()).decode()
        response = await client.post(
            "/v1/token",
            data={"grant_type": "client_credentials", "scope": "catalogue:read"},
            headers={"Authorization": f"Basic {basic}"},
        )
        assert response.status_code == 200, response.text
        assert response.json()["scope"] == "catalogue:read"

    async def test_scope_beyond_the_clients_is_invalid_scope(
        self, client: AsyncClient, app: FastAPI
    ):
        api = await self._client(client, app, ["catalogue:read"])
        response = await token(
            client,
            grant_type="client_credentials",
            client_id=api["client_id"],
            client_secret=api["client_secret"],
            scope="catalogue:read internal",
        )
        assert_oauth_error(response, 400, "invalid_scope")

    @pytest.mark.parametrize("kind", ["wrong_secret", "unknown_client", "no_credentials"])
    async def test_bad_client_credentials_are_invalid_client(
        self, client: AsyncClient, app: FastAPI, kind: str
    ):
        api = await self._client(client, app, ["catalogue:read"])
        form = {"grant_type": "client_credentials"}
        if kind == "wrong_secret":
            form |= {"client_id": api["client_id"], "client_secret": api["client_secret"] + "x"}
        elif kind == "unknown_client":
            form |= {"client_id": "cl_nobody", "client_secret": api["client_secret"]}
        response = await token(client, **form)
        assert_oauth_error(response, 401, "invalid_client")
        assert response.headers["www-authenticate"].startswith("Basic")

    async def test_disabled_client_is_refused(self, client: AsyncClient, app: FastAPI):
        api = await self._client(client, app, ["catalogue:read"])
        admin = await network_admin(app, client)
        assert (
            await client.delete(f"/v1/clients/{api['client_id']}", headers=admin)
        ).status_code == 204
        response = await token(
            client,
            grant_type="client_credentials",
            client_id=api["client_id"],
            client_secret=api["client_secret"],
        )
        assert_oauth_error(response, 401, "invalid_client")


async def test_user_count_unchanged_by_token_errors(client: AsyncClient, app: FastAPI):
    await token(client, grant_type="password", username="new@example.org", password=PASSWORD)
    assert await count(app, User) == 0
