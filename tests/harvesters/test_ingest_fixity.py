"""`thuvien check --fixity`: every stored copy re-hashed; a flipped byte or a missing file
is named with the records that use it, and the exit status says so."""

from __future__ import annotations

from pathlib import Path

import pymarc
import pyvips

from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.runner import HarvestOptions, harvest_source
from portal.cli import main


def marc(local_id: str, path: str) -> bytes:
    record = pymarc.Record(force_utf8=True)
    record.add_field(pymarc.Field(tag="001", data=local_id))
    record.add_field(
        pymarc.Field(
            tag="245",
            indicators=pymarc.Indicators("0", "0"),
            subfields=[pymarc.Subfield("a", "Ảnh")],
        )
    )
    record.add_field(
        pymarc.Field(
            tag="856",
            indicators=pymarc.Indicators("4", "0"),
            subfields=[pymarc.Subfield("u", path)],
        )
    )
    return record.as_marc()


def test_fixity_names_changed_and_missing_files(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("THUVIEN_CONFIG", raising=False)
    data_dir, folder = tmp_path / "data", tmp_path / "library"
    folder.mkdir()
    for n in (1, 2):
        pyvips.Image.black(60 + n, 40).jpegsave(str(folder / f"{n}.jpg"))
    (folder / "export.mrc").write_bytes(
        marc("a", "1.jpg") + marc("b", "2.jpg") + marc("c", "2.jpg")
    )
    settings = Settings(data_dir=data_dir)
    store = Store(settings.db_url)
    source = Source("lib", "Thư viện", "marc", str(folder / "export.mrc"))
    store.put_source(source)
    run = harvest_source(store, source, settings.harvest, HarvestOptions(progress=False))
    assert run.failed == 0, run.errors
    paths = {r.id: r.digital_objects[0].stored_path for r in store.iter_records()}
    store.close()

    assert main(["--data-dir", str(data_dir), "check", "--fixity"]) == 0
    out = capsys.readouterr().out
    assert "fixity: ok: 2 stored files of 3 digital objects" in out

    # One byte flipped in a shared file, another file gone.
    shared = data_dir / paths["lib:b"]
    data = bytearray(shared.read_bytes())
    data[len(data) // 2] ^= 0x01
    shared.write_bytes(bytes(data))
    (data_dir / paths["lib:a"]).unlink()
    assert main(["--data-dir", str(data_dir), "check", "--fixity"]) == 1
    out = capsys.readouterr().out
    assert "fixity: FAILED: 2 of 2 stored files" in out
    assert f"changed: {shared} (records: lib:b, lib:c;" in out
    assert f"missing: {data_dir / paths['lib:a']} (records: lib:a)" in out
