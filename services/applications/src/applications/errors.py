"""The service's own problem types (each a stable ``code`` under the shared problem base)."""

from __future__ import annotations

from servicekit.errors import Conflict


class IllegalTransition(Conflict):
    code = "illegal-transition"
    title = "That change of status is not allowed"


class DuplicateApplication(Conflict):
    code = "duplicate-application"
    title = "There is already an active application to this intake"


class IntakeFull(Conflict):
    code = "intake-full"
    title = "The intake has no place left"


class DuplicateBursaryApplication(Conflict):
    code = "duplicate-bursary-application"
    title = "This application already applied for that bursary"


class AwardRefused(Conflict):
    code = "award-refused"
    title = "The award could not be made"


class AwardInProgress(Conflict):
    code = "award-in-progress"
    title = "An award for this bursary application is being made"
