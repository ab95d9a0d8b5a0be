from __future__ import annotations

import uuid

from fastapi import APIRouter, Response
from sqlalchemy import select
from sqlmodel import col

from applications.access import Learner, ServiceCaller
from applications.application import service as application_service
from applications.bursary import service as bursary_service
from applications.errors import AwardInProgress
from applications.learner import service
from applications.learner.schemas import LearnerExport, LearnerProfileRead, LearnerProfileUpdate
from applications.models import Application, BursaryApplication, LearnerProfile
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Forbidden, Unauthorized, Unprocessable

router = APIRouter(prefix="/v1")
AUTH_ERRORS = {**Unauthorized.schema_response(), **Forbidden.schema_response()}


def _profile_read(profile: LearnerProfile | None, learner: uuid.UUID) -> LearnerProfileRead:
    if profile is None:
        return LearnerProfileRead.model_validate(
            {**dict.fromkeys(LearnerProfileRead.model_fields), "learner_id": learner}
        )
    return LearnerProfileRead.model_validate(profile)


def _me(principal: Learner) -> uuid.UUID:
    assert principal.user_id is not None  # `Learner` admits only users
    return principal.user_id


@router.get(
    "/me/profile",
    tags=["profile"],
    summary="My learner profile (empty fields until I fill them in)",
    responses=AUTH_ERRORS,
)
async def get_profile(session: SessionDep, principal: Learner) -> LearnerProfileRead:
    me = _me(principal)
    return _profile_read(await service.get_profile(session, me), me)


@router.put(
    "/me/profile",
    tags=["profile"],
    summary="Save my learner profile (fields left out are kept; null clears one)",
    responses={**AUTH_ERRORS, **Unprocessable.schema_response()},
)
async def put_profile(
    session: SessionDep, principal: Learner, body: LearnerProfileUpdate
) -> LearnerProfileRead:
    me = _me(principal)
    profile = await service.get_profile(session, me)
    now = utcnow()
    if profile is None:
        profile = LearnerProfile(learner_id=me, created_at=now)
        session.add(profile)
    for name, value in body.model_dump(exclude_unset=True).items():
        setattr(profile, name, value)
    profile.updated_at = now
    await session.flush()
    return _profile_read(profile, me)


@router.get(
    "/me/export",
    tags=["profile"],
    summary="Everything this service holds about me, as JSON",
    responses=AUTH_ERRORS,
)
async def export_me(session: SessionDep, principal: Learner) -> LearnerExport:
    me = _me(principal)
    applications = (
        (
            await session.execute(
                select(Application)
                .where(col(Application.learner_id) == me)
                .order_by(col(Application.created_at), col(Application.id))
            )
        )
        .scalars()
        .all()
    )
    bursaries = (
        (
            await session.execute(
                select(BursaryApplication)
                .where(col(BursaryApplication.learner_id) == me)
                .order_by(col(BursaryApplication.created_at), col(BursaryApplication.id))
            )
        )
        .scalars()
        .all()
    )
    return LearnerExport(
        exported_at=utcnow(),
        learner_id=me,
        profile=_profile_read(await service.get_profile(session, me), me),
        applications=await application_service.details(session, principal, applications),
        bursary_applications=[bursary_service.read(b) for b in bursaries],
    )


@router.delete(
    "/me",
    tags=["profile"],
    summary="Delete my data: profile and drafts go, open applications are withdrawn, decided "
    "ones are anonymised",
    description="Decided applications keep their course, status and decision, and awarded "
    "bursaries their amount (the figures stay true), but nothing that says who you were. "
    "While a bursary award to you is being made this answers 409; try again shortly.",
    status_code=204,
    responses={**AUTH_ERRORS, **AwardInProgress.schema_response()},
)
async def delete_me(session: SessionDep, principal: Learner) -> Response:
    await service.erase(session, _me(principal))
    return Response(status_code=204)


@router.delete(
    "/learners/{learner_id}",
    tags=["internal"],
    summary="Erase a learner's data when their account is deleted (platform services)",
    status_code=204,
    responses={**AUTH_ERRORS, **AwardInProgress.schema_response()},
)
async def erase_learner(
    session: SessionDep, _caller: ServiceCaller, learner_id: uuid.UUID
) -> Response:
    await service.erase(session, learner_id)
    return Response(status_code=204)
