"""Every router of identity's API."""

from identity.client.endpoints import router as client_router
from identity.oauth.endpoints import router as oauth_router
from identity.organisation.endpoints import router as organisation_router
from identity.user.endpoints import router as user_router

routers = [oauth_router, user_router, organisation_router, client_router]
