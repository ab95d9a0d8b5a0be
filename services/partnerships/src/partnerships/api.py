"""Every router of the partnerships service's API."""

from partnerships.employer.endpoints import router as employer_router
from partnerships.fund.endpoints import router as fund_router
from partnerships.impact.endpoints import router as impact_router
from partnerships.opportunity.endpoints import router as opportunity_router
from partnerships.outreach.endpoints import router as outreach_router
from partnerships.partnership.endpoints import router as partnership_router
from partnerships.reservation.endpoints import router as reservation_router
from partnerships.scheme.endpoints import router as scheme_router

routers = [
    employer_router,
    impact_router,
    partnership_router,
    fund_router,
    scheme_router,
    reservation_router,
    outreach_router,
    opportunity_router,
]
