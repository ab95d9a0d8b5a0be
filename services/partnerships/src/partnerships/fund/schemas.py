from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from partnerships.ledger import FundBalances
from partnerships.vocab import (
    EntryKind,
    FundStatus,
    IdempotencyKey,
    LongText,
    Name,
    Pence,
    Purpose,
    ShortText,
)


class FundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    employer_id: uuid.UUID
    name: Name
    description: LongText = ""
    pledged_pence: Pence = Field(description="The pledge: the most this fund can ever pay out")
    starts_on: date
    ends_on: date
    institute_ids: list[uuid.UUID] = Field(
        min_length=1, max_length=20, description="The institutes the money is for"
    )
    idempotency_key: IdempotencyKey | None = None


class AllocationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    purpose: Purpose
    amount_pence: Pence
    note: ShortText = ""
    idempotency_key: IdempotencyKey | None = None


class SpendingCreate(BaseModel):
    """Money spent from an allocation other than bursaries (bursaries are paid as awards)."""

    model_config = ConfigDict(extra="forbid")
    purpose: Purpose
    amount_pence: Pence
    note: ShortText = Field(min_length=1, description="What the money was spent on")
    idempotency_key: IdempotencyKey | None = None


class PurposeBalance(BaseModel):
    purpose: Purpose
    allocated_pence: int
    spent_pence: int
    assigned_pence: int = Field(description="Bursaries only: assigned to bursary schemes")
    available_pence: int = Field(description="Allocated and not yet spent or assigned")


class FundBalanceRead(BaseModel):
    pledged_pence: int
    unallocated_pence: int
    allocated_pence: int
    assigned_pence: int = Field(description="Assigned from bursaries to bursary schemes")
    reserved_pence: int = Field(description="Held for awards awaiting a decision")
    awarded_pence: int
    spent_pence: int
    remaining_pence: int = Field(description="Pledged and not yet awarded or spent")
    purposes: list[PurposeBalance]

    @classmethod
    def of(cls, b: FundBalances) -> FundBalanceRead:
        return cls(
            pledged_pence=b.pledged,
            unallocated_pence=b.unallocated,
            allocated_pence=b.allocated_total,
            assigned_pence=b.assigned,
            reserved_pence=b.held,
            awarded_pence=b.awarded,
            spent_pence=b.spent_total,
            remaining_pence=b.remaining,
            purposes=[
                PurposeBalance(
                    purpose=p,
                    allocated_pence=b.allocated[p],
                    spent_pence=b.spent[p],
                    assigned_pence=b.assigned if p == Purpose.bursaries else 0,
                    available_pence=b.available(p),
                )
                for p in Purpose
            ],
        )


class FundRead(BaseModel):
    id: uuid.UUID
    employer_id: uuid.UUID
    name: str
    description: str
    starts_on: date
    ends_on: date
    status: FundStatus
    institute_ids: list[uuid.UUID]
    balances: FundBalanceRead
    created_at: datetime


class LedgerEntryRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    fund_id: uuid.UUID
    kind: EntryKind
    amount_pence: int
    purpose: Purpose | None
    scheme_id: uuid.UUID | None
    reservation_id: uuid.UUID | None
    event_id: uuid.UUID | None
    note: str
    created_at: datetime
