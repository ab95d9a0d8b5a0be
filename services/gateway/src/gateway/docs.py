"""``GET /openapi.json`` (the merged document) and ``/docs`` (Swagger UI, every asset served here).

Swagger UI's files come from the ``fastapi-offline`` package (a vendored swagger-ui-dist 5), so the
docs page needs no CDN and works with no network access.
"""

from __future__ import annotations

import hashlib
import importlib.resources
from base64 import b64encode
from pathlib import Path

import aiohttp
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from starlette.staticfiles import StaticFiles

from gateway.openapi import MergedOpenAPI

STATIC = Path(__file__).resolve().parent / "static"
SWAGGER_UI_ASSETS = Path(str(importlib.resources.files("fastapi_offline") / "static"))


def _inline_script_hashes(html: str) -> str:
    """CSP source expressions for the inline scripts of a page we do not write ourselves."""
    hashes = []
    rest = html
    while "<script>" in rest:
        _, _, rest = rest.partition("<script>")
        script, _, rest = rest.partition("</script>")
        digest = b64encode(hashlib.sha256(script.encode()).digest()).decode()
        hashes.append(f"'sha256-{digest}'")
    return " ".join(hashes)


def docs_router(merged: MergedOpenAPI) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    page = (STATIC / "docs.html").read_text()
    redirect = bytes(get_swagger_ui_oauth2_redirect_html().body).decode()
    redirect_csp = (
        f"default-src 'none'; script-src {_inline_script_hashes(redirect)}; frame-ancestors 'none'"
    )

    @router.get("/openapi.json")
    async def openapi(request: Request) -> JSONResponse:
        session: aiohttp.ClientSession = request.app.state.upstream
        return JSONResponse(await merged.document(session))

    @router.get("/docs")
    async def docs() -> HTMLResponse:
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    @router.get("/docs/swagger-initializer.js")
    async def initializer() -> FileResponse:
        return FileResponse(STATIC / "swagger-initializer.js", media_type="text/javascript")

    @router.get("/docs/oauth2-redirect")
    async def oauth2_redirect() -> HTMLResponse:
        return HTMLResponse(redirect, headers={"Content-Security-Policy": redirect_csp})

    return router


def docs_assets() -> StaticFiles:
    return StaticFiles(directory=SWAGGER_UI_ASSETS)
