"""Every router of the applications service's public API (the changes feed before the
application routes, so `/v1/applications/changes` is not read as an application id)."""

from applications.application.endpoints import router as application_router
from applications.bursary.endpoints import router as bursary_router
from applications.feed.endpoints import router as feed_router
from applications.learner.endpoints import router as learner_router

routers = [feed_router, application_router, bursary_router, learner_router]
