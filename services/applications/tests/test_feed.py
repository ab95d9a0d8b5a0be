"""The changes feed for integrators: their provider's applications changed after a cursor, never
missing and never double-counting a change, even with writers racing the poller."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld
from tests.people import Learner, integrator, staff
from tests.test_applications import apply, move


async def changes(
    client: AsyncClient, headers: dict[str, str], since: int, limit: int = 100
) -> dict[str, Any]:
    response = await client.get(
        "/v1/applications/changes", params={"since": since, "limit": limit}, headers=headers
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_the_feed_lists_changes_in_order_and_pages_by_cursor(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    reader = integrator(tokens, world.provider_id)
    intake = await world.intake()
    made = [await apply(client, Learner(tokens), intake["id"]) for _ in range(3)]
    first = await changes(client, reader, 0, limit=2)
    assert [c["application"]["id"] for c in first["items"]] == [m["id"] for m in made[:2]]
    assert first["has_more"] is True
    rest = await changes(client, reader, first["next_cursor"], limit=2)
    assert [c["application"]["id"] for c in rest["items"]] == [made[2]["id"]]
    assert rest["has_more"] is False
    quiet = await changes(client, reader, rest["next_cursor"])
    assert (quiet["items"], quiet["next_cursor"]) == ([], rest["next_cursor"])
    # A change shows the application again, once, as it is now.
    await move(client, staff(tokens, world.provider_id), made[0]["id"], "under_review")
    later = await changes(client, reader, rest["next_cursor"])
    assert [(c["application"]["id"], c["application"]["status"]) for c in later["items"]] == [
        (made[0]["id"], "under_review")
    ]
    assert later["items"][0]["cursor"] > rest["next_cursor"]


async def test_the_feed_shows_only_the_clients_provider_and_never_drafts(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    mine, theirs = await world.intake(provider=0), await world.intake(provider=1)
    learner = Learner(tokens)
    sent = await apply(client, learner, mine["id"])
    await apply(client, Learner(tokens), mine["id"], submit=False)
    await apply(client, learner, theirs["id"])
    feed = await changes(client, integrator(tokens, world.provider_id), 0)
    assert [c["application"]["id"] for c in feed["items"]] == [sent["id"]]
    other = await changes(client, integrator(tokens, world.other_provider_id), 0)
    assert sent["id"] not in [c["application"]["id"] for c in other["items"]]


async def test_the_feed_needs_the_read_scope_and_a_provider(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    url = "/v1/applications/changes"
    assert (await client.get(url)).status_code == 401
    no_scope = integrator(tokens, world.provider_id, scope="catalogue:read")
    assert (await client.get(url, headers=no_scope)).status_code == 403
    no_provider = await client.get(url, headers=integrator(tokens, None))
    assert no_provider.status_code == 403
    assert "provider" in no_provider.json()["detail"]
    assert (await client.get(url, headers=Learner(tokens).headers)).status_code == 403
    reader = integrator(tokens, world.provider_id)
    for params in (
        {"since": -1},
        {"since": "yesterday"},
        {"limit": 0},
        {"limit": 501},
        {"since": 2**63},
    ):
        response = await client.get(url, params=params, headers=reader)
        assert response.status_code == 422, (params, response.text)


async def test_a_poller_racing_concurrent_writers_never_misses_or_double_counts(
    client: AsyncClient, world: CatalogueWorld, tokens: TokenFactory
):
    """Writers apply and move applications on while a student record system polls. Each poll's
    items are newer than its cursor and in order; no change number is seen twice; and once the
    writers stop, what the poller saw (the last state of each application) is what is stored."""
    reader = integrator(tokens, world.provider_id)
    decider = staff(tokens, world.provider_id)
    intakes = [await world.intake(capacity=100) for _ in range(3)]
    rng = random.Random(7)
    writing = True

    async def writer(n: int) -> None:
        for i in range(6):
            learner = Learner(tokens)
            created = await apply(client, learner, intakes[(n + i) % 3]["id"])
            for to in ("under_review", "interview")[: rng.randint(0, 2)]:
                await move(client, decider, created["id"], to)

    seen_cursors: set[int] = set()
    latest: dict[str, tuple[int, str]] = {}

    async def poller() -> None:
        cursor = 0
        while True:
            done = not writing
            page = await changes(client, reader, cursor, limit=rng.randint(1, 7))
            previous = cursor
            for item in page["items"]:
                assert item["cursor"] > previous
                assert item["cursor"] not in seen_cursors
                seen_cursors.add(item["cursor"])
                previous = item["cursor"]
                latest[item["application"]["id"]] = (item["cursor"], item["application"]["status"])
            cursor = page["next_cursor"]
            if done and not page["has_more"]:
                return
            await asyncio.sleep(0)

    polling = asyncio.create_task(poller())
    await asyncio.gather(*[writer(n) for n in range(5)])
    writing = False
    await polling
    stored = []
    offset = 0
    while True:
        page = (
            await client.get(
                "/v1/applications", params={"limit": 100, "offset": offset}, headers=decider
            )
        ).json()
        stored.extend(page["items"])
        offset += 100
        if offset >= page["total"]:
            break
    assert len(stored) == 30
    assert {a["id"]: a["status"] for a in stored} == {k: v[1] for k, v in latest.items()}
