"""MARC sources read local files only from allowed folders ([harvest] marc_paths).

A librarian types a source's path in the console; without a limit it could name any
file the server can read. The limit is checked on the resolved path (symlinks and ".."
followed), refusals are recorded on the run, and http(s) sources are not affected.
"""

from __future__ import annotations

from pathlib import Path

import pymarc
import pytest

from catalogue.settings import HarvestSettings, SettingsError, load_settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.runner import HarvestOptions, harvest_source
from tests.support.http import serve_wsgi

REFUSED = "is not in a folder MARC sources may be read from"


def marc_file(path: Path, *ids: str) -> Path:
    records = []
    for local_id in ids:
        record = pymarc.Record(force_utf8=True)
        record.add_field(pymarc.Field(tag="001", data=local_id))
        record.add_field(
            pymarc.Field(
                tag="245",
                indicators=pymarc.Indicators("0", "0"),
                subfields=[pymarc.Subfield("a", f"Sách {local_id}")],
            )
        )
        records.append(record.as_marc())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(records))
    return path


@pytest.fixture
def place(tmp_path):
    """A data dir, an export folder allowed in the settings file, and a private folder."""
    data_dir, exports, private = tmp_path / "data", tmp_path / "exports", tmp_path / "private"
    for folder in (data_dir, exports, private):
        folder.mkdir()
    config = tmp_path / "thuvien.toml"
    config.write_text(f'[harvest]\nmarc_paths = ["{exports}"]\ntimeout = 2\nmax_retries = 0\n')
    settings = load_settings(config, environ={}, data_dir=str(data_dir))
    store = Store(settings.db_url)
    yield data_dir, exports, private, settings.harvest, store
    store.close()


def harvest(store: Store, settings: HarvestSettings, url: str):
    source = Source("lib", "Thư viện", "marc", url)
    store.put_source(source)
    return harvest_source(store, source, settings, HarvestOptions(full=True, progress=False))


def assert_refused(run, store: Store, shown: str) -> None:
    assert run.status == "failed"
    assert REFUSED in run.message and "[harvest] marc_paths" in run.message
    assert f"MARC source path {shown} " in run.message
    assert [e.reason for e in run.errors] == [run.message]  # recorded on the run
    assert store.count_records() == 0


def test_settings_file_always_limits_and_names_the_data_dir(tmp_path):
    settings = load_settings(environ={}, data_dir=str(tmp_path / "data"))
    assert settings.harvest.marc_paths == ()
    assert settings.harvest.marc_roots() == ((tmp_path / "data").resolve(),)
    assert HarvestSettings().marc_roots() is None  # a program's own settings: no limit


@pytest.mark.parametrize("value", ['"/srv/exports"', '[""]', "[1]"])
def test_marc_paths_must_be_a_list_of_folders(tmp_path, value):
    config = tmp_path / "thuvien.toml"
    config.write_text(f"[harvest]\nmarc_paths = {value}\n")
    with pytest.raises(SettingsError, match="marc_paths must be a list of folders"):
        load_settings(config, environ={})


def test_files_in_the_data_dir_the_demo_export_and_allowed_folders_load(place):
    data_dir, exports, _private, settings, store = place
    for path in (
        marc_file(data_dir / "local.mrc", "d1"),
        marc_file(data_dir / "demo" / "bd.mrc", "demo1", "demo2"),  # the demo's export
        marc_file(exports / "koha" / "2026.mrc", "e1"),
    ):
        run = harvest(store, settings, str(path))
        assert run.status == "succeeded" and run.failed == 0, run.message
    folder = harvest(store, settings, str(exports))
    assert (folder.status, folder.unchanged) == ("succeeded", 1)
    assert store.count_records() == 4


def test_a_file_elsewhere_is_refused_and_never_read(place):
    _data, _exports, private, settings, store = place
    secret = marc_file(private / "staff.mrc", "s1")
    assert_refused(harvest(store, settings, str(secret)), store, str(secret))


def test_a_missing_file_elsewhere_is_refused_not_looked_up(place):
    _data, _exports, private, settings, store = place
    missing = private / "nothing-here.mrc"
    run = harvest(store, settings, str(missing))
    assert_refused(run, store, str(missing))
    assert "not found" not in run.message  # no hint whether it exists


def test_dot_dot_out_of_an_allowed_folder_is_refused(place):
    _data, exports, private, settings, store = place
    marc_file(private / "staff.mrc", "s1")
    sneaky = f"{exports}/../private/staff.mrc"
    assert_refused(harvest(store, settings, sneaky), store, sneaky)


def test_a_symlink_out_of_an_allowed_folder_is_refused(place):
    _data, exports, private, settings, store = place
    link = exports / "export.mrc"
    link.symlink_to(marc_file(private / "staff.mrc", "s1"))
    assert_refused(harvest(store, settings, str(link)), store, str(link))


def test_a_folder_with_a_symlink_out_is_refused(place):
    data_dir, _exports, private, settings, store = place
    marc_file(data_dir / "exports" / "ok.mrc", "ok1")
    escape = data_dir / "exports" / "zz.mrc"
    escape.symlink_to(marc_file(private / "staff.mrc", "s1"))
    run = harvest(store, settings, str(data_dir / "exports"))
    assert_refused(run, store, str(escape))


def test_a_symlinked_folder_out_is_refused(place):
    data_dir, _exports, private, settings, store = place
    marc_file(private / "all.mrc", "s1")
    (data_dir / "linked").symlink_to(private, target_is_directory=True)
    shown = str(data_dir / "linked")
    assert_refused(harvest(store, settings, shown), store, shown)


def test_a_symlink_between_allowed_folders_is_fine(place):
    data_dir, exports, _private, settings, store = place
    (data_dir / "today.mrc").symlink_to(marc_file(exports / "2026-05-01.mrc", "x1", "x2"))
    run = harvest(store, settings, str(data_dir / "today.mrc"))
    assert (run.status, run.added) == ("succeeded", 2)


def test_http_sources_are_not_limited(place):
    _data, _exports, private, settings, store = place
    body = marc_file(private / "served.mrc", "h1", "h2").read_bytes()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "application/marc")])
        return [body]

    with serve_wsgi(app) as base:
        run = harvest(store, settings, f"{base}/export.mrc")
    assert (run.status, run.added) == ("succeeded", 2), run.message
