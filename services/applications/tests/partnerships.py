"""The real partnerships service for applications' tests, as its own process.

It verifies the tests' tokens (the applications service's token included) and signs employers
up with the real identity service (also its own process). Tests reach it through a fault proxy
(``tests/faults.py``) that they can make slow or failing, and can really stop and start it again
on the same port, with the same database.

Its data is made through its own API, as the people who would: an employer signs up and is
verified, pledges a fund, allocates it to bursaries and opens a scheme.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx

from servicekit.testing.tokens import TokenFactory
from tests.faults import FaultProxy
from tests.servers import ServiceProcess, ThreadServer

_counter = itertools.count(1)


def network_admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])


def _companies_house_number() -> str:
    return f"{10_000_000 + uuid.uuid4().int % 80_000_000:08d}"


class Partnerships:
    def __init__(self, tokens: TokenFactory, identity_url: str, workdir: Path) -> None:
        self.tokens = tokens
        self.identity_url = identity_url
        self.process = ServiceProcess(
            "partnerships",
            {
                "PARTNERSHIPS_DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'partnerships.db'}",
                "PARTNERSHIPS_JWT_PUBLIC_KEY_PEM": tokens.public_pem,
                "PARTNERSHIPS_JWT_JWKS_URL": "",
                "PARTNERSHIPS_ENVIRONMENT": "test",
                "PARTNERSHIPS_IDENTITY_URL": identity_url,
                "PARTNERSHIPS_LOG_LEVEL": "WARNING",
            },
        )
        self.direct_url = self.process.url
        self.proxy = FaultProxy(self.direct_url)
        self.proxy_server = ThreadServer(self.proxy)
        self.url = self.proxy_server.url
        self._employer: tuple[str, dict[str, str]] | None = None

    def start(self) -> None:
        self.process.start()

    def stop(self) -> None:
        self.process.stop()

    def setup(self) -> None:
        self.process.run("alembic", "upgrade", "head")
        self.start()
        self.proxy_server.start()

    def teardown(self) -> None:
        self.proxy_server.stop()
        self.stop()

    async def _post(
        self,
        client: httpx.AsyncClient,
        url: str,
        headers: dict[str, str],
        body: dict[str, Any],
        status: int = 201,
    ) -> Any:
        response = await client.post(url, json=body, headers=headers)
        assert response.status_code == status, response.text
        return response.json()

    async def employer(self, client: httpx.AsyncClient) -> tuple[str, dict[str, str]]:
        """A verified employer (signed up once per test session) and its owner's token."""
        if self._employer is None:
            owner = await self._identity_user()
            signed_up = await self._post(
                client,
                "/v1/employers",
                self.tokens.bearer(sub=owner, roles=["learner"]),
                {
                    "name": f"Northern Broadband Test {uuid.uuid4().hex[:6]} Ltd",
                    "companies_house_number": _companies_house_number(),
                    "sector": "digital",
                    "size_band": "large",
                    "region": "yorkshire-and-the-humber",
                },
            )
            employer_id = signed_up["id"]
            await self._post(
                client,
                f"/v1/employers/{employer_id}/verify",
                network_admin(self.tokens),
                {},
                status=200,
            )
            headers = self.tokens.bearer(
                sub=owner,
                roles=["employer"],
                orgs=[{"type": "employer", "id": employer_id, "role": "owner"}],
            )
            self._employer = (employer_id, headers)
        return self._employer

    async def _identity_user(self) -> str:
        """A real account at identity: it makes the employer's owner a member there."""
        async with httpx.AsyncClient(base_url=self.identity_url, timeout=10) as client:
            response = await client.post(
                "/v1/users",
                json={
                    "email": f"owner-{uuid.uuid4().hex[:8]}@example.org",
                    "display_name": "Employer owner",
                    "password": "a long walk along the humber",
                },
            )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    async def scheme(
        self,
        institute_id: str,
        *,
        course_ids: tuple[str, ...] = (),
        award_pence: int = 150_000,
        max_awards: int = 10,
        rule: dict[str, Any] | None = None,
        status: str = "open",
    ) -> dict[str, Any]:
        """A fund for the institute, its bursaries allocation, and a scheme drawing on it."""
        async with httpx.AsyncClient(base_url=self.direct_url, timeout=10) as client:
            employer_id, owner = await self.employer(client)
            start = date.today()
            fund = await self._post(
                client,
                "/v1/funds",
                owner,
                {
                    "employer_id": employer_id,
                    "name": f"Skills fund {next(_counter)}",
                    "pledged_pence": award_pence * max_awards * 2,
                    "starts_on": start.isoformat(),
                    "ends_on": (start + timedelta(days=3 * 365)).isoformat(),
                    "institute_ids": [institute_id],
                },
            )
            await self._post(
                client,
                f"/v1/funds/{fund['id']}/allocations",
                owner,
                {"purpose": "bursaries", "amount_pence": award_pence * max_awards},
            )
            body: dict[str, Any] = {
                "fund_id": fund["id"],
                "name": f"Digital Futures Bursary {next(_counter)}",
                "institute_ids": [institute_id],
                "course_ids": list(course_ids),
                "award_pence": award_pence,
                "max_awards": max_awards,
                "opens_on": start.isoformat(),
                "closes_on": (start + timedelta(days=180)).isoformat(),
            }
            if rule is not None:
                body["eligibility"] = rule
            scheme = await self._post(client, "/v1/bursary-schemes", owner, body)
            if status in ("open", "closed"):
                scheme = await self._post(
                    client, f"/v1/bursary-schemes/{scheme['id']}/open", owner, {}, status=200
                )
            if status == "closed":
                scheme = await self._post(
                    client, f"/v1/bursary-schemes/{scheme['id']}/close", owner, {}, status=200
                )
        return dict(scheme)

    async def reservations(self, scheme_id: str) -> list[dict[str, Any]]:
        """The scheme's reservations as partnerships holds them (key, status, amount)."""
        async with httpx.AsyncClient(base_url=self.direct_url, timeout=10) as client:
            response = await client.get(
                f"/v1/bursary-schemes/{scheme_id}/reservations",
                params={"limit": 100},
                headers=network_admin(self.tokens),
            )
        assert response.status_code == 200, response.text
        return [dict(r) for r in response.json()["items"]]

    async def balances(self, scheme_id: str) -> dict[str, Any]:
        async with httpx.AsyncClient(base_url=self.direct_url, timeout=10) as client:
            response = await client.get(
                f"/v1/bursary-schemes/{scheme_id}", headers=network_admin(self.tokens)
            )
        assert response.status_code == 200, response.text
        return dict(response.json()["balances"])

    async def awards_made(self, scheme_id: str) -> int:
        return int((await self.balances(scheme_id))["awards_made"])

    async def awarded_pence(self, scheme_id: str) -> int:
        return int((await self.balances(scheme_id))["awarded_pence"])
