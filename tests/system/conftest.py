from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.system.platform import Platform, available_services


@pytest.fixture(scope="session")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    running = Platform(tmp_path_factory.mktemp("platform"))
    try:
        running.start(available_services())
        yield running
    finally:
        running.stop()
