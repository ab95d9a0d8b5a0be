from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from sqlalchemy import select
from sqlmodel import col

from catalogue.course import service
from catalogue.course.schemas import (
    CourseCreate,
    CourseDetail,
    CourseUpdate,
    IntakeCreate,
    IntakeDetail,
    IntakeRead,
    IntakeUpdate,
)
from catalogue.models import Course, Institute, Intake, Provider
from catalogue.permissions import require_staff
from catalogue.vocab import slugify
from servicekit.auth import OptionalPrincipal, Principal
from servicekit.db import SessionDep, utcnow
from servicekit.errors import Conflict, Forbidden, NotFound, Unauthorized, Unprocessable
from servicekit.paging import Page, Paging, fetch_page, paginate
from servicekit.repository import apply_changes, ensure_unique, get_or_404, get_referenced

router = APIRouter(prefix="/v1")
StaffDep = Annotated[Principal, Depends(require_staff)]
ERRORS = {
    **Unauthorized.schema_response(),
    **Forbidden.schema_response(),
    **NotFound.schema_response(),
    **Conflict.schema_response(),
    **Unprocessable.schema_response(),
}


@router.get(
    "/courses/{course_id}",
    tags=["courses"],
    summary="One course with its intakes",
    responses=NotFound.schema_response(),
)
async def get_course(
    session: SessionDep, principal: OptionalPrincipal, course_id: uuid.UUID
) -> CourseDetail:
    course = await service.visible_course(session, principal, course_id)
    return await service.course_detail(session, course)


@router.post(
    "/courses",
    tags=["courses"],
    summary="Add a course (provider staff for their provider, institute admins, network admins)",
    status_code=201,
    responses=ERRORS,
)
async def create_course(
    session: SessionDep, principal: StaffDep, body: CourseCreate
) -> CourseDetail:
    await service.check_sector(session, body.sector_id)
    await get_referenced(session, Institute, body.institute_id, "institute_id", "institute")
    await get_referenced(session, Provider, body.provider_id, "provider_id", "provider")
    await service.check_offering(session, principal, body.provider_id, body.institute_id)
    if body.slug:
        await ensure_unique(session, Course, "slug", body.slug)
        slug = body.slug
    else:
        slug = await service.unique_slug(session, slugify(body.title))
    data = body.model_dump(exclude={"slug", "employer_ids"})
    course = Course(**data, slug=slug, employer_ids=[str(e) for e in body.employer_ids])
    session.add(course)
    await session.flush()
    return await service.course_detail(session, course)


@router.patch(
    "/courses/{course_id}",
    tags=["courses"],
    summary="Change a course, publish or archive it",
    responses=ERRORS,
)
async def update_course(
    session: SessionDep, principal: StaffDep, course_id: uuid.UUID, body: CourseUpdate
) -> CourseDetail:
    course = await service.editable_course(session, principal, course_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("sector_id"):
        await service.check_sector(session, changes["sector_id"])
    if changes.get("employer_ids") is not None:
        changes["employer_ids"] = [str(e) for e in changes["employer_ids"]]
    optional = ("summary", "description", "entry_requirements")
    apply_changes(course, changes, tuple(k for k in CourseUpdate.model_fields if k not in optional))
    course.updated_at = utcnow()
    await session.flush()
    return await service.course_detail(session, course)


@router.get(
    "/courses/{course_id}/intakes",
    tags=["intakes"],
    summary="A course's intakes",
    response_model=Page[IntakeRead],
    responses=NotFound.schema_response(),
)
async def list_course_intakes(
    session: SessionDep, principal: OptionalPrincipal, course_id: uuid.UUID, paging: Paging
) -> Page[IntakeRead]:
    course = await service.visible_course(session, principal, course_id)
    stmt = select(Intake).where(col(Intake.course_id) == course.id).order_by(col(Intake.start_date))
    return await fetch_page(session, stmt, paging, lambda i: service.intake_read(i, course))


@router.post(
    "/courses/{course_id}/intakes",
    tags=["intakes"],
    summary="Add an intake to a course",
    status_code=201,
    responses=ERRORS,
)
async def create_intake(
    session: SessionDep, principal: StaffDep, course_id: uuid.UUID, body: IntakeCreate
) -> IntakeDetail:
    course = await service.editable_course(session, principal, course_id)
    await service.check_campus(session, course, body.campus_id)
    intake = Intake(course_id=course.id, **body.model_dump())
    session.add(intake)
    await session.flush()
    return service.intake_detail(intake, course)


@router.get(
    "/intakes",
    tags=["intakes"],
    summary="List intakes of visible courses",
    response_model=Page[IntakeRead],
)
async def list_intakes(
    session: SessionDep,
    principal: OptionalPrincipal,
    paging: Paging,
    course: uuid.UUID | None = None,
    campus: uuid.UUID | None = None,
    starts_after: date | None = None,
    starts_before: date | None = None,
) -> Page[IntakeRead]:
    stmt = (
        select(Intake, Course)
        .join(Course, col(Course.id) == col(Intake.course_id))
        .where(service.visible_courses(principal))
        .order_by(col(Intake.start_date), col(Intake.id))
    )
    if course:
        stmt = stmt.where(col(Intake.course_id) == course)
    if campus:
        stmt = stmt.where(col(Intake.campus_id) == campus)
    if starts_after:
        stmt = stmt.where(col(Intake.start_date) >= starts_after)
    if starts_before:
        stmt = stmt.where(col(Intake.start_date) <= starts_before)
    rows, total = await paginate(session, stmt, paging, scalars=False)
    return Page(
        items=[service.intake_read(i, c) for i, c in rows],
        total=total,
        limit=paging.limit,
        offset=paging.offset,
    )


@router.get(
    "/intakes/{intake_id}",
    tags=["intakes"],
    summary="One intake, with whether it is open for applications",
    responses=NotFound.schema_response(),
)
async def get_intake(
    session: SessionDep, principal: OptionalPrincipal, intake_id: uuid.UUID
) -> IntakeDetail:
    intake = await get_or_404(session, Intake, intake_id, "intake")
    try:
        course = await service.visible_course(session, principal, intake.course_id)
    except NotFound:
        raise NotFound(f"No intake with id {intake_id}.") from None
    return service.intake_detail(intake, course)


@router.patch(
    "/intakes/{intake_id}",
    tags=["intakes"],
    summary="Change an intake",
    responses=ERRORS,
)
async def update_intake(
    session: SessionDep, principal: StaffDep, intake_id: uuid.UUID, body: IntakeUpdate
) -> IntakeDetail:
    intake = await get_or_404(session, Intake, intake_id, "intake")
    course = await service.editable_course(session, principal, intake.course_id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("campus_id"):
        await service.check_campus(session, course, changes["campus_id"])
    apply_changes(intake, changes, tuple(IntakeUpdate.model_fields))
    if intake.application_deadline > intake.start_date:
        raise Unprocessable.for_field(
            "body.application_deadline",
            "application_deadline must be on or before start_date.",
            "deadline_after_start",
        )
    intake.updated_at = utcnow()
    await session.flush()
    return service.intake_detail(intake, course)


@router.delete(
    "/intakes/{intake_id}",
    tags=["intakes"],
    summary="Remove an intake",
    status_code=204,
    responses=ERRORS,
)
async def delete_intake(session: SessionDep, principal: StaffDep, intake_id: uuid.UUID) -> Response:
    intake = await get_or_404(session, Intake, intake_id, "intake")
    await service.editable_course(session, principal, intake.course_id)
    await session.delete(intake)
    await session.flush()
    return Response(status_code=204)
