"""Audiobook fixtures: the small catalogue of tests/accessibility/catalogue.py, one app per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from catalogue import users
from portal.app import create_app
from tests.accessibility.catalogue import AudioCatalogue, build_audio_catalogue


@pytest.fixture(scope="session")
def audio_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AudioCatalogue]:
    catalogue = build_audio_catalogue(tmp_path_factory.mktemp("audio-data"))
    yield catalogue
    catalogue.store.close()


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users, "HASHER", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def app(audio_catalogue: AudioCatalogue) -> Flask:
    return create_app(
        audio_catalogue.settings, store=audio_catalogue.store, index=audio_catalogue.index
    )


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
