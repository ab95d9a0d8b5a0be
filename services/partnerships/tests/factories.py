"""Build partnerships records through the API, as the people who would, for tests."""

from __future__ import annotations

import itertools
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any

from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory

_counter = itertools.count(1)
YH = uuid.UUID("e305a2e7-26a8-55d1-a9d1-163000f58742")  # any institute ids will do in tests
LINCS = uuid.uuid4()


def companies_house_number() -> str:
    return f"{next(_counter) + 10_000_000 + uuid.uuid4().int % 80_000_000:08d}"[-8:]


def user(tokens: TokenFactory, sub: str | None = None) -> dict[str, str]:
    return tokens.bearer(sub=sub or str(uuid.uuid4()), roles=["learner"])


def member(tokens: TokenFactory, employer_id: str, role: str = "owner") -> dict[str, str]:
    return tokens.bearer(
        sub=str(uuid.uuid4()),
        roles=["employer"],
        orgs=[{"type": "employer", "id": employer_id, "role": role}],
    )


def network_admin(tokens: TokenFactory) -> dict[str, str]:
    return tokens.bearer(roles=["network_admin"], orgs=[{"type": "network", "role": "admin"}])


def institute_admin(tokens: TokenFactory, institute_id: uuid.UUID | str) -> dict[str, str]:
    return tokens.bearer(
        roles=["institute_admin"],
        orgs=[{"type": "institute", "id": str(institute_id), "role": "admin"}],
    )


_service_tokens: dict[tuple[int, str], tuple[float, dict[str, str]]] = {}


def service(tokens: TokenFactory, client_id: str = "svc-applications") -> dict[str, str]:
    """A platform service's token (kept for ten minutes: signing with a PEM key is slow)."""
    key = (id(tokens), client_id)
    cached = _service_tokens.get(key)
    if cached is None or time.monotonic() - cached[0] > 600:
        headers = tokens.bearer(sub=f"client:{client_id}", scope="internal", client_id=client_id)
        cached = _service_tokens[key] = (time.monotonic(), headers)
    return cached[1]


async def post(
    client: AsyncClient, url: str, headers: dict[str, str], body: dict[str, Any], status: int = 201
) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == status, response.text
    return response.json()


def employer_body(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    body = {
        "name": f"Test Employer {n} Ltd",
        "companies_house_number": companies_house_number(),
        "sector": "digital",
        "size_band": "large",
        "region": "yorkshire-and-the-humber",
        "website": "https://example.com",
    }
    body.update(overrides)
    return body


@dataclass
class Employer:
    """An employer signed up through the API, with its owner's and a plain member's tokens."""

    tokens: TokenFactory
    data: dict[str, Any]
    owner_sub: str
    institutes: list[uuid.UUID] = field(default_factory=lambda: [YH, LINCS])

    @property
    def id(self) -> str:
        return str(self.data["id"])

    @cached_property
    def owner(self) -> dict[str, str]:
        return self.tokens.bearer(
            sub=self.owner_sub,
            roles=["employer"],
            orgs=[{"type": "employer", "id": self.id, "role": "owner"}],
        )

    @cached_property
    def member(self) -> dict[str, str]:
        return member(self.tokens, self.id, role="member")

    def fund_body(self, **overrides: Any) -> dict[str, Any]:
        start = date.today()
        body = {
            "employer_id": self.id,
            "name": f"Skills fund {next(_counter)}",
            "pledged_pence": 53_000_000,
            "starts_on": start.isoformat(),
            "ends_on": (start + timedelta(days=3 * 365)).isoformat(),
            "institute_ids": [str(i) for i in self.institutes],
        }
        body.update(overrides)
        return body

    async def fund(self, client: AsyncClient, **overrides: Any) -> dict[str, Any]:
        return await post(client, "/v1/funds", self.owner, self.fund_body(**overrides))  # type: ignore[no-any-return]

    async def allocate(
        self, client: AsyncClient, fund_id: str, purpose: str, amount: int
    ) -> dict[str, Any]:
        return await post(  # type: ignore[no-any-return]
            client,
            f"/v1/funds/{fund_id}/allocations",
            self.owner,
            {"purpose": purpose, "amount_pence": amount},
        )

    def scheme_body(self, fund_id: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "fund_id": fund_id,
            "name": f"Digital Futures Bursary {next(_counter)}",
            "institute_ids": [str(self.institutes[0])],
            "award_pence": 150_000,
            "max_awards": 10,
            "opens_on": date.today().isoformat(),
            "closes_on": (date.today() + timedelta(days=180)).isoformat(),
        }
        body.update(overrides)
        return body

    async def scheme(
        self, client: AsyncClient, fund_id: str, *, open_it: bool = True, **overrides: Any
    ) -> dict[str, Any]:
        scheme = await post(
            client, "/v1/bursary-schemes", self.owner, self.scheme_body(fund_id, **overrides)
        )
        if open_it:
            scheme = await post(
                client, f"/v1/bursary-schemes/{scheme['id']}/open", self.owner, {}, status=200
            )
        return scheme  # type: ignore[no-any-return]

    async def funded_scheme(
        self, client: AsyncClient, *, max_awards: int = 10, award_pence: int = 150_000
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """A fund with its bursaries allocation and an open scheme drawing exactly on it."""
        fund = await self.fund(client)
        await self.allocate(client, fund["id"], "bursaries", award_pence * max_awards)
        scheme = await self.scheme(
            client, fund["id"], max_awards=max_awards, award_pence=award_pence
        )
        return fund, scheme

    def event_body(self, **overrides: Any) -> dict[str, Any]:
        day = datetime.now(UTC).replace(microsecond=0) + timedelta(days=60)
        body = {
            "employer_id": self.id,
            "institute_id": str(self.institutes[0]),
            "kind": "steam_challenge",
            "title": f"STE(A)M Challenge {next(_counter)}",
            "starts_at": day.isoformat(),
            "ends_at": (day + timedelta(hours=6)).isoformat(),
            "venue": "University of Hull, Hull campus",
            "venue_postcode": "HU6 7RX",
            "capacity_pupils": 60,
            "year_groups": [9],
        }
        body.update(overrides)
        return body

    async def event(
        self, client: AsyncClient, *, publish: bool = True, **overrides: Any
    ) -> dict[str, Any]:
        event = await post(client, "/v1/outreach-events", self.owner, self.event_body(**overrides))
        if publish:
            event = await post(
                client, f"/v1/outreach-events/{event['id']}/publish", self.owner, {}, status=200
            )
        return event  # type: ignore[no-any-return]


async def sign_up(
    client: AsyncClient, tokens: TokenFactory, *, verify: bool = True, **overrides: Any
) -> Employer:
    sub = str(uuid.uuid4())
    data = await post(client, "/v1/employers", user(tokens, sub), employer_body(**overrides))
    if verify:
        data = await post(
            client, f"/v1/employers/{data['id']}/verify", network_admin(tokens), {}, status=200
        )
    return Employer(tokens, data, sub)


def school(**overrides: Any) -> dict[str, Any]:
    body = {
        "school_name": f"Humber Academy {next(_counter)}",
        "urn": f"{100000 + next(_counter) % 900000:06d}",
        "teacher_name": "Ms R. Science",
        "teacher_email": "science@school.example",
        "pupils": 20,
        "year_group": 9,
    }
    body.update(overrides)
    return body
