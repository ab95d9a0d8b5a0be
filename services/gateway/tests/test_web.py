"""The gateway's own pages: /healthz, /docs (offline), and the SPA or its placeholder."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import Gateway, GatewayFactory
from tests.servers import fake_service, serve


async def test_healthz_is_ok_when_every_service_is_ready(gateway: Gateway) -> None:
    response = await gateway.client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["services"]) == {"catalogue", "partnerships", "identity"}
    assert body["services"]["catalogue"] == {"status": "ready", "checks": {"database": "ok"}}


async def test_healthz_is_503_naming_the_service_that_is_down(
    start_gateway: GatewayFactory,
) -> None:
    app, _ = fake_service("partnerships", {"id": str})
    async with serve(app) as upstream:
        async with start_gateway(partnerships_url=upstream.url) as gateway:
            assert (await gateway.client.get("/healthz")).status_code == 200
            await upstream.stop()
            response = await gateway.client.get("/healthz")
            assert response.status_code == 503
            body = response.json()
            assert body["status"] == "degraded"
            assert body["services"]["partnerships"]["status"] == "down"
            assert body["services"]["catalogue"]["status"] == "ready"
            # The gateway itself is still ready: it serves every other service.
            assert (await gateway.client.get("/readyz")).status_code == 200


async def test_the_docs_page_and_all_its_assets_are_served_here(gateway: Gateway) -> None:
    page = await gateway.client.get("/docs")
    assert page.status_code == 200
    html = page.text
    # No CDN: every script and stylesheet is a path on the gateway itself.
    assert "http://" not in html
    assert "https://" not in html
    assert "//cdn" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert {"/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"} <= set(assets)
    for asset in assets:
        response = await gateway.client.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 100, asset
    init = await gateway.client.get("/docs/swagger-initializer.js")
    assert '"/openapi.json"' in init.text
    # The CSP forbids inline scripts, so the page must not have any.
    assert "<script>" not in html


async def test_the_oauth2_redirect_page_allows_only_its_own_script(gateway: Gateway) -> None:
    response = await gateway.client.get("/docs/oauth2-redirect")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "'sha256-" in csp
    assert "unsafe-inline" not in csp


async def test_without_a_built_spa_a_placeholder_is_served(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    async with start_gateway(spa_dir=tmp_path / "missing") as gateway:
        home = await gateway.client.get("/")
        assert home.status_code == 200
        assert "has not been built yet" in home.text
        assert 'href="/docs"' in home.text
        other = await gateway.client.get("/courses/123")
        assert other.status_code == 404
        assert other.headers["content-type"] == "application/problem+json"


async def test_the_built_spa_is_served_with_the_right_cache_headers(
    start_gateway: GatewayFactory, tmp_path: Path
) -> None:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>IoT</title><div id=root></div>")
    (dist / "assets" / "index-B4x9kQ2z.js").write_text("console.log('app')")
    (dist / "robots.txt").write_text("User-agent: *\n")
    async with start_gateway(spa_dir=dist) as gateway:
        home = await gateway.client.get("/")
        assert home.status_code == 200
        assert "<div id=root>" in home.text
        assert home.headers["cache-control"] == "no-cache"

        asset = await gateway.client.get("/assets/index-B4x9kQ2z.js")
        assert asset.status_code == 200
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert "javascript" in asset.headers["content-type"]

        robots = await gateway.client.get("/robots.txt")
        assert robots.headers["cache-control"] == "no-cache"

        # The SPA's own routes answer index.html, so a reload on them works.
        for route in ("/courses", "/courses/3fa85f64", "/employer/funds/new"):
            page = await gateway.client.get(route)
            assert page.status_code == 200, route
            assert "<div id=root>" in page.text

        # A missing asset is a 404, never index.html served as JavaScript.
        missing = await gateway.client.get("/assets/index-old1234.js")
        assert missing.status_code == 404
        assert (await gateway.client.get("/favicon.ico")).status_code == 404
        # API paths are never the SPA's.
        assert (await gateway.client.get("/api/nosuch/courses")).status_code == 404
        # Files outside the build cannot be reached.
        outside = await gateway.client.get("/..%2f..%2fetc/passwd")
        assert outside.status_code == 404 or "<div id=root>" in outside.text
        assert "root:" not in outside.text


async def test_metrics_count_proxied_requests_by_service_not_by_path(gateway: Gateway) -> None:
    for course in ("a1", "b2", "c3"):
        await gateway.client.get(f"/api/partnerships/echo/{course}")
    await gateway.client.get("/api/nosuch/x")
    metrics = (await gateway.client.get("/metrics")).text
    assert 'route="/api/partnerships"' in metrics
    assert re.search(r'http_requests_total\{[^}]*route="/api",[^}]*status="404"\}', metrics)
    assert "echo/a1" not in metrics  # bounded labels: never the raw path
