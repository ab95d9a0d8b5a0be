"""A visitor and a learner use the platform through its one front door, the gateway."""

from __future__ import annotations

import httpx

from tests.system.platform import Platform


def test_search_register_sign_in_through_the_gateway(platform: Platform):
    gw = platform.url("gateway")
    health = httpx.get(gw + "/healthz")
    assert health.status_code == 200, health.text

    courses = httpx.get(gw + "/api/catalogue/v1/courses", params={"limit": 5})
    assert courses.status_code == 200
    assert courses.json()["total"] > 100
    assert courses.headers["x-request-id"]

    email = "sam.learner@example.org"
    password = "renewable energy near Lincoln 2027"
    registered = httpx.post(
        gw + "/api/identity/v1/users",
        json={"email": email, "display_name": "Sam Learner", "password": password},
    )
    assert registered.status_code == 201, registered.text
    signed_in = httpx.post(
        gw + "/api/identity/v1/token",
        data={"grant_type": "password", "username": email, "password": password},
    )
    assert signed_in.status_code == 200, signed_in.text
    bearer = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    me = httpx.get(gw + "/api/identity/v1/me", headers=bearer)
    assert me.status_code == 200
    assert me.json()["user"]["roles"] == ["learner"]

    # The learner's token reads the catalogue but may not write it.
    write = httpx.post(
        gw + "/api/catalogue/v1/sectors", json={"slug": "x", "name": "X"}, headers=bearer
    )
    assert write.status_code == 403
    assert write.headers["content-type"] == "application/problem+json"
    # A forged token is refused at the edge.
    forged = httpx.get(gw + "/api/identity/v1/me", headers={"Authorization": "Bearer a.b.c"})
    assert forged.status_code == 401


def test_one_openapi_document_for_the_whole_platform(platform: Platform):
    document = httpx.get(platform.url("gateway") + "/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    paths = document["paths"]
    for path in (
        "/api/catalogue/v1/courses",
        "/api/identity/v1/token",
        "/api/partnerships/v1/employers",
    ):
        assert path in paths
    assert not document.get("x-unavailable-services")
