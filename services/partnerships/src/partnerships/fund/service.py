"""Funds: pledging, allocating and spending, each an append-only ledger entry under the fund's
lock (``partnerships.locking``), so the checks and the entry see the same balances."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.access import can_read, check_manager, manages
from partnerships.employer.service import require_verified
from partnerships.errors import IdempotencyKeyReused, InvalidTransition, OverAllocated
from partnerships.fund.schemas import FundBalanceRead, FundCreate, FundRead
from partnerships.ledger import FundBalances, entry, fund_balance, fund_balances
from partnerships.locking import lock
from partnerships.models import Employer, Fund, FundInstitute, LedgerEntry
from partnerships.money import gbp
from partnerships.vocab import EntryKind, FundStatus, Purpose
from servicekit.auth import Principal
from servicekit.errors import Forbidden, Unprocessable
from servicekit.repository import not_found

MAX_FUND_YEARS = 10


async def institutes_of(
    session: AsyncSession, fund_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[uuid.UUID]]:
    links: dict[uuid.UUID, list[uuid.UUID]] = defaultdict(list)
    if fund_ids:
        rows = await session.execute(
            select(col(FundInstitute.fund_id), col(FundInstitute.institute_id)).where(
                col(FundInstitute.fund_id).in_(fund_ids)
            )
        )
        for fund_id, institute_id in rows:
            links[fund_id].append(institute_id)
    return links


async def read_funds(session: AsyncSession, funds: Sequence[Fund]) -> list[FundRead]:
    ids = [f.id for f in funds]
    institutes = await institutes_of(session, ids)
    balances = await fund_balances(session, ids)
    return [
        FundRead(
            id=f.id,
            employer_id=f.employer_id,
            name=f.name,
            description=f.description,
            starts_on=f.starts_on,
            ends_on=f.ends_on,
            status=FundStatus(f.status),
            institute_ids=sorted(institutes.get(f.id, []), key=str),
            balances=FundBalanceRead.of(balances[f.id]),
            created_at=f.created_at,
        )
        for f in funds
    ]


async def readable_fund(
    session: AsyncSession, principal: Principal | None, fund_id: uuid.UUID
) -> Fund:
    fund = await session.get(Fund, fund_id)
    if fund is None:
        raise not_found("fund", fund_id)
    institutes = (await institutes_of(session, [fund.id])).get(fund.id, [])
    if not can_read(principal, fund.employer_id, institutes):
        raise not_found("fund", fund_id)
    return fund


async def managed_fund_locked(
    session: AsyncSession, principal: Principal, fund_id: uuid.UUID
) -> Fund:
    """The fund, locked for this transaction, after checking the caller manages it."""
    fund = await readable_fund(session, principal, fund_id)
    check_manager(principal, fund.employer_id, "fund", fund_id)
    locked = await lock(session, Fund, fund.id)
    if locked is None:  # pragma: no cover - deleted between the two statements; funds never are
        raise not_found("fund", fund_id)
    return locked


async def create_fund(
    session: AsyncSession, principal: Principal, body: FundCreate, key: str | None
) -> tuple[Fund, bool]:
    employer = await session.get(Employer, body.employer_id)
    if employer is None or not manages(principal, employer.id):
        if employer is not None and can_read(principal, employer.id):
            raise Forbidden("Only the employer's owners and admins may pledge its money.")
        raise Unprocessable.for_field(
            "body.employer_id", f"No employer {body.employer_id} that you manage.", "not_found"
        )
    if key is not None:
        # Two requests racing with one key: the (employer, key) unique constraint lets one in
        # and answers the other 409, as for a request still in flight.
        existing = (
            await session.execute(
                select(Fund).where(
                    col(Fund.employer_id) == employer.id, col(Fund.idempotency_key) == key
                )
            )
        ).scalar_one_or_none()
        if existing is not None:
            pledged = (await fund_balance(session, existing.id)).pledged
            if pledged != body.pledged_pence or existing.name != body.name:
                raise IdempotencyKeyReused(
                    "This Idempotency-Key created a different fund; use a new key."
                )
            return existing, True
    require_verified(employer, "pledge money")
    if body.ends_on < body.starts_on:
        raise Unprocessable.for_field(
            "body.ends_on", "A fund cannot end before it starts.", "before_start"
        )
    if (body.ends_on - body.starts_on).days > MAX_FUND_YEARS * 366:
        raise Unprocessable.for_field(
            "body.ends_on", f"A fund runs for at most {MAX_FUND_YEARS} years.", "too_long"
        )
    fund = Fund(
        employer_id=employer.id,
        name=body.name,
        description=body.description,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        status=FundStatus.active,
        idempotency_key=key,
    )
    session.add(fund)
    await session.flush()
    for institute_id in dict.fromkeys(body.institute_ids):
        session.add(FundInstitute(fund_id=fund.id, institute_id=institute_id))
    session.add(
        entry(fund.id, EntryKind.pledge, body.pledged_pence, principal.subject, note=body.name)
    )
    await session.flush()
    return fund, False


async def replayed_entry(
    session: AsyncSession,
    fund_id: uuid.UUID,
    key: str | None,
    *,
    kind: EntryKind,
    amount_pence: int,
    purpose: Purpose | None,
) -> LedgerEntry | None:
    """The entry an earlier request with ``key`` appended, or ``None``; a different request under
    the same key is refused. Call it holding the fund's lock."""
    if key is None:
        return None
    found = (
        await session.execute(
            select(LedgerEntry).where(
                col(LedgerEntry.fund_id) == fund_id, col(LedgerEntry.idempotency_key) == key
            )
        )
    ).scalar_one_or_none()
    if found is None:
        return None
    same = (
        found.kind == kind
        and found.amount_pence == amount_pence
        and found.purpose == (purpose.value if purpose else None)
    )
    if not same:
        raise IdempotencyKeyReused("This Idempotency-Key was used for a different movement.")
    return found


def check_active(fund: Fund) -> None:
    if fund.status != FundStatus.active:
        raise InvalidTransition("This fund is closed: its money can no longer move.")


async def allocate(
    session: AsyncSession,
    principal: Principal,
    fund: Fund,
    purpose: Purpose,
    amount_pence: int,
    note: str,
    key: str | None,
) -> tuple[LedgerEntry, bool]:
    """Allocate part of the pledge to a purpose. ``fund`` must be locked by the caller."""
    replay = await replayed_entry(
        session, fund.id, key, kind=EntryKind.allocate, amount_pence=amount_pence, purpose=purpose
    )
    if replay is not None:
        return replay, True
    check_active(fund)
    balances = await fund_balance(session, fund.id)
    if amount_pence > balances.unallocated:
        raise OverAllocated(
            f"Only {gbp(balances.unallocated)} of the {gbp(balances.pledged)} pledge is "
            f"unallocated; {gbp(amount_pence)} cannot be allocated to {purpose.value}."
        )
    row = entry(
        fund.id,
        EntryKind.allocate,
        amount_pence,
        principal.subject,
        purpose=purpose,
        idempotency_key=key,
        note=note,
    )
    session.add(row)
    await session.flush()
    return row, False


def check_spendable(balances: FundBalances, purpose: Purpose, amount_pence: int) -> None:
    available = balances.available(purpose)
    if amount_pence > available:
        raise OverAllocated(
            f"Only {gbp(available)} of the {purpose.value} allocation is left; "
            f"{gbp(amount_pence)} cannot be spent from it."
        )


async def spend(
    session: AsyncSession,
    principal: Principal,
    fund: Fund,
    purpose: Purpose,
    amount_pence: int,
    note: str,
    key: str | None,
    *,
    event_id: uuid.UUID | None = None,
) -> tuple[LedgerEntry, bool]:
    """Record money spent from an allocation. ``fund`` must be locked by the caller."""
    if purpose == Purpose.bursaries:
        raise Unprocessable.for_field(
            "body.purpose",
            "Bursary money is paid through bursary schemes' awards, not spent directly.",
            "bursaries_are_awarded",
        )
    replay = await replayed_entry(
        session, fund.id, key, kind=EntryKind.spend, amount_pence=amount_pence, purpose=purpose
    )
    if replay is not None:
        return replay, True
    check_active(fund)
    check_spendable(await fund_balance(session, fund.id), purpose, amount_pence)
    row = entry(
        fund.id,
        EntryKind.spend,
        amount_pence,
        principal.subject,
        purpose=purpose,
        event_id=event_id,
        idempotency_key=key,
        note=note,
    )
    session.add(row)
    await session.flush()
    return row, False
