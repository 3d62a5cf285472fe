from pathlib import Path

import pytest

from catalogue.settings import SettingsError, load_settings
from catalogue.sources import Source, SourceError, dump_sources_toml, load_sources_toml

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "sources.example.toml"


def test_defaults_then_file_then_environment(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text('data_dir = "/srv/a"\n[harvest]\ntimeout = 5\n')
    settings = load_settings(config, environ={"THUVIEN_DATA_DIR": "/srv/b"})
    assert settings.data_dir == Path("/srv/b")
    assert settings.harvest.timeout == 5
    assert settings.harvest.max_retries == 4  # default kept
    assert settings.db_url == "sqlite:////srv/b/thuvien.sqlite"


def test_unknown_and_bad_settings_are_refused(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text("colour = 'blue'\n")
    with pytest.raises(SettingsError, match="colour"):
        load_settings(config, environ={})
    with pytest.raises(SettingsError, match="mode"):
        load_settings(environ={"THUVIEN_MODE": "turbo"})
    config.write_text("data_dir = [\n")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(config, environ={})


def test_example_sources_file_loads():
    sources = load_sources_toml(EXAMPLE)
    assert {s.type for s in sources} == {"oai", "marc"}
    assert all(s.key for s in sources)


def test_sources_round_trip_through_toml(tmp_path):
    sources = [
        Source(
            key="ha-noi",
            name='Thư viện "Hà Nội"',
            type="oai",
            url="http://127.0.0.1:8001/oai",
            metadata_prefix="marc21",
            set="books",
            schedule="0 2 * * *",
        ),
        Source(
            key="dhqg", name="Đại học Quốc gia", type="marc", url="/data/dhqg.mrc", enabled=False
        ),
    ]
    path = tmp_path / "s.toml"
    path.write_text(dump_sources_toml(sources), encoding="utf-8")
    assert load_sources_toml(path) == sources


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"key": "Bad Key", "name": "x", "type": "oai", "url": "u"}, "lowercase"),
        ({"key": "k", "name": "x", "type": "z39.50", "url": "u"}, "type"),
        ({"key": "k", "name": "x", "type": "oai", "url": ""}, "url"),
        ({"key": "k", "name": "x", "type": "oai", "url": "u", "schedule": "every day"}, "cron"),
    ],
)
def test_bad_sources_are_refused_with_the_reason(fields, message):
    with pytest.raises(SourceError, match=message):
        Source(**fields)


def test_onsite_networks_come_from_the_rights_table(tmp_path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('[rights]\nonsite_networks = ["10.12.0.0/16"]\n', encoding="utf-8")
    settings = load_settings(config, environ={})
    assert settings.rights.onsite_networks == ("10.12.0.0/16",)
    assert load_settings(environ={}).rights.onsite_networks == ()
    config.write_text("[rights]\nreading_rooms = []\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"unknown \[rights\] settings: reading_rooms"):
        load_settings(config, environ={})
