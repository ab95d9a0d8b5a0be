"""Accepted offers never exceed an intake's capacity: offers count as promised places, checked
under the intake's lock (a row lock on PostgreSQL, the write lock on SQLite)."""

from __future__ import annotations

import asyncio

import httpx
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld, admin
from tests.people import Learner, staff
from tests.test_applications import apply, move


async def reviewed(
    client: AsyncClient, tokens: TokenFactory, world: CatalogueWorld, intake_id: str, n: int
) -> list[tuple[Learner, str]]:
    decider = staff(tokens, world.provider_id)
    made = []
    for _ in range(n):
        learner = Learner(tokens)
        application = await apply(client, learner, intake_id)
        await move(client, decider, application["id"], "under_review")
        made.append((learner, application["id"]))
    return made


async def test_an_offer_beyond_capacity_is_refused(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    intake = await world.intake(capacity=2)
    decider = staff(tokens, world.provider_id)
    (a, first), (b, second), (c, third) = await reviewed(client, tokens, world, intake["id"], 3)
    await move(client, decider, first, "offer", offer_type="unconditional")
    await move(client, decider, second, "offer", offer_type="unconditional")
    full = await move(client, decider, third, "offer", offer_type="unconditional", status=409)
    assert full["code"] == "intake-full"
    assert full["capacity"] == 2
    assert (await client.get(f"/v1/applications/{third}", headers=c.headers)).json()[
        "status"
    ] == "under_review"
    # A declined offer frees its place.
    await move(client, b.headers, second, "declined")
    await move(client, decider, third, "offer", offer_type="unconditional")
    await move(client, c.headers, third, "accepted")


async def test_an_acceptance_beyond_a_reduced_capacity_is_refused(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    intake = await world.intake(capacity=2)
    decider = staff(tokens, world.provider_id)
    (a, first), (b, second) = await reviewed(client, tokens, world, intake["id"], 2)
    await move(client, decider, first, "offer", offer_type="unconditional")
    await move(client, decider, second, "offer", offer_type="unconditional")
    # The provider cuts the intake to one place; the next offer refreshes it from the catalogue.
    async with httpx.AsyncClient(base_url=world.url) as catalogue:
        cut = await catalogue.patch(
            f"/v1/intakes/{intake['id']}", json={"capacity": 1}, headers=admin(tokens)
        )
        assert cut.status_code == 200, cut.text
    ((c, third),) = await reviewed(client, tokens, world, intake["id"], 1)
    await move(client, decider, third, "offer", offer_type="unconditional", status=409)
    await move(client, a.headers, first, "accepted")
    full = await move(client, b.headers, second, "accepted", status=409)
    assert full["code"] == "intake-full"
    assert (await client.get(f"/v1/applications/{second}", headers=b.headers)).json()[
        "status"
    ] == "offer"


async def test_simultaneous_offers_never_exceed_capacity(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    intake = await world.intake(capacity=3)
    decider = staff(tokens, world.provider_id)
    made = await reviewed(client, tokens, world, intake["id"], 8)
    answers = await asyncio.gather(
        *[
            client.post(
                f"/v1/applications/{application}/transitions",
                json={"to": "offer", "offer_type": "unconditional"},
                headers=decider,
            )
            for _, application in made
        ]
    )
    assert sorted(r.status_code for r in answers) == [200] * 3 + [409] * 5
    offers = await client.get(
        "/v1/applications", params={"intake": intake["id"], "status": "offer"}, headers=decider
    )
    assert offers.json()["total"] == 3


async def test_simultaneous_acceptances_never_exceed_capacity(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    intake = await world.intake(capacity=4)
    decider = staff(tokens, world.provider_id)
    made = await reviewed(client, tokens, world, intake["id"], 4)
    for _, application in made:
        await move(client, decider, application, "offer", offer_type="unconditional")
    async with httpx.AsyncClient(base_url=world.url) as catalogue:
        cut = await catalogue.patch(
            f"/v1/intakes/{intake['id']}", json={"capacity": 2}, headers=admin(tokens)
        )
        assert cut.status_code == 200
    # The stored capacity follows the catalogue when an offer is next made (here: refused).
    ((_, extra),) = await reviewed(client, tokens, world, intake["id"], 1)
    await move(client, decider, extra, "offer", offer_type="unconditional", status=409)
    answers = await asyncio.gather(
        *[
            client.post(
                f"/v1/applications/{application}/transitions",
                json={"to": "accepted"},
                headers=learner.headers,
            )
            for learner, application in made
        ]
    )
    assert sorted(r.status_code for r in answers) == [200] * 2 + [409] * 2
    accepted = await client.get(
        "/v1/applications", params={"intake": intake["id"], "status": "accepted"}, headers=decider
    )
    assert accepted.json()["total"] == 2
