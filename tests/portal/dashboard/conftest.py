"""The console's dashboard, over a small catalogue whose every number is known."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.dashboard import Known, known_catalogue


@pytest.fixture
def known(tmp_path: Path) -> Iterator[Known]:
    yield from known_catalogue(tmp_path)
