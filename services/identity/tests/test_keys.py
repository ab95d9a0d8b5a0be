"""The JWKS, key rotation (the old key stays published until its tokens have expired) and
keys encrypted at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from jose import jwt
from sqlalchemy import select, update

from identity.bootstrap import StartupRefused
from identity.keys import rotate
from identity.main import build_app
from identity.models import SigningKey
from servicekit.db import utcnow
from tests.conftest import make_settings
from tests.helpers import bearer, learner, sign_in


async def rotate_now(app: FastAPI) -> str:
    async with app.state.database.sessionmaker() as session, session.begin():
        key, _ = await rotate(session, app.state.settings)
        return key.kid


async def jwks_kids(client: AsyncClient) -> list[str]:
    response = await client.get("/v1/jwks.json")
    assert response.status_code == 200
    return [k["kid"] for k in response.json()["keys"]]


async def test_jwks_publishes_public_rsa_keys_only(client: AsyncClient):
    response = await client.get("/v1/jwks.json")
    assert response.headers["cache-control"].startswith("public")
    (key,) = response.json()["keys"]
    assert key["kty"] == "RSA"
    assert key["alg"] == "RS256"
    assert key["use"] == "sig"
    assert set(key) == {"kty", "alg", "use", "kid", "n", "e"}  # no private parts
    assert len(key["n"]) > 300  # 2048-bit modulus


async def test_rotation_signs_with_the_new_key_and_keeps_the_old_one_published(
    client: AsyncClient, app: FastAPI
):
    user, before = await learner(client)
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    new_kid = await rotate_now(app)
    assert new_kid != old_kid
    assert set(await jwks_kids(client)) == {old_kid, new_kid}
    after = await sign_in(client, user["email"])
    assert jwt.get_unverified_header(after["access_token"])["kid"] == new_kid
    # tokens signed before the rotation still work until they expire
    assert (await client.get("/v1/me", headers=bearer(before["access_token"]))).status_code == 200
    assert (await client.get("/v1/me", headers=bearer(after["access_token"]))).status_code == 200


async def test_old_key_leaves_the_jwks_once_its_tokens_have_expired(
    client: AsyncClient, app: FastAPI
):
    _, before = await learner(client)
    old_kid = jwt.get_unverified_header(before["access_token"])["kid"]
    await rotate_now(app)
    async with app.state.database.sessionmaker() as session, session.begin():
        retired = await session.get(SigningKey, old_kid)
        assert retired is not None
        assert retired.publish_until is not None
        # published for at least the access-token lifetime after the rotation
        assert retired.publish_until - retired.retired_at >= timedelta(seconds=900)  # type: ignore[operator]
        await session.execute(
            update(SigningKey)
            .where(SigningKey.kid == old_kid)
            .values(publish_until=utcnow() - timedelta(seconds=1))
        )
    assert old_kid not in await jwks_kids(client)
    assert (await client.get("/v1/me", headers=bearer(before["access_token"]))).status_code == 401
    # the next rotation deletes it for good
    await rotate_now(app)
    async with app.state.database.sessionmaker() as session:
        assert await session.get(SigningKey, old_kid) is None


async def test_keys_are_encrypted_at_rest_with_the_passphrase(
    database_url: str, client: AsyncClient
):
    settings = make_settings(database_url, key_passphrase="a long key passphrase for tests")
    app = build_app(settings)
    async with LifespanManager(app):
        kid = await rotate_now(app)
        async with app.state.database.sessionmaker() as session:
            key = await session.get(SigningKey, kid)
        assert key is not None
        assert key.encrypted
        assert "ENCRYPTED PRIVATE KEY" in key.private_pem
        async with AsyncClient(transport=ASGITransport(app=app), base_url="http://t") as c:
            _, tokens = await learner(c)
            assert jwt.get_unverified_header(tokens["access_token"])["kid"] == kid

    # without the passphrase (or with another) identity refuses to start
    for passphrase in (None, "the wrong passphrase"):
        other = build_app(make_settings(database_url, key_passphrase=passphrase))
        with pytest.raises(StartupRefused, match="signing keys"):
            async with LifespanManager(other):
                pass


async def test_first_start_creates_a_key(client: AsyncClient, app: FastAPI):
    async with app.state.database.sessionmaker() as session:
        keys = (await session.execute(select(SigningKey))).scalars().all()
    assert len(keys) == 1
    assert keys[0].retired_at is None
