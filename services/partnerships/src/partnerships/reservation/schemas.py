from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from partnerships.vocab import IdempotencyKey, ReservationStatus, Slug


class ReservationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: IdempotencyKey | None = Field(
        default=None,
        description="The caller's key, e.g. the bursary application's id: the same key always "
        "answers with the same reservation (or send it as the Idempotency-Key header)",
    )
    course_id: uuid.UUID | None = Field(default=None, description="For the impact figures")
    institute_id: uuid.UUID | None = Field(
        default=None, description="One of the scheme's institutes"
    )
    sector: Slug | None = None


class ReservationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: uuid.UUID
    scheme_id: uuid.UUID
    fund_id: uuid.UUID
    key: str
    status: ReservationStatus
    amount_pence: int
    course_id: uuid.UUID | None
    institute_id: uuid.UUID | None
    sector: str | None
    expires_at: datetime
    decided_at: datetime | None
    created_at: datetime
