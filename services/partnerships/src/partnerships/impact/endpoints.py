from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select
from sqlmodel import col

from partnerships.access import is_member, is_network_admin
from partnerships.impact.schemas import AwardGroup, FundImpact, Impact, OutreachImpact
from partnerships.ledger import fund_balances
from partnerships.models import Employer, Fund, OutreachEvent, Reservation, SchoolRegistration
from partnerships.vocab import EventStatus, ReservationStatus
from servicekit.auth import CurrentPrincipal
from servicekit.db import SessionDep
from servicekit.errors import NotFound, Unauthorized
from servicekit.repository import not_found

router = APIRouter(prefix="/v1", tags=["impact"])


async def _awards_by(session: Any, employer_id: uuid.UUID, column: Any) -> list[AwardGroup]:
    rows = await session.execute(
        select(column, func.count(), func.sum(Reservation.amount_pence))
        .join(Fund, col(Fund.id) == col(Reservation.fund_id))
        .where(
            col(Fund.employer_id) == employer_id,
            col(Reservation.status) == ReservationStatus.awarded,
        )
        .group_by(column)
        .order_by(func.count().desc())
    )
    return [
        AwardGroup(key=str(key) if key is not None else None, awards=n, awarded_pence=int(total))
        for key, n, total in rows
    ]


@router.get(
    "/employers/{employer_id}/impact",
    summary="What an employer's money and events achieved (its members, network admins)",
    description="Per fund: pledged, allocated, reserved, awarded, spent and remaining; awards by "
    "institute, sector and course; schools and pupils reached by published outreach events. "
    "Aggregates only.",
    responses={**Unauthorized.schema_response(), **NotFound.schema_response()},
)
async def employer_impact(
    session: SessionDep, principal: CurrentPrincipal, employer_id: uuid.UUID
) -> Impact:
    employer = await session.get(Employer, employer_id)
    if employer is None or not (is_member(principal, employer_id) or is_network_admin(principal)):
        raise not_found("employer", employer_id)
    funds = (
        (
            await session.execute(
                select(Fund)
                .where(col(Fund.employer_id) == employer_id)
                .order_by(col(Fund.created_at), col(Fund.id))
            )
        )
        .scalars()
        .all()
    )
    balances = await fund_balances(session, [f.id for f in funds])
    per_fund = [
        FundImpact(
            fund_id=f.id,
            name=f.name,
            pledged_pence=balances[f.id].pledged,
            allocated_pence=balances[f.id].allocated_total,
            reserved_pence=balances[f.id].held,
            awarded_pence=balances[f.id].awarded,
            spent_pence=balances[f.id].spent_total,
            remaining_pence=balances[f.id].remaining,
        )
        for f in funds
    ]
    totals = None
    if per_fund:
        totals = FundImpact(
            fund_id=employer_id,
            name="All funds",
            **{
                name: sum(getattr(f, name) for f in per_fund)
                for name in FundImpact.model_fields
                if name.endswith("_pence")
            },
        )
    outreach = (
        await session.execute(
            select(
                func.count(func.distinct(col(OutreachEvent.id))),
                func.count(col(SchoolRegistration.id)),
                func.coalesce(func.sum(SchoolRegistration.pupils), 0),
            )
            .select_from(OutreachEvent)
            .outerjoin(
                SchoolRegistration, col(SchoolRegistration.event_id) == col(OutreachEvent.id)
            )
            .where(
                col(OutreachEvent.employer_id) == employer_id,
                col(OutreachEvent.status) == EventStatus.published,
            )
        )
    ).one()
    return Impact(
        employer_id=employer_id,
        totals=totals,
        funds=per_fund,
        awards_by_institute=await _awards_by(session, employer_id, col(Reservation.institute_id)),
        awards_by_sector=await _awards_by(session, employer_id, col(Reservation.sector)),
        awards_by_course=await _awards_by(session, employer_id, col(Reservation.course_id)),
        outreach=OutreachImpact(
            events=int(outreach[0]), schools=int(outreach[1]), pupils_reached=int(outreach[2])
        ),
    )
