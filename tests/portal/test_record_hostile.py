"""A catalogue of its own for the record page: hostile data escaped everywhere, the other
records of a work from the store's work keys, binary MARC shown readably.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from flask import Flask
from pymarc import Field, Indicators, Subfield
from pymarc import Record as MarcRecord

from catalogue import DigitalObject, Holding, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.record_pages import json_ld, log_in, page, sel, table_rows

HOSTILE = "</script><script>alert(1)</script>"
HIDDEN_C = "lib-c:c1"


# --- a catalogue of its own: hostile data, work keys kept by the store, binary MARC ---------


def _marc(title: str) -> bytes:
    marc = MarcRecord(force_utf8=True)
    marc.add_field(Field(tag="001", data="evil-1"))
    marc.add_field(
        Field(tag="245", indicators=Indicators("1", "0"), subfields=[Subfield("a", title)])
    )
    return marc.as_marc()


@pytest.fixture
def own_app(tmp_path: Path) -> Iterator[Flask]:
    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    when = datetime(2024, 5, 1, 8, 0)
    records = {
        "evil": [
            Record(
                "evil",
                "1",
                title=HOSTILE,
                subtitle="<img src=x onerror=alert(2)>",
                authors=['Nguyễn "Quote" Du'],
                year=2020,
                languages=["vie"],
                description="</script><!--",
                rights_statement="javascript:alert(3)",
                holdings=[Holding("Thư viện <b>Độc</b>", status="on_loan", status_read_at=when)],
                digital_objects=[
                    DigitalObject(
                        "audio", "https://x/1.mp3", label="Chương 1", bytes=1_500_000, duration=75
                    )
                ],
            )
        ],
        "lib-a": [Record("lib-a", "a1", title="Cùng một sách", isbns=["9780300040517"])],
        "lib-b": [Record("lib-b", "b1", title="Cùng một sách", isbns=["9780300040517"])],
        # Same work, hidden by the rules: never listed among the work's other records.
        "lib-c": [Record("lib-c", "c1", title="Cùng một sách", isbns=["9780300040517"])],
    }
    for key, recs in records.items():
        store.put_source(Source(key=key, name=f"Nguồn {key}", type="marc", url="/dev/null"))
        run = store.start_run(key, "full")
        items = [HarvestedItem(r.local_id, _marc(r.title), "marc21", r) for r in recs]
        store.save_items(run, key, items)
        store.finish_run(run, "succeeded")
    save_rule(
        store,
        LicenceRule(
            name="lib-c is restricted",
            conditions=Conditions(sources=("lib-c",)),
            outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
        ),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)  # keeps each record's work key in the store too
    yield create_app(settings, store=store, index=index)
    store.close()


def test_hostile_title_cannot_break_out_of_json_ld(own_app):
    response = own_app.test_client().get("/record/evil:1")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "<script>alert(1)" not in text
    assert "<img src=x" not in text
    assert text.count("</script>") == text.count("<script")  # no script closed early
    data = json_ld(text)
    assert data["name"] == HOSTILE
    assert data["alternativeHeadline"] == "<img src=x onerror=alert(2)>"
    assert data["description"] == "</script><!--"
    doc = lxml.html.fromstring(text)
    assert sel(doc, "h1")[0].text_content().startswith(HOSTILE)


def test_hostile_values_are_escaped_on_the_page(own_app):
    client = own_app.test_client()
    doc = page(client, "/record/evil:1")
    assert table_rows(doc, "table.holdings")[0][0] == "Thư viện <b>Độc</b>"
    rights = sel(doc, ".record-description__item--rights dd")[0]
    assert rights.text_content() == "javascript:alert(3)" and not sel(rights, "a")
    author = sel(doc, ".record-description__item--authors a")[0]
    assert parse_qs(urlsplit(author.get("href")).query)["q"] == ['author:"Nguyễn Quote Du"']
    ris = client.get("/record/evil:1/cite.ris").get_data(as_text=True)
    assert f"TI  - {HOSTILE}: <img src=x onerror=alert(2)>" in ris
    assert client.get("/record/evil:1/cite.ris").mimetype != "text/html"


def test_file_sizes_and_durations_are_localised(own_app):
    client = own_app.test_client()
    row = table_rows(page(client, "/record/evil:1"), "table.digital-files")[0]
    assert row == ["Chương 1", "Âm thanh", "1,5 MB", "1:15"]
    client.get("/?lang=en")
    row = table_rows(page(client, "/record/evil:1"), "table.digital-files")[0]
    assert row == ["Chương 1", "Audio", "1.5 MB", "1:15"]


def test_other_records_come_from_the_stores_work_keys_without_hidden_ones(own_app, monkeypatch):
    store = own_app.extensions["thuvien"].store
    keys = store.work_keys()
    assert keys["lib-a:a1"] == keys["lib-b:b1"] == keys[HIDDEN_C]  # one work, kept by sync

    def index_down(query):
        raise RuntimeError("index down")

    # The list needs no search index: the store has the keys, the policy the visibility.
    monkeypatch.setattr(own_app.extensions["thuvien"].index, "search", index_down)
    doc = page(own_app.test_client(), "/record/lib-a:a1")
    assert sel(doc, "h1")[0].text_content() == "Cùng một sách"
    assert [a.get("href") for a in sel(doc, "table.other-records a")] == ["/record/lib-b:b1"]
    assert table_rows(doc, "table.other-records")[0][1] == "Nguồn lib-b"  # no holdings: source


def test_binary_marc_is_shown_readably_to_librarians(own_app):
    client = own_app.test_client()
    log_in(own_app, client, "librarian")
    text = client.get("/record/evil:1/raw").get_data(as_text=True)
    assert HOSTILE not in text
    assert "\x1e" not in text and "␞" in text  # separators made visible, not raw controls
    doc = lxml.html.fromstring(text)
    rows = table_rows(doc, "table.marc-fields")  # VuFind's staff view: tag, ind., subfields
    assert rows[0][0] == "LDR"
    assert ["001", "", "", "evil-1"] in rows
    assert ["245", "1", "0", f"$a {HOSTILE}"] in rows
    download = client.get("/record/evil:1/raw/download")
    assert download.mimetype == "application/marc"
    assert download.get_data() == _marc(HOSTILE)
    assert download.headers["Content-Disposition"] == 'attachment; filename="evil_1.mrc"'
