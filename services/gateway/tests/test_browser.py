"""CORS from the allow-list, and security headers on every answer."""

from __future__ import annotations

import pytest

from tests.conftest import Gateway

ALLOWED = "http://127.0.0.1:5173"


async def test_a_preflight_from_an_allowed_origin_is_allowed(gateway: Gateway) -> None:
    response = await gateway.client.options(
        "/api/catalogue/v1/courses",
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in response.headers["access-control-allow-methods"]
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed_headers
    assert "content-type" in allowed_headers


@pytest.mark.parametrize(
    ("origin", "method", "headers"),
    [
        ("https://evil.example", "GET", ""),
        ("http://127.0.0.1:5174", "GET", ""),
        (ALLOWED, "TRACE", ""),
        (ALLOWED, "POST", "x-not-allowed"),
    ],
)
async def test_a_preflight_outside_the_allow_list_is_refused(
    gateway: Gateway, origin: str, method: str, headers: str
) -> None:
    request_headers = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers:
        request_headers["Access-Control-Request-Headers"] = headers
    response = await gateway.client.options("/api/catalogue/v1/courses", headers=request_headers)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "cors-refused"
    if origin != ALLOWED:
        assert "access-control-allow-origin" not in response.headers


async def test_a_simple_request_from_an_allowed_origin_may_read_the_answer(
    gateway: Gateway,
) -> None:
    response = await gateway.client.get("/api/catalogue/echo/cors", headers={"Origin": ALLOWED})
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert "x-request-id" in response.headers["access-control-expose-headers"].lower()


async def test_a_simple_request_from_elsewhere_is_not_granted_reading(gateway: Gateway) -> None:
    response = await gateway.client.get(
        "/api/catalogue/echo/cors", headers={"Origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in response.headers


async def test_the_allow_list_comes_from_settings(start_gateway: object) -> None:
    async with start_gateway(cors_origins=["https://portal.example"]) as gateway:  # type: ignore[operator]
        preflight = {"Access-Control-Request-Method": "GET"}
        yes = await gateway.client.options(
            "/api/catalogue/v1/courses", headers={"Origin": "https://portal.example", **preflight}
        )
        no = await gateway.client.options(
            "/api/catalogue/v1/courses", headers={"Origin": ALLOWED, **preflight}
        )
        assert (yes.status_code, no.status_code) == (200, 403)


@pytest.mark.parametrize(
    "path", ["/", "/docs", "/healthz", "/api/catalogue/echo/x", "/api/nosuch/x", "/openapi.json"]
)
async def test_every_answer_carries_the_security_headers(gateway: Gateway, path: str) -> None:
    response = await gateway.client.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp
    assert "strict-transport-security" not in response.headers  # plain http here
    if path.startswith("/api/"):
        assert csp.startswith("default-src 'none'")
    else:
        directives = dict(d.strip().partition(" ")[::2] for d in csp.split(";"))
        assert directives["script-src"] == "'self'"  # no inline or injected scripts


async def test_hsts_only_over_https(gateway: Gateway) -> None:
    # uvicorn trusts X-Forwarded-Proto from 127.0.0.1, as from a TLS-terminating proxy.
    secure = await gateway.client.get("/healthz", headers={"X-Forwarded-Proto": "https"})
    assert secure.headers["strict-transport-security"].startswith("max-age=")
    plain = await gateway.client.get("/healthz")
    assert "strict-transport-security" not in plain.headers


async def test_answers_vary_on_origin_so_caches_keep_cors_answers_apart(gateway: Gateway) -> None:
    for headers in ({}, {"Origin": ALLOWED}, {"Origin": "https://evil.example"}):
        echoed = await gateway.client.get("/api/catalogue/echo/vary", headers=headers)
        assert echoed.headers.get_list("vary") == ["Accept-Encoding, Origin"], headers
        page = await gateway.client.get("/healthz", headers=headers)
        assert "Origin" in page.headers["vary"], headers
