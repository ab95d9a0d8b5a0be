from __future__ import annotations

import uuid

from pydantic import BaseModel, Field


class FundImpact(BaseModel):
    fund_id: uuid.UUID
    name: str
    pledged_pence: int
    allocated_pence: int
    reserved_pence: int
    awarded_pence: int
    spent_pence: int
    remaining_pence: int


class AwardGroup(BaseModel):
    key: str | None = Field(
        description="The institute id, sector slug or course id (null: unknown)"
    )
    awards: int
    awarded_pence: int


class OutreachImpact(BaseModel):
    events: int = Field(description="Published events")
    schools: int
    pupils_reached: int


class Impact(BaseModel):
    """Aggregates only: no learner's or teacher's personal data."""

    employer_id: uuid.UUID
    totals: FundImpact | None = Field(description="All funds together (fund_id is the employer's)")
    funds: list[FundImpact]
    awards_by_institute: list[AwardGroup]
    awards_by_sector: list[AwardGroup]
    awards_by_course: list[AwardGroup]
    outreach: OutreachImpact
