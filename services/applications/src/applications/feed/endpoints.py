from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select
from sqlmodel import col

from applications.access import FeedReader
from applications.application.schemas import ApplicantRead, ApplicationRead
from applications.application.service import profiles
from applications.feed.schemas import ApplicationChange, ChangesPage
from applications.models import Application
from applications.vocab import ApplicationStatus
from servicekit.db import SessionDep
from servicekit.errors import Forbidden, Unauthorized, Unprocessable

router = APIRouter(prefix="/v1", tags=["changes"])
MAX_CURSOR = 2**62


@router.get(
    "/applications/changes",
    summary="Applications changed after a cursor (API clients with `applications:read`)",
    description="For student record systems and other integrators: applications to the client's "
    "organisation's provider, oldest change first, each with its current state. Start with "
    "`since=0`, then pass `next_cursor` back as `since`. Every change has a number taken in "
    "commit order, so polling this way never misses a change and never shows one twice (an "
    "application changed again shows again, with its new state). Drafts are private to the "
    "learner and never listed.",
    responses={
        **Unauthorized.schema_response(),
        **Forbidden.schema_response(),
        **Unprocessable.schema_response(),
    },
)
async def list_changes(
    session: SessionDep,
    principal: FeedReader,
    since: Annotated[int, Query(ge=0, le=MAX_CURSOR, description="The last cursor you saw")] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="Changes per page (1-500)")] = 100,
) -> ChangesPage:
    providers = principal.org_ids("provider")
    if not providers:
        raise Forbidden("This client belongs to no provider, so it has no applications to read.")
    rows = (
        (
            await session.execute(
                select(Application)
                .where(
                    col(Application.provider_id).in_(providers),
                    col(Application.change_seq) > since,
                    col(Application.status) != ApplicationStatus.draft.value,
                )
                .order_by(col(Application.change_seq))
                .limit(limit + 1)
            )
        )
        .scalars()
        .all()
    )
    page = rows[:limit]
    people = await profiles(session, [a.learner_id for a in page])
    items = [
        ApplicationChange(
            cursor=a.change_seq,
            application=ApplicationRead.model_validate(a),
            applicant=(
                ApplicantRead.model_validate(people[a.learner_id])
                if a.learner_id in people
                else None
            ),
        )
        for a in page
    ]
    return ChangesPage(
        items=items,
        next_cursor=page[-1].change_seq if page else since,
        has_more=len(rows) > limit,
    )
