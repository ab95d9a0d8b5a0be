"""Employer sign-up (with identity, a contract double over real HTTP), verification, tenancy."""

from __future__ import annotations

import uuid

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import employer_body, institute_admin, member, network_admin, sign_up, user
from tests.identity_double import IdentityContractDouble


async def test_sign_up_creates_a_pending_employer_owned_by_the_caller_at_identity(
    client: AsyncClient, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
):
    double, _ = identity
    sub = str(uuid.uuid4())
    body = employer_body(name="Northern Broadband Ltd", companies_house_number="sc 123456")
    response = await client.post("/v1/employers", json=body, headers=user(tokens, sub))
    assert response.status_code == 201, response.text
    employer = response.json()
    assert employer["status"] == "pending"
    assert employer["companies_house_number"] == "SC123456"
    assert employer["owner_user_id"] == sub
    assert double.owner_of(uuid.UUID(employer["id"])) == [uuid.UUID(sub)]
    call = next(c for c in double.membership_calls if str(c.organisation.id) == employer["id"])
    assert call.organisation.type == "employer"
    assert call.organisation.name == "Northern Broadband Ltd"
    assert call.role == "owner"

    # Pending employers are not public, but their members and admins see them.
    assert (await client.get(f"/v1/employers/{employer['id']}")).status_code == 404
    owner = member(tokens, employer["id"])
    assert (await client.get(f"/v1/employers/{employer['id']}", headers=owner)).status_code == 200
    listed = await client.get("/v1/employers", headers=network_admin(tokens))
    assert [e["id"] for e in listed.json()["items"]] == [employer["id"]]
    assert (await client.get("/v1/employers")).json()["total"] == 0


async def test_sign_up_replayed_with_the_same_key_answers_the_same_employer(
    client: AsyncClient, tokens: TokenFactory, identity: tuple[IdentityContractDouble, str]
):
    headers = {**user(tokens), "Idempotency-Key": "signup-1"}
    body = employer_body()
    first = await client.post("/v1/employers", json=body, headers=headers)
    again = await client.post("/v1/employers", json=body, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    assert first.json()["id"] == again.json()["id"]
    admin = network_admin(tokens)
    assert (await client.get("/v1/employers", headers=admin)).json()["total"] == 1

    other = await client.post(
        "/v1/employers", json=employer_body(name="Someone Else Ltd"), headers=headers
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"


async def test_one_sign_up_per_person_and_per_company(client: AsyncClient, tokens: TokenFactory):
    sub = str(uuid.uuid4())
    body = employer_body()
    assert (await client.post("/v1/employers", json=body, headers=user(tokens, sub))).is_success
    second = await client.post("/v1/employers", json=employer_body(), headers=user(tokens, sub))
    assert second.status_code == 409
    same_company = await client.post(
        "/v1/employers",
        json=employer_body(companies_house_number=body["companies_house_number"]),
        headers=user(tokens),
    )
    assert same_company.status_code == 409
    assert same_company.json()["errors"][0]["field"] == "body.companies_house_number"
    already_member = await client.post(
        "/v1/employers", json=employer_body(), headers=member(tokens, str(uuid.uuid4()))
    )
    assert already_member.status_code == 409
    service_client = tokens.bearer(sub="client:svc-x", client_id="svc-x", scope="internal")
    assert (
        await client.post("/v1/employers", json=employer_body(), headers=service_client)
    ).status_code == 403
    assert (await client.post("/v1/employers", json=employer_body())).status_code == 401


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("companies_house_number", "1234567"),
        ("companies_house_number", "123456789"),
        ("companies_house_number", "S1234567"),
        ("companies_house_number", "SCX23456"),
        ("companies_house_number", 12345678),
        ("size_band", "huge"),
        ("region", "atlantis"),
        ("sector", "Not A Slug"),
        ("website", "javascript:alert(1)"),
        ("name", ""),
        ("name", "x" * 201),
        ("owner", "me"),
    ],
)
async def test_sign_up_refuses_bad_input_naming_the_field(
    client: AsyncClient, tokens: TokenFactory, field: str, value: object
):
    response = await client.post(
        "/v1/employers", json=employer_body(**{field: value}), headers=user(tokens)
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == f"body.{field}"
    admin = network_admin(tokens)
    assert (await client.get("/v1/employers", headers=admin)).json()["total"] == 0


async def test_institute_and_network_admins_verify_members_cannot(
    client: AsyncClient, tokens: TokenFactory
):
    employer = await sign_up(client, tokens, verify=False)
    url = f"/v1/employers/{employer.id}/verify"
    assert (await client.post(url, headers=employer.owner)).status_code == 403
    verified = await client.post(url, headers=institute_admin(tokens, uuid.uuid4()))
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    assert verified.json()["verified_at"] is not None
    # Verified employers are public.
    public = await client.get(f"/v1/employers/{employer.id}")
    assert public.status_code == 200
    assert (await client.get("/v1/employers")).json()["total"] == 1

    suspend = f"/v1/employers/{employer.id}/suspend"
    assert (
        await client.post(suspend, headers=institute_admin(tokens, uuid.uuid4()))
    ).status_code == 403
    suspended = await client.post(suspend, headers=network_admin(tokens))
    assert suspended.json()["status"] == "suspended"
    assert (await client.get(f"/v1/employers/{employer.id}")).status_code == 404
    # Only network admins reinstate.
    assert (
        await client.post(url, headers=institute_admin(tokens, uuid.uuid4()))
    ).status_code == 403
    assert (await client.post(url, headers=network_admin(tokens))).json()["status"] == "verified"


async def test_members_change_only_their_own_employer(client: AsyncClient, tokens: TokenFactory):
    ours = await sign_up(client, tokens)
    theirs = await sign_up(client, tokens, verify=False)
    changed = await client.patch(
        f"/v1/employers/{ours.id}", json={"size_band": "medium"}, headers=ours.owner
    )
    assert changed.status_code == 200
    assert changed.json()["size_band"] == "medium"
    assert (
        await client.patch(
            f"/v1/employers/{ours.id}", json={"size_band": "small"}, headers=ours.member
        )
    ).status_code == 403
    # Another employer's: 404, as if it did not exist; nothing changes.
    for method in ("get", "patch"):
        response = await client.request(
            method, f"/v1/employers/{theirs.id}", json={"name": "Hijacked"}, headers=ours.owner
        )
        assert response.status_code == 404, method
    stored = await client.get(f"/v1/employers/{theirs.id}", headers=network_admin(tokens))
    assert stored.json()["name"] == theirs.data["name"]
    mine = await client.get("/v1/employers", headers=ours.owner)
    assert [e["id"] for e in mine.json()["items"]] == [ours.id]
    null_name = await client.patch(
        f"/v1/employers/{ours.id}", json={"name": None}, headers=ours.owner
    )
    assert null_name.status_code == 422
