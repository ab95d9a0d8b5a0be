"""The built SPA (``frontend/dist``): files, long cache for hashed assets, ``index.html`` otherwise.

Vite names the files under ``assets/`` by their content hash, so they are cached for a year and
marked immutable; ``index.html`` and other files are revalidated on every visit. A path that is not
a file and does not look like one (no extension) answers ``index.html``, so the SPA's own routes
work on reload. Until the SPA is built, ``/`` answers a small placeholder page.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from servicekit.errors import NotFound

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
PLACEHOLDER = Path(__file__).resolve().parent / "static" / "placeholder.html"


class SinglePageApp:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.files = StaticFiles(directory=directory, check_dir=False)
        self.placeholder = PLACEHOLDER.read_text()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.response(scope)
        await response(scope, receive, send)

    async def response(self, scope: Scope) -> Response:
        path = scope["path"].lstrip("/")
        index = self.directory / "index.html"
        if not index.is_file():
            if path in ("", "index.html") and scope["method"] in ("GET", "HEAD"):
                return HTMLResponse(self.placeholder, headers={"Cache-Control": REVALIDATE})
            raise NotFound("Nothing is served at this path (the web app is not built yet).")
        try:
            response = await self.files.get_response(path, scope)
        except HTTPException as exc:
            if exc.status_code != 404:
                raise
            if path.startswith("assets/") or PurePosixPath(path).suffix:
                raise NotFound("There is no such file.") from exc
            return FileResponse(index, headers={"Cache-Control": REVALIDATE})
        if response.status_code in (200, 304):
            cache = IMMUTABLE if path.startswith("assets/") else REVALIDATE
            response.headers["Cache-Control"] = cache
        return response
