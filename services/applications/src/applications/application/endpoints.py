from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlalchemy import select
from sqlmodel import col

from applications.access import Learner, Participant
from applications.application import machine, service
from applications.application.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationRead,
    ApplicationUpdate,
    TransitionCreate,
    TransitionRuleRead,
)
from applications.dependencies import CatalogueDep, SettingsDep
from applications.errors import DuplicateApplication, IllegalTransition, IntakeFull
from applications.idempotency import IdempotencyHeader, mark_replayed
from applications.models import Application
from applications.vocab import ApplicationStatus
from servicekit.db import SessionDep
from servicekit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    ServiceUnavailable,
    Unauthorized,
    Unprocessable,
)
from servicekit.paging import Page, Paging, fetch_page

router = APIRouter(prefix="/v1", tags=["applications"])
READ_ERRORS = {**Unauthorized.schema_response(), **Forbidden.schema_response()}
UNAVAILABLE = ServiceUnavailable.schema_response(
    "A service this depends on (named in `dependency`) is down or slow; nothing was changed"
)


@router.post(
    "/applications",
    summary="Apply to a course intake (learners)",
    description="The catalogue is asked that the intake exists, its course is published and its "
    "deadline has not passed (422 otherwise). One active application per learner per intake "
    "(409). `submit: false` keeps it as a draft. The same `Idempotency-Key` answers with the "
    "same application.",
    status_code=201,
    responses={
        **READ_ERRORS,
        **DuplicateApplication.schema_response(),
        **Unprocessable.schema_response(),
        **UNAVAILABLE,
    },
)
async def create_application(
    session: SessionDep,
    principal: Learner,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    body: ApplicationCreate,
    response: Response,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationDetail:
    application, replayed = await service.create(
        session, catalogue, settings, principal, body, idempotency_key
    )
    mark_replayed(response, replayed)
    return await service.detail(session, principal, application)


@router.get(
    "/applications",
    summary="My applications (learners) or my providers' (provider staff)",
    description="Provider staff see applications once they are sent, never drafts.",
    response_model=Page[ApplicationRead],
    responses=READ_ERRORS,
)
async def list_applications(
    session: SessionDep,
    principal: Participant,
    paging: Paging,
    status: Annotated[list[ApplicationStatus] | None, Query(max_length=10)] = None,
    intake: uuid.UUID | None = None,
    course: uuid.UUID | None = None,
) -> Page[ApplicationRead]:
    stmt = (
        select(Application)
        .where(service.visible(principal))
        .order_by(col(Application.created_at).desc(), col(Application.id))
    )
    if status:
        stmt = stmt.where(col(Application.status).in_([s.value for s in status]))
    if intake:
        stmt = stmt.where(col(Application.intake_id) == intake)
    if course:
        stmt = stmt.where(col(Application.course_id) == course)
    return await fetch_page(session, stmt, paging, ApplicationRead.model_validate)


@router.get(
    "/application-transitions",
    summary="The application state machine: every allowed change and who may make it",
    response_model=list[TransitionRuleRead],
)
async def list_transition_rules() -> list[TransitionRuleRead]:
    return [
        TransitionRuleRead(from_status=frm, to_status=to, by=sorted(who))
        for (frm, to), who in machine.TRANSITIONS.items()
    ]


@router.get(
    "/applications/{application_id}",
    summary="One application with its status history",
    responses={**READ_ERRORS, **NotFound.schema_response()},
)
async def get_application(
    session: SessionDep, principal: Participant, application_id: uuid.UUID
) -> ApplicationDetail:
    application = await service.readable_application(session, principal, application_id)
    return await service.detail(session, principal, application)


@router.patch(
    "/applications/{application_id}",
    summary="Change a draft's personal statement (its learner)",
    responses={**READ_ERRORS, **NotFound.schema_response(), **Conflict.schema_response()},
)
async def update_application(
    session: SessionDep, principal: Learner, application_id: uuid.UUID, body: ApplicationUpdate
) -> ApplicationDetail:
    application = await service.update_draft(
        session, principal, application_id, body.personal_statement
    )
    return await service.detail(session, principal, application)


@router.post(
    "/applications/{application_id}/transitions",
    summary="Move an application on (see `/v1/application-transitions` for who may do what)",
    description="A learner sends a draft, withdraws, accepts or declines an offer; the "
    "provider's staff review, invite to interview, make offers (conditional or unconditional), "
    "reject (with a reason) and enrol. A change the state machine does not have answers 409 "
    "naming the allowed ones (`allowed`); an offer or acceptance beyond the intake's capacity "
    "answers 409 `intake-full`. Sending a draft checks the intake with the catalogue again.",
    responses={
        **READ_ERRORS,
        **NotFound.schema_response(),
        **IllegalTransition.schema_response(),
        **IntakeFull.schema_response("An illegal change, a full intake, or a concurrent change"),
        **Unprocessable.schema_response(),
        **UNAVAILABLE,
    },
)
async def transition_application(
    session: SessionDep,
    principal: Participant,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    application_id: uuid.UUID,
    body: TransitionCreate,
    idempotency_key: IdempotencyHeader = None,
) -> ApplicationDetail:
    application = await service.transition(
        session, catalogue, settings, principal, application_id, body, idempotency_key
    )
    return await service.detail(session, principal, application)
