"""Across real services: a user signs up an employer at partnerships, which asks the real identity
service to make them its owner; their next token carries the employer role and organisation."""

from __future__ import annotations

import httpx

from tests.system.platform import Platform

PASSWORD = "a long and unusual passphrase 42"


def token(platform: Platform, email: str) -> dict[str, str]:
    response = httpx.post(
        platform.url("identity") + "/v1/token",
        data={"grant_type": "password", "username": email, "password": PASSWORD},
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def test_employer_signup_makes_the_user_its_owner_at_identity(platform: Platform):
    email = "founder@acme-wind.example"
    registered = httpx.post(
        platform.url("identity") + "/v1/users",
        json={"email": email, "display_name": "Fran Founder", "password": PASSWORD},
    )
    assert registered.status_code == 201, registered.text
    headers = token(platform, email)

    employer = httpx.post(
        platform.url("partnerships") + "/v1/employers",
        json={
            "name": "Acme Wind Services Ltd",
            "companies_house_number": "12345678",
            "sector": "green-energy",
            "size_band": "small",
            "region": "yorkshire-and-the-humber",
        },
        headers=headers,
    )
    assert employer.status_code == 201, employer.text
    assert employer.json()["status"] == "pending"

    me = httpx.get(platform.url("identity") + "/v1/me", headers=token(platform, email)).json()
    user = me["user"]
    memberships = {
        (m["organisation"]["type"], m["organisation"]["id"], m["role"]) for m in user["memberships"]
    }
    assert ("employer", employer.json()["id"], "owner") in memberships
    assert "employer" in user["roles"]

    # With the new token the owner reads their employer; a stranger's token does not.
    fresh = token(platform, email)
    own = httpx.get(
        platform.url("partnerships") + f"/v1/employers/{employer.json()['id']}", headers=fresh
    )
    assert own.status_code == 200
