"""Demo data for local runs only: one account per role and the platform's service clients.

The organisation ids are fixed so that other services' demo seeds can use the same ones:

- ``DEMO_SPONSOR_EMPLOYER_ID``: the employer that sponsors bursaries (partnerships' employer id);
- ``DEMO_PROVIDER_ID``: an FE college (catalogue's provider id);
- ``DEMO_INSTITUTE_ID``: an Institute of Technology (catalogue's institute id);
- ``NETWORK_ORG_ID``: the National Network (not demo data: every deployment has it).

The passwords and secrets below are public: ``identity seed`` refuses to run, and identity
refuses to start, in production while any of them is stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from identity.organisation.service import NETWORK_ORG_ID, NETWORK_ORG_NAME

DEMO_EMAIL_DOMAIN = "demo.example"

# Every service's demo data derives its ids the same way (no service imports another):
# uuid5(DEMO_NAMESPACE, "<kind>:<key>"), e.g. "provider:york-college".
DEMO_NAMESPACE = uuid.UUID("6f1d3c8e-2a4b-4f0e-9c57-0d6c1b7e5a10")


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, f"{kind}:{key}")


DEMO_SPONSOR_EMPLOYER_ID = demo_id("employer", "northern-broadband")
DEMO_SPONSOR_NAME = "Northern Broadband Ltd"
DEMO_PROVIDER_ID = demo_id("provider", "york-college")
DEMO_PROVIDER_NAME = "York College"
DEMO_INSTITUTE_ID = demo_id("institute", "yorkshire-and-humber-institute-of-technology")
DEMO_INSTITUTE_NAME = "Yorkshire and Humber Institute of Technology"


@dataclass(frozen=True)
class DemoAccount:
    role: str  # the token role this account demonstrates
    email: str
    display_name: str
    password: str
    learner: bool = False
    org_type: str | None = None
    org_id: uuid.UUID | None = None
    org_name: str | None = None
    org_role: str = "member"


DEMO_ACCOUNTS = (
    DemoAccount(
        "learner",
        f"learner@{DEMO_EMAIL_DOMAIN}",
        "Asha Learner",
        "demo-learner-otter-2026",
        learner=True,
    ),
    DemoAccount(
        "employer",
        f"employer@{DEMO_EMAIL_DOMAIN}",
        "Ed Employer",
        "demo-employer-heron-2026",
        org_type="employer",
        org_id=DEMO_SPONSOR_EMPLOYER_ID,
        org_name=DEMO_SPONSOR_NAME,
        org_role="owner",
    ),
    DemoAccount(
        "provider_staff",
        f"provider@{DEMO_EMAIL_DOMAIN}",
        "Priya Provider",
        "demo-provider-badger-2026",
        org_type="provider",
        org_id=DEMO_PROVIDER_ID,
        org_name=DEMO_PROVIDER_NAME,
        org_role="admin",
    ),
    DemoAccount(
        "institute_admin",
        f"institute@{DEMO_EMAIL_DOMAIN}",
        "Ian Institute",
        "demo-institute-curlew-2026",
        org_type="institute",
        org_id=DEMO_INSTITUTE_ID,
        org_name=DEMO_INSTITUTE_NAME,
        org_role="admin",
    ),
    DemoAccount(
        "network_admin",
        f"admin@{DEMO_EMAIL_DOMAIN}",
        "Nia Network",
        "demo-network-puffin-2026",
        org_type="network",
        org_id=NETWORK_ORG_ID,
        org_name=NETWORK_ORG_NAME,
        org_role="admin",
    ),
)


@dataclass(frozen=True)
class DemoServiceClient:
    client_id: str
    name: str
    secret: str


# Each platform service signs in with client credentials (scope `internal`) for its calls to
# other services: in production their secrets come from `identity create-service-client`.
DEMO_SERVICE_CLIENTS = tuple(
    DemoServiceClient(f"svc-{name}", f"{name} service", f"demo-{name}-service-secret")
    for name in ("catalogue", "partnerships", "applications", "gateway")
)

DEMO_PASSWORDS = frozenset(a.password for a in DEMO_ACCOUNTS) | frozenset(
    c.secret for c in DEMO_SERVICE_CLIENTS
)
