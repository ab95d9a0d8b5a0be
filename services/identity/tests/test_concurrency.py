"""Single-use things stay single-use when used at the same moment."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI
from httpx import AsyncClient

from tests.helpers import PASSWORD, learner, network_admin, token, unique_email
from tests.test_organisations import account, invite, org


async def test_concurrent_refreshes_with_one_token_issue_at_most_one_pair(client: AsyncClient):
    _, tokens = await learner(client)
    responses = await asyncio.gather(
        *(
            token(client, grant_type="refresh_token", refresh_token=tokens["refresh_token"])
            for _ in range(5)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 400}, [r.text for r in responses]


async def test_concurrent_accepts_of_one_invitation_make_one_account(
    client: AsyncClient, app: FastAPI
):
    admin = await network_admin(app, client)
    employer = org()
    _, owner = await account(client, admin, employer)
    body = (await invite(client, owner, employer["id"], unique_email())).json()
    responses = await asyncio.gather(
        *(
            client.post(
                "/v1/invitations/accept",
                json={"token": body["token"], "display_name": f"N{i}", "password": PASSWORD},
            )
            for i in range(5)
        )
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, [r.text for r in responses]
    assert set(statuses) <= {200, 409, 410}, [r.text for r in responses]
