"""The fund ledger: append-only entries in integer pence, and every balance derived from them.

A fund's money sits in accounts; each entry moves ``amount_pence`` (always positive) from one
account to another::

    pledge    sponsor            -> unallocated
    allocate  unallocated        -> purpose (bursaries, outreach, equipment, other)
    spend     purpose            -> spent            (outreach events, equipment, other)
    assign    purpose bursaries  -> scheme available (a bursary scheme's allocation)
    reserve   scheme available   -> scheme held      (one award, awaiting a decision)
    award     scheme held        -> awarded          (paid to a learner)
    release   scheme held        -> scheme available (released, or expired)

So, for a fund: ``pledged = unallocated + sum(allocated)``; for each purpose ``allocated = spent +
assigned (bursaries only) + available``; for each scheme ``assigned = available + held +
awarded``. Every account is kept at zero or more by the rules that append entries, each under a
lock on the fund or scheme whose balance it checks (``partnerships.locking``).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from partnerships.models import LedgerEntry, Reservation
from partnerships.vocab import EntryKind, Purpose, ReservationStatus
from servicekit.db import new_id


@dataclass
class FundBalances:
    pledged: int = 0
    allocated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Purpose, 0))
    spent: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Purpose, 0))
    assigned: int = 0
    reserved: int = 0
    awarded: int = 0
    released: int = 0

    @property
    def allocated_total(self) -> int:
        return sum(self.allocated.values())

    @property
    def spent_total(self) -> int:
        return sum(self.spent.values())

    @property
    def unallocated(self) -> int:
        return self.pledged - self.allocated_total

    @property
    def held(self) -> int:
        return self.reserved - self.awarded - self.released

    def committed(self, purpose: str) -> int:
        """Money of a purpose that is spent or, for bursaries, assigned to schemes."""
        return self.spent[purpose] + (self.assigned if purpose == Purpose.bursaries else 0)

    def available(self, purpose: str) -> int:
        return self.allocated[purpose] - self.committed(purpose)

    @property
    def remaining(self) -> int:
        """Pledged money not yet paid out (awarded) or spent."""
        return self.pledged - self.awarded - self.spent_total


@dataclass
class SchemeBalances:
    assigned: int = 0
    reserved: int = 0
    awarded: int = 0
    released: int = 0
    awards_held: int = 0
    awards_made: int = 0

    @property
    def held(self) -> int:
        return self.reserved - self.awarded - self.released

    @property
    def available(self) -> int:
        return self.assigned - self.held - self.awarded


async def fund_balances(
    session: AsyncSession, fund_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, FundBalances]:
    ids = list(set(fund_ids))
    balances: dict[uuid.UUID, FundBalances] = {i: FundBalances() for i in ids}
    if not ids:
        return balances
    rows = await session.execute(
        select(
            col(LedgerEntry.fund_id),
            col(LedgerEntry.kind),
            col(LedgerEntry.purpose),
            func.sum(LedgerEntry.amount_pence),
        )
        .where(col(LedgerEntry.fund_id).in_(ids))
        .group_by(col(LedgerEntry.fund_id), col(LedgerEntry.kind), col(LedgerEntry.purpose))
    )
    for fund_id, kind, purpose, total in rows:
        b = balances[fund_id]
        amount = int(total)
        if kind == EntryKind.pledge:
            b.pledged += amount
        elif kind == EntryKind.allocate and purpose is not None:
            b.allocated[purpose] += amount
        elif kind == EntryKind.spend and purpose is not None:
            b.spent[purpose] += amount
        elif kind == EntryKind.assign:
            b.assigned += amount
        elif kind == EntryKind.reserve:
            b.reserved += amount
        elif kind == EntryKind.award:
            b.awarded += amount
        elif kind == EntryKind.release:
            b.released += amount
    return balances


async def fund_balance(session: AsyncSession, fund_id: uuid.UUID) -> FundBalances:
    return (await fund_balances(session, [fund_id]))[fund_id]


async def scheme_balances(
    session: AsyncSession, scheme_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, SchemeBalances]:
    ids = list(set(scheme_ids))
    balances: dict[uuid.UUID, SchemeBalances] = defaultdict(SchemeBalances)
    for i in ids:
        balances[i] = SchemeBalances()
    if not ids:
        return balances
    sums = await session.execute(
        select(
            col(LedgerEntry.scheme_id), col(LedgerEntry.kind), func.sum(LedgerEntry.amount_pence)
        )
        .where(col(LedgerEntry.scheme_id).in_(ids))
        .group_by(col(LedgerEntry.scheme_id), col(LedgerEntry.kind))
    )
    for scheme_id, kind, total in sums:
        if scheme_id is None:  # pragma: no cover - the query selects schemes' entries only
            continue
        b = balances[scheme_id]
        amount = int(total)
        if kind == EntryKind.assign:
            b.assigned += amount
        elif kind == EntryKind.reserve:
            b.reserved += amount
        elif kind == EntryKind.award:
            b.awarded += amount
        elif kind == EntryKind.release:
            b.released += amount
    counts = await session.execute(
        select(col(Reservation.scheme_id), col(Reservation.status), func.count())
        .where(
            col(Reservation.scheme_id).in_(ids),
            col(Reservation.status).in_([ReservationStatus.held, ReservationStatus.awarded]),
        )
        .group_by(col(Reservation.scheme_id), col(Reservation.status))
    )
    for scheme_id, status, count in counts:
        if status == ReservationStatus.held:
            balances[scheme_id].awards_held = int(count)
        else:
            balances[scheme_id].awards_made = int(count)
    return dict(balances)


async def scheme_balance(session: AsyncSession, scheme_id: uuid.UUID) -> SchemeBalances:
    return (await scheme_balances(session, [scheme_id]))[scheme_id]


def entry(
    fund_id: uuid.UUID,
    kind: EntryKind,
    amount_pence: int,
    actor: str,
    *,
    purpose: Purpose | None = None,
    scheme_id: uuid.UUID | None = None,
    reservation_id: uuid.UUID | None = None,
    event_id: uuid.UUID | None = None,
    idempotency_key: str | None = None,
    note: str = "",
    entry_id: uuid.UUID | None = None,
) -> LedgerEntry:
    if amount_pence <= 0:
        raise ValueError("ledger entries move a positive amount")
    return LedgerEntry(
        id=entry_id or new_id(),
        fund_id=fund_id,
        kind=kind.value,
        amount_pence=amount_pence,
        purpose=purpose.value if purpose is not None else None,
        scheme_id=scheme_id,
        reservation_id=reservation_id,
        event_id=event_id,
        idempotency_key=idempotency_key,
        actor=actor,
        note=note,
    )
