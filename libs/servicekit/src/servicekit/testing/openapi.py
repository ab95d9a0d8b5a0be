"""Each service commits its OpenAPI document; a test fails when the code and the file drift."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fastapi import FastAPI


def render(app: FastAPI) -> str:
    return json.dumps(app.openapi(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def check_committed(app: FastAPI, path: Path) -> None:
    """Compare with the committed file; ``UPDATE_OPENAPI=1`` (``make openapi``) rewrites it."""
    current = render(app)
    if os.environ.get("UPDATE_OPENAPI") == "1":
        path.write_text(current, encoding="utf-8")
        return
    committed = path.read_text(encoding="utf-8") if path.exists() else ""
    assert committed == current, (
        f"{path} is out of date with the code: run `make openapi` and commit the result."
    )
