"""WCAG 3.1.2 (Language of Parts) on the record page: catalogue text is marked with its
language when that is not the page's, in both UI languages.

Text transcribed from the item (publisher, place, edition, series, contents), the
summary, subjects and genres are in the record's (first) language unless they read as
Vietnamese; names, numbers and identifiers are marked only when they read as Vietnamese;
a record of unknown language marks only Vietnamese text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalogue import DigitalObject, Holding, Record
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from indexer import TantivyIndex
from indexer.sync import sync_index
from portal.app import create_app
from tests.support.record_pages import page, sel

ISBN = "9782213601502"

FRENCH = Record(
    "lib-f",
    "1",
    title="Histoire de Hanoï",
    languages=["fre", "vie"],  # several: the first is the record's language
    authors=["Papin, Philippe"],
    publisher="Fayard",
    place="Paris",
    edition="2e édition",
    series=["Collection Histoire"],
    subjects=["Histoire — France", "Hà Nội -- Lịch sử"],
    genres=["Essai"],
    description="Une histoire de la ville.",
    contents=["Les origines", "1873"],
    year=2001,
    isbns=[ISBN],
    call_numbers=["959.731 PAP"],
    holdings=[Holding("Thư viện Pháp ngữ", "Kho ngoại văn", "959.731 PAP", "available")],
)
# The same work in another library: listed under "Other records of this work".
FRENCH_ELSEWHERE = Record(
    "lib-g",
    "1",
    title="Histoire de Hanoï",
    languages=["fre"],
    authors=["Papin, Philippe"],
    year=2001,
    isbns=[ISBN],
    holdings=[Holding("Thư viện Quốc gia", "Phòng đọc", "959.731 P", "on_loan")],
)
VIETNAMESE = Record(
    "lib-v",
    "1",
    title="Lịch sử Hà Nội",
    languages=["vie"],
    authors=["Nguyễn, Văn An"],
    publisher="Nxb. Hà Nội",
    place="Hà Nội",
    edition="Tái bản lần thứ 2",
    series=["Thang Long"],  # written without its diacritics: still the record's language
    subjects=["Hà Nội -- Lịch sử"],
    description="Lịch sử nghìn năm của thủ đô.",
    contents=["Chương 1. Thời kỳ cổ đại", "1010-2010"],
    year=2010,
)
ENGLISH = Record(
    "lib-e",
    "1",
    title="A History of Hanoi",
    languages=["eng"],
    authors=["Logan, William"],
    publisher="Cambridge University Press",
    place="Cambridge",
    edition="2nd edition",
    series=["Asian history"],
    subjects=["Hanoi (Vietnam) -- History", "Hà Nội -- Lịch sử"],
    description="A history of the city.",
    contents=["Part one"],
    year=2000,
)
UNKNOWN = Record(  # no language catalogued: only Vietnamese letters decide
    "lib-u",
    "1",
    title="Truyện cổ tích",
    publisher="Kim Đồng",
    subjects=["Fairy tales"],
)
AUDIOBOOK = Record(
    "lib-f",
    "audio",
    title="Le Petit Prince",
    languages=["fre"],
    format="audiobook",
    digital_objects=[DigitalObject("audio", "https://example.org/1.mp3", label="Chapitre 1")],
)

RECORDS = (FRENCH, FRENCH_ELSEWHERE, VIETNAMESE, ENGLISH, UNKNOWN, AUDIOBOOK)


@pytest.fixture(scope="module")
def lang_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    settings = Settings(data_dir=Path(tmp_path_factory.mktemp("record-lang")))
    store = Store(settings.db_url)
    for key in sorted({r.source_key for r in RECORDS}):
        store.put_source(Source(key=key, name=f"Thư viện {key}", type="marc", url="/dev/null"))
        run = store.start_run(key, "full")
        ours = [r for r in RECORDS if r.source_key == key]
        store.save_items(run, key, [HarvestedItem(r.local_id, b"", "marc21", r) for r in ours])
        store.finish_run(run, "succeeded")
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)  # keeps the work keys: the two French records are one work
    yield create_app(settings, store=store, index=index)
    store.close()


def record_page(app: Flask, record: Record, ui: str) -> lxml.html.HtmlElement:
    client: FlaskClient = app.test_client()
    client.get(f"/?lang={ui}")
    doc = page(client, f"/record/{record.id}")
    assert doc.get("lang") == ui
    return doc


def marks(doc: lxml.html.HtmlElement, name: str) -> list[tuple[str, str | None]]:
    """A description field's values with their lang attribute (None when unmarked)."""
    return [
        (dd.text_content().strip(), dd.get("lang"))
        for dd in sel(doc, f".record-description__item--{name} dd")
    ]


def title_lang(doc: lxml.html.HtmlElement) -> str | None:
    return sel(doc, "h1")[0].get("lang")


# --- a French record ---------------------------------------------------------------------


@pytest.mark.parametrize("ui", ["vi", "en"])
def test_a_french_records_french_text_is_marked_french_on_either_page(lang_app, ui):
    doc = record_page(lang_app, FRENCH, ui)
    assert title_lang(doc) == "fr"
    assert marks(doc, "publisher") == [("Fayard", "fr")]
    assert marks(doc, "place") == [("Paris", "fr")]
    assert marks(doc, "edition") == [("2e édition", "fr")]
    assert marks(doc, "series") == [("Collection Histoire", "fr")]
    assert marks(doc, "genres") == [("Essai", "fr")]
    assert marks(doc, "description") == [("Une histoire de la ville.", "fr")]
    # The lang is on the subject's <dd>, so the subject link inside it carries it too.
    subject = sel(doc, ".record-description__item--subjects dd")[0]
    assert subject.get("lang") == "fr" and sel(subject, "a")[0].text == "Histoire — France"


@pytest.mark.parametrize(("ui", "vietnamese"), [("vi", None), ("en", "vi")])
def test_vietnamese_text_in_a_french_record_is_vietnamese(lang_app, ui, vietnamese):
    doc = record_page(lang_app, FRENCH, ui)
    assert marks(doc, "subjects") == [
        ("Histoire — France", "fr"),
        ("Hà Nội -- Lịch sử", vietnamese),
    ]
    location = sel(doc, "table.holdings tbody tr")[0].xpath("./td")[0]
    assert (location.text_content(), location.get("lang")) == ("Kho ngoại văn", vietnamese)


@pytest.mark.parametrize("ui", ["vi", "en"])
def test_names_numbers_and_identifiers_are_not_marked_with_the_records_language(lang_app, ui):
    doc = record_page(lang_app, FRENCH, ui)
    assert marks(doc, "authors") == [("Philippe Papin", None)]
    assert marks(doc, "contents") == [("Les origines", "fr"), ("1873", None)]
    assert marks(doc, "year") == [("2001", None)]
    assert marks(doc, "isbns") == [(ISBN, None)]
    assert marks(doc, "call_numbers") == [("959.731 PAP", None)]
    call_number = sel(doc, "table.holdings tbody tr")[0].xpath("./td")[1]
    assert call_number.get("lang") is None
    # UI words (the format, the language names) are the page's own language.
    assert all(lang is None for _, lang in marks(doc, "format") + marks(doc, "languages"))


@pytest.mark.parametrize("ui", ["vi", "en"])
def test_the_works_other_records_and_their_copies_carry_their_titles_language(lang_app, ui):
    doc = record_page(lang_app, FRENCH, ui)
    links = sel(doc, "table.other-records tbody th a")
    assert [a.get("href") for a in links] == [f"/record/{FRENCH_ELSEWHERE.id}"]
    title = links[0].xpath("./span")[0]
    assert (title.text_content(), title.get("lang")) == ("Histoire de Hanoï", "fr")
    titles = [
        span.get("lang") for span in doc.xpath("//table[contains(@class, 'holdings')]//td/a/span")
    ]
    assert titles == ["fr"]  # the other record's copy links to its French title


@pytest.mark.parametrize("ui", ["vi", "en"])
def test_an_audiobooks_listen_button_names_it_in_its_language(lang_app, ui):
    doc = record_page(lang_app, AUDIOBOOK, ui)
    spans = doc.xpath("//p[@class='record__listen']/a/span")
    assert [(s.text_content(), s.get("lang")) for s in spans] == [("Le Petit Prince", "fr")]


# --- a Vietnamese record ---------------------------------------------------------------


def test_a_vietnamese_record_is_not_marked_at_all_in_the_vietnamese_ui(lang_app):
    doc = record_page(lang_app, VIETNAMESE, "vi")
    marked = doc.xpath("//main//*[@lang]")
    assert marked == [], [lxml.html.tostring(e)[:80] for e in marked]


def test_a_vietnamese_records_text_is_marked_vi_in_the_english_ui(lang_app):
    doc = record_page(lang_app, VIETNAMESE, "en")
    assert title_lang(doc) == "vi"
    for name, values in {
        "authors": ["Nguyễn Văn An"],
        "publisher": ["Nxb. Hà Nội"],
        "place": ["Hà Nội"],
        "edition": ["Tái bản lần thứ 2"],
        "series": ["Thang Long"],  # no diacritics, but in the record's language
        "subjects": ["Hà Nội -- Lịch sử"],
        "description": ["Lịch sử nghìn năm của thủ đô."],
        "source": ["Thư viện lib-v"],
    }.items():
        assert marks(doc, name) == [(v, "vi") for v in values], name
    assert marks(doc, "contents") == [("Chương 1. Thời kỳ cổ đại", "vi"), ("1010-2010", None)]
    assert marks(doc, "year") == [("2010", None)]


# --- an English record ---------------------------------------------------------------


def test_an_english_records_text_is_marked_english_in_the_vietnamese_ui(lang_app):
    doc = record_page(lang_app, ENGLISH, "vi")
    assert title_lang(doc) == "en"
    for name, value in {
        "publisher": "Cambridge University Press",
        "place": "Cambridge",
        "edition": "2nd edition",
        "series": "Asian history",
        "description": "A history of the city.",
        "contents": "Part one",
    }.items():
        assert marks(doc, name) == [(value, "en")], name
    assert marks(doc, "subjects") == [
        ("Hanoi (Vietnam) -- History", "en"),
        ("Hà Nội -- Lịch sử", None),
    ]
    assert marks(doc, "authors") == [("William Logan", None)]


def test_an_english_record_marks_only_its_vietnamese_text_in_the_english_ui(lang_app):
    doc = record_page(lang_app, ENGLISH, "en")
    marked = [(e.text_content().strip(), e.get("lang")) for e in doc.xpath("//main//*[@lang]")]
    assert marked == [("Hà Nội -- Lịch sử", "vi"), ("Thư viện lib-e", "vi")]


# --- a record of unknown language ----------------------------------------------------------


@pytest.mark.parametrize(("ui", "vietnamese"), [("vi", None), ("en", "vi")])
def test_a_record_of_unknown_language_marks_only_vietnamese_text(lang_app, ui, vietnamese):
    doc = record_page(lang_app, UNKNOWN, ui)
    assert title_lang(doc) == vietnamese
    assert marks(doc, "publisher") == [("Kim Đồng", vietnamese)]
    assert marks(doc, "subjects") == [("Fairy tales", None)]
