"""The `thuvien` command as an operator uses it: demo, sources, harvest, index, search."""

import json

import pytest

from portal.cli import main


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.delenv("THUVIEN_CONFIG", raising=False)
    return tmp_path / "data"


def run(capsys, *args):
    code = main([*args])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_harvests_three_libraries_incrementally_and_indexes(data_dir, capsys):
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "demo", "--no-serve", "--works", "80")
    assert code == 0
    first, second = out.split("Harvesting again")
    assert first.count("succeeded (full)") == 3
    assert second.count("succeeded (incremental) — 0 added, 0 updated, 0 deleted") == 3
    assert "index updated:" in out and "records from 3 libraries" in out

    # The search answers "ha noi" and "Hà Nội" alike, and a shared work appears once.
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "search", "truyen kieu", "--json")
    result = json.loads(out)
    kieu = [h for h in result["hits"] if h["title"] == "Truyện Kiều"]
    assert kieu and max(len({x["library"] for x in h["holdings"]}) for h in kieu) == 3
    folded = json.loads(run(capsys, "--data-dir", str(data_dir), "search", "ha noi", "--json")[1])
    exact = json.loads(run(capsys, "--data-dir", str(data_dir), "search", "Hà Nội", "--json")[1])
    assert folded["total"] == exact["total"] > 0

    # Nothing changed: index has nothing to do; --rebuild redoes it all.
    assert "0 indexed" in run(capsys, "--data-dir", str(data_dir), "index")[1]
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "index", "--rebuild")
    assert code == 0 and "index rebuilt" in out and "0 indexed" not in out


def test_sources_import_list_export_round_trip(data_dir, tmp_path, capsys):
    sources = tmp_path / "s.toml"
    sources.write_text(
        '[[source]]\nkey = "ha-noi"\nname = "Thư viện Hà Nội"\ntype = "oai"\n'
        'url = "http://127.0.0.1:9/oai"\nmetadata_prefix = "marc21"\n',
        encoding="utf-8",
    )
    assert run(capsys, "--data-dir", str(data_dir), "sources", "import", str(sources))[0] == 0
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sources", "list")
    assert "ha-noi\toai\thttp://127.0.0.1:9/oai" in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "sources", "export")
    assert 'name = "Thư viện Hà Nội"' in out and 'metadata_prefix = "marc21"' in out


def test_bad_sources_file_and_unknown_source_give_clear_errors(data_dir, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nkey = "x"\nname = "x"\ntype = "ftp"\nurl = "u"\n')
    code, _, err = run(capsys, "--data-dir", str(data_dir), "sources", "import", str(bad))
    assert code == 2 and "type must be one of" in err
    code, _, err = run(capsys, "--data-dir", str(data_dir), "harvest", "nope")
    assert code == 2 and "no source with key 'nope'" in err


def test_harvest_of_a_down_source_reports_failure_and_exit_code(data_dir, tmp_path, capsys):
    sources = tmp_path / "s.toml"
    sources.write_text('[[source]]\nkey = "down"\nname = "Down"\ntype = "marc"\n'
                       f'url = "{tmp_path / "missing.mrc"}"\n')
    run(capsys, "--data-dir", str(data_dir), "sources", "import", str(sources))
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "harvest", "--all")
    assert code == 1 and "down: failed (full)" in out and "not found" in out
