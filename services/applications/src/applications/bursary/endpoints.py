from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from applications.access import Learner, Participant, Staff, staff_providers
from applications.bursary import service
from applications.bursary.award import Awarder
from applications.bursary.schemas import (
    BursaryApplicationCreate,
    BursaryApplicationRead,
    BursaryDecline,
)
from applications.dependencies import PartnershipsDep, SettingsDep
from applications.errors import (
    AwardInProgress,
    AwardRefused,
    DuplicateBursaryApplication,
)
from applications.idempotency import IdempotencyHeader, mark_replayed
from applications.models import BursaryApplication
from applications.vocab import BursaryStatus
from servicekit.db import SessionDep
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
)
from servicekit.paging import Page, Paging, paginate

router = APIRouter(prefix="/v1", tags=["bursary-applications"])
READ_ERRORS = {**Unauthorized.schema_response(), **Forbidden.schema_response()}
UNAVAILABLE = ServiceUnavailable.schema_response(
    "Partnerships (named in `dependency`) is down or slow; nothing was decided"
)


@router.post(
    "/bursary-applications",
    summary="Apply for a bursary, answering its eligibility questions (learners)",
    description="For one of your sent course applications and an open scheme for its course. "
    "Partnerships checks the answers (your profile fills in what you leave out) and the result "
    "is recorded: `eligible` (staff then decide) or `not_eligible` with the rules that failed.",
    status_code=201,
    responses={
        **READ_ERRORS,
        **DuplicateBursaryApplication.schema_response(),
        **Unprocessable.schema_response(),
        **UNAVAILABLE,
    },
)
async def create_bursary_application(
    session: SessionDep,
    principal: Learner,
    partnerships: PartnershipsDep,
    settings: SettingsDep,
    body: BursaryApplicationCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> BursaryApplicationRead:
    bursary, replayed = await service.create(
        session, partnerships, settings, principal, body, idempotency_key
    )
    mark_replayed(response, replayed)
    return service.read(bursary)


@router.get(
    "/bursary-applications",
    summary="My bursary applications (learners) or my providers' (provider staff)",
    response_model=Page[BursaryApplicationRead],
    responses=READ_ERRORS,
)
async def list_bursary_applications(
    session: SessionDep,
    principal: Participant,
    paging: Paging,
    status: Annotated[list[BursaryStatus] | None, Query(max_length=5)] = None,
    application: uuid.UUID | None = None,
    scheme: uuid.UUID | None = None,
) -> Page[BursaryApplicationRead]:
    stmt = (
        select(BursaryApplication)
        .where(service.visible(principal))
        .order_by(col(BursaryApplication.created_at).desc(), col(BursaryApplication.id))
    )
    if status:
        stmt = stmt.where(col(BursaryApplication.status).in_([s.value for s in status]))
    if application:
        stmt = stmt.where(col(BursaryApplication.application_id) == application)
    if scheme:
        stmt = stmt.where(col(BursaryApplication.scheme_id) == scheme)
    rows, total = await paginate(session, stmt, paging)
    return Page(
        items=[service.read(b) for b in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/bursary-applications/{bursary_application_id}",
    summary="One bursary application",
    responses={**READ_ERRORS, **NotFound.schema_response()},
)
async def get_bursary_application(
    session: SessionDep, principal: Participant, bursary_application_id: uuid.UUID
) -> BursaryApplicationRead:
    return service.read(await service.readable_bursary(session, principal, bursary_application_id))


@router.post(
    "/bursary-applications/{bursary_application_id}/award",
    summary="Award the bursary (the provider's staff)",
    description="Reserves the award with partnerships (idempotent on the bursary application's "
    "id), records it, then confirms it. Asking again, or twice at once, makes one award. When "
    "partnerships refuses (the scheme is full or closed) this answers 409 `award-refused`; "
    "when it is down or slow, 503: nothing is awarded, and asking again finishes the job.",
    responses={
        **READ_ERRORS,
        **NotFound.schema_response(),
        **AwardRefused.schema_response("Not eligible, already decided, or refused by partnerships"),
        **UNAVAILABLE,
    },
)
async def award_bursary_application(
    request: Request,
    principal: Staff,
    partnerships: PartnershipsDep,
    settings: SettingsDep,
    bursary_application_id: uuid.UUID,
) -> BursaryApplicationRead:
    awarder = Awarder(request.app.state.database, partnerships, settings)
    return service.read(await awarder.award(principal, bursary_application_id))


@router.post(
    "/bursary-applications/{bursary_application_id}/decline",
    summary="Decline the bursary application (the provider's staff), saying why",
    responses={
        **READ_ERRORS,
        **NotFound.schema_response(),
        **AwardInProgress.schema_response("Already decided, or an award is being made"),
        **Unprocessable.schema_response(),
    },
)
async def decline_bursary_application(
    session: SessionDep, principal: Staff, bursary_application_id: uuid.UUID, body: BursaryDecline
) -> BursaryApplicationRead:
    bursary = await service.readable_bursary(session, principal, bursary_application_id)
    if bursary.provider_id not in staff_providers(principal):
        raise service.not_found(bursary_application_id)
    await service.decide(session, bursary, BursaryStatus.declined, principal.subject, body.reason)
    return service.read(
        await service.readable_bursary(session, principal, bursary_application_id, fresh=True)
    )


@router.post(
    "/bursary-applications/{bursary_application_id}/withdraw",
    summary="Withdraw my bursary application (learners)",
    responses={
        **READ_ERRORS,
        **NotFound.schema_response(),
        **Conflict.schema_response("Already decided, or an award is being made"),
    },
)
async def withdraw_bursary_application(
    session: SessionDep, principal: Learner, bursary_application_id: uuid.UUID
) -> BursaryApplicationRead:
    bursary = await service.readable_bursary(session, principal, bursary_application_id)
    if bursary.learner_id != principal.user_id:
        raise service.not_found(bursary_application_id)
    await service.decide(session, bursary, BursaryStatus.withdrawn, principal.subject, None)
    return service.read(
        await service.readable_bursary(session, principal, bursary_application_id, fresh=True)
    )
