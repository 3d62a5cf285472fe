"""The union catalogue's OAI-PMH provider, served over real HTTP for these tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.oai_catalogue import Endpoint, _serve


@pytest.fixture(scope="package")
def oai(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    """One catalogue and server for every test that only reads it."""
    yield from _serve(tmp_path_factory.mktemp("oai"))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Endpoint]:
    """A catalogue of its own, for tests that change it."""
    yield from _serve(tmp_path / "portal")
