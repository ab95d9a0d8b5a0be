"""Small helpers for identity's tests: sign-ups, sign-ins and direct database checks."""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient, Response
from sqlalchemy import func, select

from identity.bootstrap import create_network_admin
from identity.models import Base

PASSWORD = "a long walk by the humber"
_n = itertools.count(1)


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}{next(_n)}@example.org"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def register(
    client: AsyncClient, email: str | None = None, password: str = PASSWORD, name: str = "Ada"
) -> dict[str, Any]:
    response = await client.post(
        "/v1/users",
        json={"email": email or unique_email(), "display_name": name, "password": password},
    )
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


async def token(client: AsyncClient, **form: str) -> Response:
    return await client.post("/v1/token", data=form)


async def sign_in(client: AsyncClient, email: str, password: str = PASSWORD) -> dict[str, Any]:
    response = await token(client, grant_type="password", username=email, password=password)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def learner(client: AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A registered learner and their tokens."""
    user = await register(client)
    return user, await sign_in(client, user["email"])


async def network_admin(app: FastAPI, client: AsyncClient) -> dict[str, str]:
    """Bearer headers of a new network admin (made as `identity create-admin` makes one)."""
    email = unique_email("admin")
    async with app.state.database.sessionmaker() as session, session.begin():
        await create_network_admin(
            session, app.state.passwords, email=email, password=PASSWORD, name="Admin"
        )
    return bearer((await sign_in(client, email))["access_token"])


async def count(app: FastAPI, model: type[Base]) -> int:
    async with app.state.database.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


def same_problem(a: Response, b: Response) -> bool:
    """Two problem answers that differ only in their request ids."""
    strip = ("request_id",)
    return a.status_code == b.status_code and {
        k: v for k, v in a.json().items() if k not in strip
    } == {k: v for k, v in b.json().items() if k not in strip}
