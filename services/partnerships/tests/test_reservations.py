"""Reservations (service callers only): reserve one award idempotently, award or release it,
expiry, and the overspend race on both databases."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import func, select, update

from partnerships.models import LedgerEntry, Reservation
from partnerships.reservation.service import sweep_expired
from servicekit.db import Database, utcnow
from servicekit.testing.tokens import TokenFactory
from tests.factories import LINCS, YH, Employer, service, sign_up, user

SERVICE_ID = "svc-applications"


def reserve_url(scheme: dict[str, Any]) -> str:
    return f"/v1/bursary-schemes/{scheme['id']}/reservations"


async def reserve(
    client: AsyncClient, tokens: TokenFactory, scheme: dict[str, Any], key: str, **body: Any
) -> Any:
    return await client.post(
        reserve_url(scheme), json={"key": key, **body}, headers=service(tokens, SERVICE_ID)
    )


async def scheme_balances(
    client: AsyncClient, sponsor: Employer, scheme: dict[str, Any]
) -> dict[str, int]:
    read = await client.get(f"/v1/bursary-schemes/{scheme['id']}", headers=sponsor.owner)
    return read.json()["balances"]  # type: ignore[no-any-return]


async def ledger_sums(app: FastAPI, fund_id: str) -> dict[str, int]:
    database: Database = app.state.database
    async with database.sessionmaker() as session:
        rows = await session.execute(
            select(LedgerEntry.kind, func.sum(LedgerEntry.amount_pence))
            .where(LedgerEntry.fund_id == uuid.UUID(fund_id))  # type: ignore[arg-type]
            .group_by(LedgerEntry.kind)
        )
        return {kind: int(total) for kind, total in rows}


async def expire_all(app: FastAPI, scheme_id: str) -> None:
    """Time passes: every hold of the scheme reaches its expiry."""
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(
            update(Reservation)
            .where(Reservation.scheme_id == uuid.UUID(scheme_id))  # type: ignore[arg-type]
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )


async def test_only_platform_services_reserve(client: AsyncClient, tokens: TokenFactory):
    sponsor = await sign_up(client, tokens)
    _fund, scheme = await sponsor.funded_scheme(client)
    body = {"key": "app-1"}
    assert (await client.post(reserve_url(scheme), json=body)).status_code == 401
    for headers in (user(tokens), sponsor.owner, tokens.bearer(scope="catalogue:read")):
        response = await client.post(reserve_url(scheme), json=body, headers=headers)
        assert response.status_code == 403
    balances = await scheme_balances(client, sponsor, scheme)
    assert balances["awards_held"] == 0


async def test_reserve_then_award_moves_one_award_through_the_ledger(
    app: FastAPI, client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client, max_awards=3, award_pence=150_000)
    course = str(uuid.uuid4())
    held = await reserve(
        client,
        tokens,
        scheme,
        "bursary-app-1",
        course_id=course,
        institute_id=str(YH),
        sector="digital",
    )
    assert held.status_code == 201, held.text
    reservation = held.json()
    assert reservation["status"] == "held"
    assert reservation["amount_pence"] == 150_000
    assert reservation["expires_at"] > reservation["created_at"]
    balances = await scheme_balances(client, sponsor, scheme)
    assert (balances["reserved_pence"], balances["available_pence"]) == (150_000, 300_000)
    assert balances["awards_left"] == 2

    awarded = await client.post(
        f"/v1/reservations/{reservation['id']}/award", headers=service(tokens)
    )
    assert awarded.status_code == 200
    assert awarded.json()["status"] == "awarded"
    again = await client.post(
        f"/v1/reservations/{reservation['id']}/award", headers=service(tokens)
    )
    assert again.json() == awarded.json()
    released = await client.post(
        f"/v1/reservations/{reservation['id']}/release", headers=service(tokens)
    )
    assert released.status_code == 409
    assert released.json()["code"] == "reservation-decided"

    balances = await scheme_balances(client, sponsor, scheme)
    assert (balances["reserved_pence"], balances["awarded_pence"]) == (0, 150_000)
    assert balances["awards_made"] == 1
    sums = await ledger_sums(app, fund["id"])
    assert sums["reserve"] == sums["award"] == 150_000
    fund_read = (await client.get(f"/v1/funds/{fund['id']}", headers=sponsor.owner)).json()
    assert fund_read["balances"]["awarded_pence"] == 150_000
    assert fund_read["balances"]["remaining_pence"] == 53_000_000 - 150_000
    got = await client.get(f"/v1/reservations/{reservation['id']}", headers=service(tokens))
    assert got.json()["status"] == "awarded"


async def test_a_replayed_reservation_answers_the_same_and_reserves_once(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    _fund, scheme = await sponsor.funded_scheme(client)
    first = await reserve(client, tokens, scheme, "bursary-app-7")
    second = await reserve(client, tokens, scheme, "bursary-app-7")
    by_header = await client.post(
        reserve_url(scheme),
        json={},
        headers={**service(tokens), "Idempotency-Key": "bursary-app-7"},
    )
    assert first.status_code == second.status_code == by_header.status_code == 201
    assert first.json() == second.json() == by_header.json()
    assert second.headers["Idempotent-Replayed"] == "true"
    listed = await client.get(f"{reserve_url(scheme)}", headers=sponsor.owner)
    assert listed.json()["total"] == 1
    assert (await scheme_balances(client, sponsor, scheme))["awards_held"] == 1
    different = await reserve(client, tokens, scheme, "bursary-app-7", course_id=str(uuid.uuid4()))
    assert different.status_code == 422
    assert different.json()["code"] == "idempotency-key-reused"
    no_key = await client.post(reserve_url(scheme), json={}, headers=service(tokens))
    assert no_key.status_code == 400


async def test_the_same_key_sent_concurrently_makes_one_reservation(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    _fund, scheme = await sponsor.funded_scheme(client)
    answers = await asyncio.gather(*(reserve(client, tokens, scheme, "same") for _ in range(15)))
    assert {r.status_code for r in answers} == {201}
    assert len({r.json()["id"] for r in answers}) == 1
    assert (await scheme_balances(client, sponsor, scheme))["awards_held"] == 1


async def test_reserving_against_a_scheme_that_is_not_open_answers_409(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client)
    earlier = await reserve(client, tokens, scheme, "before-closing")
    await client.post(f"/v1/bursary-schemes/{scheme['id']}/close", headers=sponsor.owner)
    closed = await reserve(client, tokens, scheme, "after-closing")
    assert closed.status_code == 409
    assert closed.json()["code"] == "scheme-not-open"
    # The earlier key still answers; its award can still be decided.
    replay = await reserve(client, tokens, scheme, "before-closing")
    assert replay.status_code == 201
    assert replay.json()["id"] == earlier.json()["id"]
    assert (
        await client.post(f"/v1/reservations/{earlier.json()['id']}/award", headers=service(tokens))
    ).status_code == 200

    await sponsor.allocate(client, fund["id"], "bursaries", 150_000)
    draft = await sponsor.scheme(client, fund["id"], open_it=False, max_awards=1)
    assert (await reserve(client, tokens, draft, "draft")).status_code == 409
    missing = await reserve(client, tokens, {"id": str(uuid.uuid4())}, "nowhere")
    assert missing.status_code == 404


async def test_a_full_scheme_answers_409_and_a_release_frees_the_award(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    _fund, scheme = await sponsor.funded_scheme(client, max_awards=2)
    a = (await reserve(client, tokens, scheme, "a")).json()
    assert (await reserve(client, tokens, scheme, "b")).status_code == 201
    full = await reserve(client, tokens, scheme, "c")
    assert full.status_code == 409
    assert full.json()["code"] == "scheme-full"
    released = await client.post(f"/v1/reservations/{a['id']}/release", headers=service(tokens))
    assert released.json()["status"] == "released"
    repeat = await client.post(f"/v1/reservations/{a['id']}/release", headers=service(tokens))
    assert repeat.json() == released.json()
    assert (
        await client.post(f"/v1/reservations/{a['id']}/award", headers=service(tokens))
    ).status_code == 409
    assert (await reserve(client, tokens, scheme, "c")).status_code == 201
    balances = await scheme_balances(client, sponsor, scheme)
    assert (balances["awards_held"], balances["available_pence"]) == (2, 0)


async def test_a_reservation_for_a_course_institute_or_sector_the_scheme_is_not_for_is_refused(
    client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund = await sponsor.fund(client)
    await sponsor.allocate(client, fund["id"], "bursaries", 1_500_000)
    course = str(uuid.uuid4())
    scheme = await sponsor.scheme(client, fund["id"], course_ids=[course], sectors=["digital"])
    for body, field in (
        ({"institute_id": str(LINCS)}, "body.institute_id"),
        ({"course_id": str(uuid.uuid4())}, "body.course_id"),
        ({"sector": "construction"}, "body.sector"),
    ):
        response = await reserve(client, tokens, scheme, "k", **body)
        assert response.status_code == 422
        assert response.json()["errors"][0]["field"] == field
    fits = await reserve(
        client, tokens, scheme, "k", institute_id=str(YH), course_id=course, sector="digital"
    )
    assert fits.status_code == 201


async def test_a_held_reservation_expires_lazily_when_read_or_reserved_against(
    app: FastAPI, client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client, max_awards=1)
    first = (await reserve(client, tokens, scheme, "slow-saga")).json()
    assert (await reserve(client, tokens, scheme, "next")).status_code == 409
    await expire_all(app, scheme["id"])

    read = await client.get(f"/v1/reservations/{first['id']}", headers=service(tokens))
    assert read.json()["status"] == "expired"
    award = await client.post(f"/v1/reservations/{first['id']}/award", headers=service(tokens))
    assert award.status_code == 409
    assert award.json()["code"] == "reservation-expired"
    release = await client.post(f"/v1/reservations/{first['id']}/release", headers=service(tokens))
    assert release.json()["status"] == "expired"
    # The award it held is free again.
    second = await reserve(client, tokens, scheme, "next")
    assert second.status_code == 201
    await expire_all(app, scheme["id"])
    third = await reserve(client, tokens, scheme, "third")  # expires "next" on the way
    assert third.status_code == 201
    sums = await ledger_sums(app, fund["id"])
    assert sums["reserve"] == 3 * 150_000
    assert sums["release"] == 2 * 150_000
    assert (await scheme_balances(client, sponsor, scheme))["awards_held"] == 1


async def test_the_sweep_releases_every_expired_hold(
    app: FastAPI, client: AsyncClient, tokens: TokenFactory
):
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client, max_awards=5)
    for key in ("a", "b", "c"):
        await reserve(client, tokens, scheme, key)
    awarded = (await reserve(client, tokens, scheme, "d")).json()
    await client.post(f"/v1/reservations/{awarded['id']}/award", headers=service(tokens))
    database: Database = app.state.database
    async with database.sessionmaker() as session, session.begin():
        assert await sweep_expired(session) == 0  # nothing is due yet
    async with database.sessionmaker() as session, session.begin():
        assert await sweep_expired(session, now=utcnow() + timedelta(hours=1)) == 3
    async with database.sessionmaker() as session, session.begin():
        assert await sweep_expired(session, now=utcnow() + timedelta(hours=1)) == 0
    listed = await client.get(reserve_url(scheme), headers=sponsor.owner)
    statuses = sorted(r["status"] for r in listed.json()["items"])
    assert statuses == ["awarded", "expired", "expired", "expired"]
    balances = await scheme_balances(client, sponsor, scheme)
    assert (balances["awards_held"], balances["awards_made"], balances["awards_left"]) == (0, 1, 4)
    sums = await ledger_sums(app, fund["id"])
    assert sums["reserve"] - sums["release"] - sums["award"] == 0


async def test_hundred_concurrent_reservations_leave_exactly_ten_and_a_ledger_that_sums(
    app: FastAPI, client: AsyncClient, tokens: TokenFactory
):
    """The overspend race: 100 callers at once (each request its own session and connection)
    against a scheme with room for 10."""
    sponsor = await sign_up(client, tokens)
    fund, scheme = await sponsor.funded_scheme(client, max_awards=10, award_pence=150_000)

    answers = await asyncio.gather(
        *(reserve(client, tokens, scheme, f"race-{i}") for i in range(100))
    )
    statuses = [r.status_code for r in answers]
    assert statuses.count(201) == 10, statuses
    assert statuses.count(409) == 90
    assert {r.json()["code"] for r in answers if r.status_code == 409} == {"scheme-full"}

    database: Database = app.state.database
    async with database.sessionmaker() as session:
        held = await session.scalar(
            select(func.count())
            .select_from(Reservation)
            .where(Reservation.scheme_id == uuid.UUID(scheme["id"]))  # type: ignore[arg-type]
        )
    assert held == 10
    sums = await ledger_sums(app, fund["id"])
    assert sums["assign"] == 1_500_000
    assert sums["reserve"] == 10 * 150_000
    balances = await scheme_balances(client, sponsor, scheme)
    assert balances["available_pence"] == 0
    assert balances["reserved_pence"] + balances["awarded_pence"] == sums["assign"]

    # Then 5 awards, 5 releases and 50 more callers at once: at most the 5 released awards go.
    won = [r.json()["id"] for r in answers if r.status_code == 201]
    decisions = [
        client.post(
            f"/v1/reservations/{rid}/{'award' if i < 5 else 'release'}", headers=service(tokens)
        )
        for i, rid in enumerate(won)
    ]
    more = [reserve(client, tokens, scheme, f"late-{i}") for i in range(50)]
    results = await asyncio.gather(*decisions, *more)
    assert all(r.status_code == 200 for r in results[:10])
    late = [r.status_code for r in results[10:]]
    assert late.count(201) <= 5
    sums = await ledger_sums(app, fund["id"])
    balances = await scheme_balances(client, sponsor, scheme)
    assert balances["awards_made"] == 5
    assert balances["awards_held"] == late.count(201)
    assert balances["available_pence"] >= 0
    assert sums["reserve"] - sums["release"] - sums["award"] == balances["reserved_pence"]
    assert sums["assign"] == (
        balances["available_pence"] + balances["reserved_pence"] + balances["awarded_pence"]
    )
    # Once every decision is in, the freed awards are all taken by the next callers.
    top_up = await asyncio.gather(
        *(reserve(client, tokens, scheme, f"top-up-{i}") for i in range(10))
    )
    assert [r.status_code for r in top_up].count(201) == 5 - late.count(201)
    final = await scheme_balances(client, sponsor, scheme)
    assert (final["awards_held"] + final["awards_made"], final["available_pence"]) == (10, 0)
