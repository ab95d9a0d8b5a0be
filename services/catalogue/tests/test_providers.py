"""Institutes, providers and campuses: validation, uniqueness and who may change them."""

from __future__ import annotations

import pytest
from httpx import AsyncClient

from servicekit.testing.tokens import TokenFactory
from tests.factories import World, admin, institute_admin, make_world, provider_staff


@pytest.fixture
async def world(client: AsyncClient, tokens: TokenFactory) -> World:
    return await make_world(client, tokens)


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json().get("errors", [])}


class TestProviders:
    @pytest.mark.parametrize("ukprn", ["1234567", "123456789", "20000000", "1000000A", ""])
    async def test_ukprn_must_be_8_digits_starting_with_1(
        self, client: AsyncClient, tokens: TokenFactory, ukprn: str
    ):
        response = await client.post(
            "/v1/providers",
            json={"name": "Bad College", "ukprn": ukprn, "type": "fe_college"},
            headers=admin(tokens),
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.ukprn"}
        assert (await client.get("/v1/providers")).json()["total"] == 0

    async def test_duplicate_ukprn_is_409(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/providers",
            json={"name": "Copy College", "ukprn": world.provider["ukprn"], "type": "university"},
            headers=world.admin,
        )
        assert response.status_code == 409
        assert _fields(response) == {"body.ukprn"}

    async def test_unknown_institute_in_body(self, client: AsyncClient, tokens: TokenFactory):
        response = await client.post(
            "/v1/providers",
            json={
                "name": "Lost College",
                "ukprn": "10000001",
                "type": "fe_college",
                "institute_ids": ["00000000-0000-4000-8000-000000000000"],
            },
            headers=admin(tokens),
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.institute_ids"}
        assert (await client.get("/v1/providers")).json()["total"] == 0

    async def test_provider_lists_its_institutes_and_filters_by_them(
        self, client: AsyncClient, world: World
    ):
        listed = await client.get("/v1/providers", params={"institute": world.institute["id"]})
        assert [p["id"] for p in listed.json()["items"]] == [world.provider["id"]]
        assert listed.json()["items"][0]["institute_ids"] == [world.institute["id"]]

    async def test_only_own_staff_edit_a_provider(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        refused = await client.patch(
            f"/v1/providers/{world.provider['id']}", json={"name": "Renamed"}, headers=other.staff
        )
        assert refused.status_code == 403
        allowed = await client.patch(
            f"/v1/providers/{world.provider['id']}", json={"name": "Renamed"}, headers=world.staff
        )
        assert allowed.status_code == 200
        assert allowed.json()["name"] == "Renamed"

    async def test_institute_admin_links_providers_to_own_institute_only(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        url = f"/v1/providers/{other.provider['id']}/institutes/{world.institute['id']}"
        assert (
            await client.put(url, headers=institute_admin(tokens, other.institute["id"]))
        ).status_code == 403
        assert (
            await client.put(url, headers=institute_admin(tokens, world.institute["id"]))
        ).status_code == 204
        assert (await client.put(url, headers=world.admin)).status_code == 204  # idempotent
        provider = (await client.get(f"/v1/providers/{other.provider['id']}")).json()
        assert sorted(provider["institute_ids"]) == sorted(
            [other.institute["id"], world.institute["id"]]
        )


class TestCampuses:
    async def test_postcode_is_normalised_and_placed(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/campuses",
            json={"provider_id": world.provider["id"], "name": "Lincoln", "postcode": " ln67ts "},
            headers=world.staff,
        )
        assert response.status_code == 201
        campus = response.json()
        assert campus["postcode"] == "LN6 7TS"
        assert campus["town"] == "Lincoln"
        assert campus["latitude"] == pytest.approx(53.2025, abs=0.01)

    @pytest.mark.parametrize("postcode", ["HU1", "NOT A POSTCODE", "12345", "HU1 3DX; DROP TABLE"])
    async def test_malformed_postcode(self, client: AsyncClient, world: World, postcode: str):
        response = await client.post(
            "/v1/campuses",
            json={"provider_id": world.provider["id"], "name": "X", "postcode": postcode},
            headers=world.staff,
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.postcode"}

    async def test_unknown_district_needs_coordinates(self, client: AsyncClient, world: World):
        body = {"provider_id": world.provider["id"], "name": "PO box", "postcode": "W1A 0AX"}
        response = await client.post("/v1/campuses", json=body, headers=world.staff)
        assert response.status_code == 422
        assert "latitude" in response.json()["errors"][0]["message"]
        placed = await client.post(
            "/v1/campuses",
            json={**body, "latitude": 51.518, "longitude": -0.143},
            headers=world.staff,
        )
        assert placed.status_code == 201

    async def test_latitude_without_longitude(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/campuses",
            json={
                "provider_id": world.provider["id"],
                "name": "Half",
                "postcode": "HU1 3DX",
                "latitude": 53.7,
            },
            headers=world.staff,
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.longitude"}

    async def test_campus_with_intakes_cannot_be_removed(self, client: AsyncClient, world: World):
        course = await world.course(client)
        await client.post(
            f"/v1/courses/{course['id']}/intakes", json=world.intake_body(), headers=world.staff
        )
        response = await client.delete(f"/v1/campuses/{world.campus['id']}", headers=world.staff)
        assert response.status_code == 409
        assert (await client.get(f"/v1/campuses/{world.campus['id']}")).status_code == 200


class TestInstitutes:
    async def test_duplicate_slug_is_409(self, client: AsyncClient, world: World):
        response = await client.post(
            "/v1/institutes",
            json={
                "name": "Another",
                "slug": world.institute["slug"],
                "region_id": world.region["id"],
            },
            headers=world.admin,
        )
        assert response.status_code == 409
        assert _fields(response) == {"body.slug"}

    async def test_only_network_admins_create(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        response = await client.post(
            "/v1/institutes",
            json={"name": "Rogue IoT", "slug": "rogue", "region_id": world.region["id"]},
            headers=institute_admin(tokens, world.institute["id"]),
        )
        assert response.status_code == 403

    async def test_institute_admin_updates_licence_of_own_institute(
        self, client: AsyncClient, world: World, tokens: TokenFactory
    ):
        other = await make_world(client, tokens)
        body = {"licence_status": "suspended"}
        url = f"/v1/institutes/{world.institute['id']}"
        assert (
            await client.patch(
                url, json=body, headers=institute_admin(tokens, other.institute["id"])
            )
        ).status_code == 403
        assert (
            await client.patch(url, json=body, headers=provider_staff(tokens, world.provider["id"]))
        ).status_code == 403
        ok = await client.patch(
            url, json=body, headers=institute_admin(tokens, world.institute["id"])
        )
        assert ok.status_code == 200
        assert ok.json()["licence_status"] == "suspended"

    async def test_unknown_region(self, client: AsyncClient, tokens: TokenFactory):
        response = await client.post(
            "/v1/institutes",
            json={
                "name": "Nowhere IoT",
                "slug": "nowhere",
                "region_id": "00000000-0000-4000-8000-000000000000",
            },
            headers=admin(tokens),
        )
        assert response.status_code == 422
        assert _fields(response) == {"body.region_id"}
