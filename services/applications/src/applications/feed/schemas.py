from __future__ import annotations

from pydantic import BaseModel, Field

from applications.application.schemas import ApplicantRead, ApplicationRead


class ApplicationChange(BaseModel):
    cursor: int = Field(description="This change's number; pass the last one as `since`")
    application: ApplicationRead = Field(description="The application as it is now")
    applicant: ApplicantRead | None = Field(
        description="The applicant's contact details (null when none were given, or once the "
        "learner deleted their account)"
    )


class ChangesPage(BaseModel):
    items: list[ApplicationChange] = Field(description="Oldest change first")
    next_cursor: int = Field(description="Pass it as `since` to get the changes after these")
    has_more: bool = Field(description="Whether more changes are waiting after `next_cursor`")
