"""The official IIIF Image API validator (PyPI `iiif-validator`) against the server over HTTP.

Every test the validator has for Image API 3.0 up to compliance level 2 must pass, plus
its level-3 tests for the optional features info.json declares (arbitrary rotation,
mirroring, upscaling, link headers). Left out, with the reason:
- format_gif, format_jp2, format_pdf, format_tif: formats this server does not offer
  (a request for them is a 400, which test_image_api checks);
- format_webp: the validator's own test cannot run on Python 3 (it calls the Python 2
  `urllib.urlopen`); test_server checks webp output instead.

The validator picks random squares, sizes and angles; each test is seeded with its name,
so a failure can be reproduced.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from iiif_validator import validator

from iiif.server import init_app
from tests.iiif.conftest import VALIDATOR_ID
from tests.support.http import serve_wsgi

LEVEL = 2
BEYOND_LEVEL_2 = {
    "linkheader_canonical",
    "linkheader_profile",
    "rot_full_non90",
    "rot_mirror",
    "rot_mirror_180",
    "rot_region_non90",
    "size_up",
}
NOT_RUN = {"format_gif", "format_jp2", "format_pdf", "format_tif", "format_webp"}


def _tests_3_0() -> dict[str, dict]:
    return validator.TestSuite(validator.ValidationInfo()).list_tests("3.0")


def _selected() -> list[str]:
    tests = _tests_3_0()
    return sorted(
        name for name, test in tests.items() if test["level"] <= LEVEL or name in BEYOND_LEVEL_2
    )


@pytest.fixture(scope="module")
def server(images_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from flask import Flask

    app = Flask("iiif-validator")
    init_app(app, images_dir=images_dir, cache_dir=tmp_path_factory.mktemp("iiif-cache"))
    with serve_wsgi(app) as base_url:
        yield base_url.removeprefix("http://")


def test_every_3_0_test_is_run_or_excused() -> None:
    tests = _tests_3_0()
    assert set(tests) == set(_selected()) | NOT_RUN
    assert sum(1 for t in tests.values() if t["level"] <= LEVEL) == 33  # iiif-validator 1.0.5


@pytest.mark.parametrize("name", _selected())
def test_validator(name: str, server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The validator fetches with urllib, which would send 127.0.0.1 to a configured proxy.
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    random.seed(f"iiif-validator:{name}")
    result = validator.ImageAPI(VALIDATOR_ID, server, "iiif/3", "http", "", "3.0", debug=False)
    validator.TestSuite(validator.ValidationInfo()).run_test(name, result)
    error = result.exception
    assert error is None, (
        f"{name}: expected {error.expected!r} for {error.type}, got {error.got!r} "
        f"({error.message}) at {result.urls}"
    )
