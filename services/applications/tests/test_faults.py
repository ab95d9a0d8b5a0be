"""When the catalogue or partnerships is down or slow: a 503 naming it, within 2 seconds, nothing
half-done stored, no money awarded twice, no reservation held forever, and the learner's view
matching partnerships' ledger. Each dependency is really stopped (nothing listens on its port) or
really slowed (a real proxy in front of it holds the requests).

Partnerships is the contract double (``tests/partnerships_double.py``) until it is on main.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import pytest
from httpx import AsyncClient

from applications.bursary.award import Awarder
from servicekit.testing.tokens import TokenFactory
from tests.catalogue_world import CatalogueWorld
from tests.conftest import running_app, settings_for
from tests.partnerships import Partnerships
from tests.people import Learner, staff
from tests.servers import ServiceProcess
from tests.test_applications import apply
from tests.test_bursaries import INCOME, PROFILE, RULE, award, bursary_apply, eligible_bursary

SLOW = 5.0  # far beyond any deadline


@contextmanager
def stopped(service: Any) -> Iterator[None]:
    service.stop()
    try:
        yield
    finally:
        service.start()


@asynccontextmanager
async def applications(
    database_url: str, tokens: TokenFactory, catalogue_url: str, partnerships_url: str
) -> AsyncIterator[AsyncClient]:
    """A fresh instance of the app (fresh circuit breakers) pointed where the test says."""
    settings = settings_for(
        database_url, tokens, catalogue_url=catalogue_url, partnerships_url=partnerships_url
    )
    async with running_app(settings, tokens) as client:
        yield client


async def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = await call
    return result, time.monotonic() - started


def unavailable(response: Any, dependency: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["dependency"] == dependency
    assert response.json()["code"] == "dependency-unavailable"
    assert dependency in response.json()["detail"]


async def matches_ledger(
    client: AsyncClient,
    partnerships: Partnerships,
    learner: Learner,
    bursary_id: str,
    scheme_id: str,
) -> dict[str, Any]:
    """What the learner sees agrees with what partnerships holds for the scheme."""
    seen = (
        await client.get(f"/v1/bursary-applications/{bursary_id}", headers=learner.headers)
    ).json()
    reservations = [
        r
        for r in await partnerships.reservations(scheme_id)
        if r["key"] == bursary_id or r["key"].startswith(f"{bursary_id}.")
    ]
    awarded = [r for r in reservations if r["status"] == "awarded"]
    assert len(awarded) <= 1, reservations
    if seen["status"] == "awarded":
        assert seen["awarded_pence"] == awarded[0]["amount_pence"]
    else:
        assert awarded == []
        assert seen["awarded_pence"] is None
    if seen["award_state"] != "reserved":
        assert [r for r in reservations if r["status"] == "held"] == [], reservations
    return dict(seen)


class TestCatalogue:
    async def test_catalogue_down_at_submission_answers_503_and_stores_nothing(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue: ServiceProcess,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        async with applications(database_url, tokens, catalogue.url, partnerships.url) as app:
            with stopped(catalogue):
                for _ in range(3):
                    response, took = await timed(
                        app.post(
                            "/v1/applications",
                            json={"intake_id": intake["id"]},
                            headers=learner.headers,
                        )
                    )
                    unavailable(response, "catalogue")
                    assert took < 2.0
                assert (await app.get("/v1/applications", headers=learner.headers)).json()[
                    "total"
                ] == 0
            # Back again: the same request goes through (the breaker lets a trial call through).
            await asyncio.sleep(0.3)
            created = await app.post(
                "/v1/applications", json={"intake_id": intake["id"]}, headers=learner.headers
            )
            assert created.status_code == 201, created.text

    async def test_a_slow_catalogue_answers_503_within_two_seconds(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue_proxy: Any,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        proxy, proxy_url = catalogue_proxy
        intake = await world.intake()
        learner = Learner(tokens)
        proxy.delay("GET", r"^/v1/intakes/", SLOW)
        try:
            async with applications(database_url, tokens, proxy_url, partnerships.url) as app:
                response, took = await timed(
                    app.post(
                        "/v1/applications",
                        json={"intake_id": intake["id"]},
                        headers=learner.headers,
                    )
                )
                unavailable(response, "catalogue")
                assert took < 2.0
                assert (await app.get("/v1/applications", headers=learner.headers)).json()[
                    "total"
                ] == 0
        finally:
            proxy.clear()

    async def test_catalogue_down_when_a_draft_is_sent_leaves_the_draft_as_it_was(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue: ServiceProcess,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        draft = await apply(client, learner, intake["id"], submit=False)
        url = f"/v1/applications/{draft['id']}"
        async with applications(database_url, tokens, catalogue.url, partnerships.url) as app:
            with stopped(catalogue):
                response = await app.post(
                    f"{url}/transitions", json={"to": "submitted"}, headers=learner.headers
                )
                unavailable(response, "catalogue")
        after = (await client.get(url, headers=learner.headers)).json()
        assert after["status"] == "draft"
        assert len(after["history"]) == 1

    async def test_the_request_id_and_a_service_token_are_passed_on(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue_proxy: Any,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        proxy, proxy_url = catalogue_proxy
        intake = await world.intake()
        learner = Learner(tokens)
        async with applications(database_url, tokens, proxy_url, partnerships.url) as app:
            response = await app.post(
                "/v1/applications",
                json={"intake_id": intake["id"]},
                headers={**learner.headers, "X-Request-ID": "trace-me-42"},
            )
        assert response.status_code == 201
        [(method, path, headers)] = [s for s in proxy.seen if s[1].startswith("/v1/intakes/")]
        proxy.clear()
        assert (method, path) == ("GET", f"/v1/intakes/{intake['id']}")
        assert headers["x-request-id"] == "trace-me-42"
        assert headers["authorization"].startswith("Bearer ")
        assert headers["authorization"] != learner.headers["Authorization"]


class TestPartnershipsAtApplication:
    async def test_partnerships_down_or_slow_answers_503_and_stores_nothing(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue: ServiceProcess,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        intake = await world.intake()
        learner = Learner(tokens)
        application = await apply(client, learner, intake["id"])
        scheme = await partnerships.scheme(world.institute["id"], rule=RULE)
        body = {"application_id": application["id"], "scheme_id": scheme["id"]}
        async with applications(
            database_url, tokens, catalogue.url, partnerships.direct_url
        ) as app:
            with stopped(partnerships):
                response, took = await timed(
                    app.post("/v1/bursary-applications", json=body, headers=learner.headers)
                )
                unavailable(response, "partnerships")
                assert took < 2.0
        partnerships.proxy.delay("POST", r"/eligibility$", SLOW)
        async with applications(database_url, tokens, catalogue.url, partnerships.url) as app:
            response, took = await timed(
                app.post("/v1/bursary-applications", json=body, headers=learner.headers)
            )
            unavailable(response, "partnerships")
            assert took < 2.0
        assert (await client.get("/v1/bursary-applications", headers=learner.headers)).json()[
            "total"
        ] == 0


class TestPartnershipsAtAward:
    async def test_partnerships_down_at_award_answers_503_and_awards_nothing_then_a_retry_finishes(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        catalogue: ServiceProcess,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        async with applications(
            database_url, tokens, catalogue.url, partnerships.direct_url
        ) as app:
            with stopped(partnerships):
                response, took = await timed(
                    app.post(f"/v1/bursary-applications/{bursary['id']}/award", headers=decider)
                )
                unavailable(response, "partnerships")
                assert took < 2.0
                seen = (
                    await app.get(
                        f"/v1/bursary-applications/{bursary['id']}", headers=learner.headers
                    )
                ).json()
                assert seen["status"] == "eligible"
                assert seen["awarded_pence"] is None
            assert await partnerships.reservations(scheme["id"]) == []
            await asyncio.sleep(0.3)  # the circuit lets a trial call through again
            done = await award(app, decider, bursary["id"])
        assert done["status"] == "awarded"
        [reservation] = await partnerships.reservations(scheme["id"])
        assert reservation["key"] == bursary["id"]
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_an_award_abandoned_while_partnerships_was_down_is_released_by_recovery(
        self,
        client: AsyncClient,
        app: Any,
        world: CatalogueWorld,
        catalogue: ServiceProcess,
        database_url: str,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        # Slow, not down: the reservation reaches partnerships after this service gave up on it.
        partnerships.proxy.delay("POST", r"/reservations$", 2.5)
        response, took = await timed(
            client.post(f"/v1/bursary-applications/{bursary['id']}/award", headers=decider)
        )
        unavailable(response, "partnerships")
        assert took < 2.0
        await asyncio.sleep(1.5)
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["held"]
        partnerships.proxy.clear()
        report = await Awarder(
            app.state.database, app.state.dependencies.partnerships, app.state.settings
        ).recover(0)
        assert (report.completed, report.released, report.left) == (0, 1, 0)
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["released"]
        seen = await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])
        assert (seen["status"], seen["award_state"]) == ("eligible", "released")
        done = await award(client, decider, bursary["id"])
        assert done["status"] == "awarded"
        keys = {r["key"]: r["status"] for r in await partnerships.reservations(scheme["id"])}
        assert keys == {bursary["id"]: "released", f"{bursary['id']}.2": "awarded"}
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_a_failing_confirmation_releases_the_hold_and_a_retry_awards_once(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        partnerships.proxy.fail("POST", r"/award$")
        response = await client.post(
            f"/v1/bursary-applications/{bursary['id']}/award", headers=decider
        )
        unavailable(response, "partnerships")
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["released"]
        seen = await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])
        assert (seen["status"], seen["award_state"]) == ("eligible", "released")
        partnerships.proxy.clear()
        await asyncio.sleep(0.3)
        done = await award(client, decider, bursary["id"])
        assert done["awarded_pence"] == 150_000
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_partnerships_stopping_between_reserve_and_confirm_is_finished_by_a_retry(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        partnerships.proxy.after("POST", r"/reservations$", partnerships.stop)
        try:
            response = await client.post(
                f"/v1/bursary-applications/{bursary['id']}/award", headers=decider
            )
            unavailable(response, "partnerships")
            seen = (
                await client.get(
                    f"/v1/bursary-applications/{bursary['id']}", headers=learner.headers
                )
            ).json()
            assert (seen["status"], seen["award_state"]) == ("eligible", "reserved")
        finally:
            partnerships.start()
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["held"]
        await asyncio.sleep(0.3)
        done = await award(client, decider, bursary["id"])
        assert done["status"] == "awarded"
        [reservation] = await partnerships.reservations(scheme["id"])
        assert (reservation["key"], reservation["status"]) == (bursary["id"], "awarded")
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_partnerships_stopping_between_reserve_and_confirm_is_released_by_recovery(
        self,
        client: AsyncClient,
        app: Any,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        awarder = Awarder(
            app.state.database, app.state.dependencies.partnerships, app.state.settings
        )
        partnerships.proxy.after("POST", r"/reservations$", partnerships.stop)
        try:
            response = await client.post(
                f"/v1/bursary-applications/{bursary['id']}/award", headers=decider
            )
            unavailable(response, "partnerships")
            # Recovery while partnerships is still down leaves it for next time.
            await asyncio.sleep(0.3)
            report = await awarder.recover(0)
            assert (report.completed, report.released, report.left) == (0, 0, 1)
        finally:
            partnerships.start()
        await asyncio.sleep(0.3)
        # Not stale yet: a sweep leaves awards in flight alone.
        assert (await awarder.recover(3600)).released == 0
        report = await awarder.recover(0)
        assert (report.completed, report.released, report.left) == (0, 1, 0)
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["released"]
        seen = await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])
        assert (seen["status"], seen["award_state"]) == ("eligible", "released")

    async def test_the_service_settles_abandoned_awards_by_itself(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        database_url: str,
        tokens: TokenFactory,
        catalogue: ServiceProcess,
        partnerships: Partnerships,
    ):
        """The background sweep (every `recover_interval_seconds`) releases a hold left by an
        award whose confirmation never got through, once partnerships is back."""
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        partnerships.proxy.after("POST", r"/reservations$", partnerships.stop)
        try:
            response = await client.post(
                f"/v1/bursary-applications/{bursary['id']}/award", headers=decider
            )
            unavailable(response, "partnerships")
        finally:
            partnerships.start()
        settings = settings_for(
            database_url,
            tokens,
            catalogue_url=catalogue.url,
            partnerships_url=partnerships.url,
            recover_interval_seconds=0.2,
            award_stale_seconds=0,
        )
        async with running_app(settings, tokens) as sweeping:
            for _ in range(100):
                seen = await sweeping.get(
                    f"/v1/bursary-applications/{bursary['id']}", headers=learner.headers
                )
                if seen.json()["award_state"] == "released":
                    break
                await asyncio.sleep(0.1)
        assert seen.json()["award_state"] == "released"
        assert [r["status"] for r in await partnerships.reservations(scheme["id"])] == ["released"]
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_a_lost_confirmation_answer_is_recorded_as_the_award(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        partnerships.proxy.lose_answer("POST", r"/award$", SLOW)
        done = await award(client, decider, bursary["id"])
        assert done["status"] == "awarded"
        [reservation] = await partnerships.reservations(scheme["id"])
        assert reservation["status"] == "awarded"
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    @pytest.mark.parametrize("at_once", [2, 6])
    async def test_the_same_award_requested_at_once_makes_one_award(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
        at_once: int,
    ):
        learner, application, scheme, bursary = await eligible_bursary(
            client, world, partnerships, tokens
        )
        decider = staff(tokens, world.provider_id)
        answers = await asyncio.gather(
            *[
                client.post(f"/v1/bursary-applications/{bursary['id']}/award", headers=decider)
                for _ in range(at_once)
            ]
        )
        assert [r.status_code for r in answers] == [200] * at_once, [r.text for r in answers]
        assert {r.json()["status"] for r in answers} == {"awarded"}
        [reservation] = await partnerships.reservations(scheme["id"])
        assert reservation["status"] == "awarded"
        assert await partnerships.awards_made(scheme["id"]) == 1
        await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])

    async def test_many_learners_awarded_at_once_never_exceed_the_scheme(
        self,
        client: AsyncClient,
        world: CatalogueWorld,
        tokens: TokenFactory,
        partnerships: Partnerships,
    ):
        decider = staff(tokens, world.provider_id)
        scheme = await partnerships.scheme(world.institute["id"], rule=RULE, max_awards=3)
        bursaries = []
        for _ in range(6):
            intake = await world.intake()
            learner = Learner(tokens)
            await client.put("/v1/me/profile", json=PROFILE, headers=learner.headers)
            application = await apply(client, learner, intake["id"])
            bursaries.append(
                (
                    learner,
                    await bursary_apply(
                        client, learner, application["id"], scheme["id"], answers=INCOME
                    ),
                )
            )
        answers = await asyncio.gather(
            *[
                client.post(f"/v1/bursary-applications/{b['id']}/award", headers=decider)
                for _, b in bursaries
            ]
        )
        assert sorted(r.status_code for r in answers) == [200] * 3 + [409] * 3
        assert await partnerships.awarded_pence(scheme["id"]) == 3 * 150_000
        for learner, bursary in bursaries:
            await matches_ledger(client, partnerships, learner, bursary["id"], scheme["id"])
