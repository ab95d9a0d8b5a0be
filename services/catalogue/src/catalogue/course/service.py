"""Course and intake rules: who sees a draft, where a course may be offered, intake dates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import col

from catalogue.course.schemas import CourseDetail, CourseRead, IntakeDetail, IntakeRead
from catalogue.models import Campus, Course, Intake, ProviderInstitute, Sector
from catalogue.permissions import edits_course
from catalogue.vocab import CourseStatus
from servicekit.auth import Principal
from servicekit.errors import Forbidden, NotFound, Unprocessable
from servicekit.repository import get_referenced


def today() -> Any:
    return datetime.now(UTC).date()


def visible_courses(principal: Principal | None) -> ColumnElement[bool]:
    """Published courses for everyone; drafts and archived ones only for those who edit them."""
    published = col(Course.status) == CourseStatus.published.value
    if principal is None:
        return published
    if principal.is_network_admin:
        return col(Course.id).is_not(None)
    own: list[ColumnElement[bool]] = []
    if principal.has_role("provider_staff") and (ids := principal.org_ids("provider")):
        own.append(col(Course.provider_id).in_(ids))
    if principal.has_role("institute_admin") and (ids := principal.org_ids("institute")):
        own.append(col(Course.institute_id).in_(ids))
    return or_(published, *own) if own else published


def course_query(principal: Principal | None) -> Select[Any]:
    return select(Course).where(visible_courses(principal))


async def visible_course(
    session: AsyncSession, principal: Principal | None, course_id: uuid.UUID
) -> Course:
    """The course when the caller may see it; another provider's draft is simply not found."""
    course = (
        await session.execute(course_query(principal).where(col(Course.id) == course_id))
    ).scalar_one_or_none()
    if course is None:
        raise NotFound(f"No course with id {course_id}.")
    return course  # type: ignore[no-any-return]


async def editable_course(
    session: AsyncSession, principal: Principal, course_id: uuid.UUID
) -> Course:
    course = await visible_course(session, principal, course_id)
    if not edits_course(principal, course.provider_id, course.institute_id):
        raise Forbidden("Only the course's provider staff, institute admins or network admins.")
    return course


async def check_offering(
    session: AsyncSession, principal: Principal, provider_id: uuid.UUID, institute_id: uuid.UUID
) -> None:
    """The provider must belong to the institute, and the caller must act for one of them."""
    if await session.get(ProviderInstitute, (provider_id, institute_id)) is None:
        raise Unprocessable.for_field(
            "body.institute_id",
            "That provider is not part of that institute; add it to the institute first.",
            "provider_not_in_institute",
        )
    if not edits_course(principal, provider_id, institute_id):
        raise Forbidden("You may only add courses for your own provider or institute.")


async def unique_slug(session: AsyncSession, wanted: str) -> str:
    base, n = wanted, 1
    while (await session.execute(select(col(Course.id)).where(col(Course.slug) == wanted))).first():
        n += 1
        wanted = f"{base[:190]}-{n}"
    return wanted


async def check_sector(session: AsyncSession, sector_id: uuid.UUID) -> None:
    await get_referenced(session, Sector, sector_id, "sector_id", "sector")


async def check_campus(session: AsyncSession, course: Course, campus_id: uuid.UUID) -> None:
    campus = await get_referenced(session, Campus, campus_id, "campus_id", "campus")
    if campus.provider_id != course.provider_id:
        raise Unprocessable.for_field(
            "body.campus_id",
            "That campus belongs to another provider; use one of the course provider's campuses.",
            "campus_of_other_provider",
        )


def intake_read(intake: Intake, course: Course) -> IntakeRead:
    return IntakeRead.model_validate({**intake.model_dump(), "is_open": is_open(intake, course)})


def intake_detail(intake: Intake, course: Course) -> IntakeDetail:
    return IntakeDetail.model_validate(
        {
            **intake.model_dump(),
            "is_open": is_open(intake, course),
            "provider_id": course.provider_id,
            "institute_id": course.institute_id,
            "course_title": course.title,
            "course_status": course.status,
        }
    )


def is_open(intake: Intake, course: Course) -> bool:
    return course.status == CourseStatus.published.value and intake.application_deadline >= today()


async def course_detail(session: AsyncSession, course: Course) -> CourseDetail:
    intakes = (
        await session.execute(
            select(Intake)
            .where(col(Intake.course_id) == course.id)
            .order_by(col(Intake.start_date))
        )
    ).scalars()
    return CourseDetail.model_validate(
        {
            **CourseRead.model_validate(course).model_dump(),
            "intakes": [intake_read(i, course) for i in intakes],
        }
    )
