"""Every router of the catalogue's public API."""

from catalogue.course.endpoints import router as course_router
from catalogue.institute.endpoints import router as institute_router
from catalogue.provider.endpoints import router as provider_router
from catalogue.reference.endpoints import router as reference_router
from catalogue.search.endpoints import router as search_router

# search first: its /v1/courses/suggest must win over /v1/courses/{course_id}
routers = [reference_router, institute_router, provider_router, search_router, course_router]
