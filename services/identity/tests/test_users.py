"""Registration, /v1/me, the password policy and bad input on account fields."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from identity.models import User
from tests.helpers import PASSWORD, bearer, count, learner, register, sign_in, unique_email


class TestRegistration:
    async def test_learner_registers_signs_in_and_sees_themselves(self, client: AsyncClient):
        email = unique_email()
        user = await register(client, email, name="Asha Patel")
        assert user["roles"] == ["learner"]
        assert "password" not in str(user)
        assert "hash" not in str(user)
        tokens = await sign_in(client, email.upper())  # emails compare in any letter case
        me = await client.get("/v1/me", headers=bearer(tokens["access_token"]))
        assert me.status_code == 200
        body = me.json()
        assert body["kind"] == "user"
        assert body["user"]["id"] == user["id"]
        assert body["user"]["display_name"] == "Asha Patel"
        assert body["user"]["roles"] == ["learner"]
        assert body["user"]["last_login_at"] is not None

    async def test_existing_email_in_other_case_is_409_and_changes_nothing(
        self, client: AsyncClient, app: FastAPI
    ):
        await register(client, "Grace.Hopper@Example.org")
        before = await count(app, User)
        response = await client.post(
            "/v1/users",
            json={
                "email": "grace.hopper@EXAMPLE.ORG",
                "display_name": "Impostor",
                "password": "another fine long passphrase",
            },
        )
        assert response.status_code == 409
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == "body.email"
        assert await count(app, User) == before
        # the original password still works, the impostor's does not
        await sign_in(client, "grace.hopper@example.org")
        refused = await client.post(
            "/v1/token",
            data={
                "grant_type": "password",
                "username": "grace.hopper@example.org",
                "password": "another fine long passphrase",
            },
        )
        assert refused.status_code == 400

    async def test_password_is_stored_as_argon2id_with_owasp_parameters(
        self, client: AsyncClient, app: FastAPI
    ):
        user = await register(client)
        async with app.state.database.sessionmaker() as session:
            stored = (
                await session.execute(select(User.password_hash).where(User.email == user["email"]))
            ).scalar_one()
        assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
        assert PASSWORD not in stored

    @pytest.mark.parametrize(
        ("password", "reason"),
        [
            ("short pass", "at least 12"),
            ("password1234", "too common"),
            ("P@ssw0rd2024!", "too common"),
            ("qwertyuiop123", "too common"),
            ("123456789012", "too common"),
            ("aaaaaaaaaaaaaaaa", "too common"),
            ("iloveyou2025", "too common"),
            ("Football123456", "too common"),
            ("x" * 1025, "at most 1024"),
        ],
    )
    async def test_weak_passwords_are_refused_naming_the_field(
        self, client: AsyncClient, app: FastAPI, password: str, reason: str
    ):
        response = await client.post(
            "/v1/users",
            json={"email": unique_email(), "display_name": "Ada", "password": password},
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == "body.password"
        assert reason in response.text
        assert await count(app, User) == 0

    async def test_password_equal_to_email_is_refused(self, client: AsyncClient):
        response = await client.post(
            "/v1/users",
            json={
                "email": "adalovelace@example.org",
                "display_name": "Ada",
                "password": "adalovelace@example.org",
            },
        )
        assert response.status_code == 422

    async def test_long_passphrase_without_symbols_is_accepted(self, client: AsyncClient):
        await register(client, password="three random words plus another")

    async def test_ten_megabyte_password_is_413_and_stores_nothing(
        self, client: AsyncClient, app: FastAPI
    ):
        huge = "a" * (10 * 1024 * 1024)
        response = await client.post(
            "/v1/users",
            json={"email": unique_email(), "display_name": "Ada", "password": huge},
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["x-request-id"]
        signin = await client.post(
            "/v1/token",
            data={"grant_type": "password", "username": "x@example.org", "password": huge},
        )
        assert signin.status_code == 413
        assert await count(app, User) == 0


class TestBadInput:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("email", "not-an-email"),
            ("email", "ada@example.org\x00"),
            ("email", "ada\n@example.org"),
            ("email", "robert'); DROP TABLE user;--@example.org"),
            ("email", "a" * 250 + "@example.org"),
            ("display_name", "Ada\x00Lovelace"),
            ("display_name", "Ada\x1b[31m"),
            ("display_name", ""),
            ("display_name", "x" * 121),
            ("password", ""),
            ("password", 12345678901234),
        ],
    )
    async def test_bad_registration_fields_are_422_and_store_nothing(
        self, client: AsyncClient, app: FastAPI, field: str, value: object
    ):
        body = {"email": unique_email(), "display_name": "Ada", "password": PASSWORD}
        body[field] = value  # type: ignore[assignment]
        response = await client.post("/v1/users", json=body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["field"] == f"body.{field}"
        assert await count(app, User) == 0

    async def test_sql_in_text_fields_is_stored_as_text(self, client: AsyncClient, app: FastAPI):
        name = 'Robert\'); DROP TABLE "user";--'
        user = await register(client, "o'brien@example.org", name=name)
        tokens = await sign_in(client, "O'Brien@example.org")
        me = (await client.get("/v1/me", headers=bearer(tokens["access_token"]))).json()
        assert me["user"]["display_name"] == name
        assert me["user"]["id"] == user["id"]
        assert await count(app, User) == 1

    async def test_extra_fields_are_refused(self, client: AsyncClient, app: FastAPI):
        response = await client.post(
            "/v1/users",
            json={
                "email": unique_email(),
                "display_name": "Ada",
                "password": PASSWORD,
                "status": "active",
                "learner": False,
                "roles": ["network_admin"],
            },
        )
        assert response.status_code == 422
        assert await count(app, User) == 0

    async def test_malformed_json(self, client: AsyncClient):
        response = await client.post(
            "/v1/users", content=b'{"email": ', headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert "not valid JSON" in response.text


class TestMe:
    async def test_no_token_is_401(self, client: AsyncClient):
        response = await client.get("/v1/me")
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_change_password_signs_out_other_sessions(self, client: AsyncClient):
        user, tokens = await learner(client)
        response = await client.post(
            "/v1/me/password",
            json={"current_password": PASSWORD, "new_password": "a brand new long passphrase"},
            headers=bearer(tokens["access_token"]),
        )
        assert response.status_code == 204
        refresh = await client.post(
            "/v1/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        )
        assert refresh.status_code == 400
        assert refresh.json()["error"] == "invalid_grant"
        await sign_in(client, user["email"], "a brand new long passphrase")

    async def test_change_password_needs_the_current_one(self, client: AsyncClient):
        user, tokens = await learner(client)
        response = await client.post(
            "/v1/me/password",
            json={"current_password": "not my password!", "new_password": "whatever long enough"},
            headers=bearer(tokens["access_token"]),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == "body.current_password"
        await sign_in(client, user["email"])  # unchanged
