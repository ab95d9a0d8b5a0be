"""Path resolution on its own: which service, which path, and what is refused."""

from __future__ import annotations

import pytest

from gateway.paths import Target, resolve
from servicekit.errors import BadRequest, NotFound

SERVICES = {"catalogue": "http://127.0.0.1:1", "identity": "http://127.0.0.1:2"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"/api/catalogue/v1/courses", Target("catalogue", "/v1/courses")),
        (b"/api/catalogue", Target("catalogue", "/")),
        (b"/api/catalogue/", Target("catalogue", "/")),
        (b"/api/identity/v1/users/a%20b", Target("identity", "/v1/users/a%20b")),
        (b"/api/catalogue/v1/courses/..x", Target("catalogue", "/v1/courses/..x")),
        (b"/api/catalogue/v1/%2520", Target("catalogue", "/v1/%2520")),
    ],
)
def test_paths_resolve_to_the_service_and_its_own_path(raw: bytes, expected: Target) -> None:
    assert resolve(raw, SERVICES) == expected


@pytest.mark.parametrize(
    "raw",
    [
        b"/api/catalogue/../identity/v1/users",
        b"/api/catalogue/v1/..",
        b"/api/catalogue/v1/%2e%2e/x",
        b"/api/catalogue/v1/%2E./x",
        b"/api/catalogue/./v1",
        b"/api/catalogue/v1/%2fx",
        b"/api/catalogue/v1/%5Cx",
        b"/api/catalogue/v1\\x",
        b"/api/catalogue//v1",
        b"/api/catalogue/v1//x",
        b"/api/catalogue/v1/%0d%0aX-Injected:%20yes",
        b"/api/catalogue/v1/%00",
        b"/api/catalogue/v1/\x7f",
    ],
)
def test_escaping_paths_are_refused(raw: bytes) -> None:
    with pytest.raises(BadRequest):
        resolve(raw, SERVICES)


@pytest.mark.parametrize(
    "raw", [b"/api/", b"/api//catalogue/v1", b"/api/partnerships/v1", b"/api/Catalogue/v1", b"/x"]
)
def test_unknown_services_are_not_found(raw: bytes) -> None:
    with pytest.raises(NotFound):
        resolve(raw, SERVICES)
