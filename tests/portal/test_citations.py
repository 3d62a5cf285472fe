"""Citation exports and JSON-LD as pure functions: RIS, BibTeX, CSL-JSON, schema.org."""

from __future__ import annotations

import json
import re

import pytest

from catalogue import Record
from portal import citation_parts, citations
from portal.citation_exports import (
    bibtex_escape,
    bibtex_key,
    csl_name,
    to_bibtex,
    to_csl_item,
    to_csl_json,
    to_ris,
)
from portal.citation_styles import format_citation
from portal.citations import json_for_script, to_json_ld
from tests.support.citation_records import bare, english, kieu, map_1873

URL = "https://thuvien.example/record/hanoi-library:hn-001"


def ris_tags(text: str) -> list[tuple[str, str]]:
    return [(line[:2], line[6:]) for line in text.split("\r\n") if line]


# --- RIS --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "ty"),
    [
        ("book", "BOOK"),
        ("periodical", "JOUR"),
        ("article", "JOUR"),
        ("thesis", "THES"),
        ("map", "MAP"),
        ("manuscript", "MANSCPT"),
        ("image", "ART"),
        ("audiobook", "SOUND"),
        ("music", "SOUND"),
        ("video", "VIDEO"),
        ("archival", "GEN"),
        ("something-new", "GEN"),
    ],
)
def test_ris_type_follows_the_format(fmt, ty):
    tags = ris_tags(to_ris(kieu(format=fmt)))
    assert tags[0] == ("TY", ty)
    assert tags[-1] == ("ER", "")


def test_ris_fields_and_line_format():
    text = to_ris(kieu(authors=["Nguyễn Du", "Hugo, Victor, 1802-1885"]), URL)
    lines = text.split("\r\n")
    assert text.endswith("ER  - \r\n")
    assert all(re.fullmatch(r"[A-Z][A-Z0-9]  - .*", line) for line in lines if line)
    tags = ris_tags(text)
    assert ("TI", "Truyện Kiều") in tags  # ISBD " /" dropped
    assert [v for t, v in tags if t == "AU"] == ["Nguyễn Du", "Hugo, Victor"]
    assert ("A2", "Đào, Duy Anh") in tags
    assert ("PY", "2015") in tags
    assert ("PB", "Nhà xuất bản Văn học") in tags
    assert ("CY", "Hà Nội") in tags
    assert ("SN", "9786041234567") in tags
    assert ("ET", "Tái bản lần thứ 3") in tags
    assert ("UR", URL) in tags
    assert ("KW", "Văn học Việt Nam -- Thơ") in tags


def test_ris_keeps_values_on_one_line():
    text = to_ris(kieu(description="Dòng một\nDòng hai\r\nDòng ba"))
    assert ("AB", "Dòng một Dòng hai Dòng ba") in ris_tags(text)


def test_ris_without_authors_or_year():
    tags = ris_tags(to_ris(bare()))
    assert [t for t, _ in tags] == ["TY", "TI", "ID", "ER"]


# --- BibTeX ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "entry"),
    [
        ("book", "book"),
        ("article", "article"),
        ("thesis", "phdthesis"),
        ("manuscript", "unpublished"),
        ("map", "misc"),
        ("audiobook", "misc"),
        ("periodical", "misc"),
    ],
)
def test_bibtex_entry_type_follows_the_format(fmt, entry):
    assert to_bibtex(kieu(format=fmt)).startswith(f"@{entry}{{")


def test_bibtex_thesis_names_the_school():
    text = to_bibtex(kieu(format="thesis", publisher="Đại học Quốc gia Hà Nội"))
    assert "school = {Đại học Quốc gia Hà Nội}" in text
    assert "type = {Thesis}" in text
    assert "publisher =" not in text


def test_bibtex_escapes_specials_and_keeps_braces_balanced():
    title = r"50% & $5 #1 a_b {x} ~y^ c\d"
    text = to_bibtex(kieu(title=title))
    line = next(li for li in text.splitlines() if li.strip().startswith("title"))
    assert r"50\% \& \$5 \#1 a\_b" in line
    assert r"\textbraceleft{}x\textbraceright{}" in line
    assert r"\textasciitilde{}y\textasciicircum{}" in line
    assert r"c\textbackslash{}d" in line
    for field_line in text.splitlines()[1:-1]:
        assert field_line.count("{") == field_line.count("}"), field_line
    assert text.count("{") == text.count("}")


def test_bibtex_escape_alone():
    assert bibtex_escape("A & B") == r"A \& B"
    assert bibtex_escape("Hà Nội") == "Hà Nội"


def test_bibtex_keeps_vietnamese_utf8_and_protects_names():
    text = to_bibtex(kieu(authors=["Nguyễn Du", "Phan, Huy Lê", "Hội Nhà văn Việt Nam"]))
    assert "title = {{Truyện Kiều}}" in text
    # A family-first name without a comma is one unit: BibTeX must not split it.
    assert "author = {{Nguyễn Du} and Phan, Huy Lê and {Hội Nhà văn Việt Nam}}" in text
    assert "address = {Hà Nội}" in text
    text.encode("utf-8")


def test_bibtex_braces_a_name_part_holding_and():
    text = to_bibtex(kieu(authors=["Smith and Sons, John"]))
    assert "author = {{Smith and Sons}, John}" in text


def test_bibtex_key_is_ascii():
    assert bibtex_key(kieu()) == "nguyen2015truyen"
    assert bibtex_key(kieu(authors=["Đỗ, Chu"], title="Đất nước")) == "do2015dat"
    tale = kieu(authors=[], title="The Tale of Kieu", languages=["eng"])
    assert bibtex_key(tale) == "2015tale"
    assert re.fullmatch(r"[a-z0-9]+", bibtex_key(Record("x", "ạ-1", title="!!!")))


def test_bibtex_without_authors_or_year():
    text = to_bibtex(bare())
    assert text.startswith("@book{")
    assert "author" not in text and "year" not in text
    assert "title = {{Ca dao}}" in text


# --- CSL-JSON ----------------------------------------------------------------------------


def test_csl_names_vietnamese_literal_unless_comma():
    assert csl_name("Nguyễn Du") == {"literal": "Nguyễn Du"}
    assert csl_name("Nguyễn Du, 1766-1820") == {"literal": "Nguyễn Du"}
    assert csl_name("Nguyễn, Du") == {"family": "Nguyễn", "given": "Du"}
    assert csl_name("Hugo, Victor, 1802-1885") == {"family": "Hugo", "given": "Victor"}
    assert csl_name("Hội Nhà văn Việt Nam") == {"literal": "Hội Nhà văn Việt Nam"}


def test_csl_json_item():
    items = json.loads(to_csl_json(kieu(), URL))
    assert isinstance(items, list) and len(items) == 1
    item = items[0]
    assert item["id"] == "hanoi-library:hn-001"
    assert item["type"] == "book"
    assert item["title"] == "Truyện Kiều"
    assert item["author"] == [{"literal": "Nguyễn Du"}]
    assert item["issued"] == {"date-parts": [[2015]]}
    assert item["publisher"] == "Nhà xuất bản Văn học"
    assert item["publisher-place"] == "Hà Nội"
    assert item["ISBN"] == "9786041234567"
    assert item["language"] == "vi"
    assert item["URL"] == URL


def test_csl_json_is_utf8_not_escaped():
    assert "Truyện Kiều" in to_csl_json(kieu())


@pytest.mark.parametrize(
    ("fmt", "csl"),
    [
        ("book", "book"),
        ("thesis", "thesis"),
        ("map", "map"),
        ("periodical", "periodical"),
        ("audiobook", "song"),
        ("video", "motion_picture"),
        ("manuscript", "manuscript"),
    ],
)
def test_csl_type_follows_the_format(fmt, csl):
    assert to_csl_item(kieu(format=fmt))["type"] == csl


def test_csl_without_authors_or_year():
    item = to_csl_item(bare())
    assert "author" not in item and "issued" not in item
    assert item["title"] == "Ca dao"


# --- formatted citation --------------------------------------------------------------------


def test_formatted_citation_reads_vietnamese_names_in_order():
    text = str(format_citation(kieu(authors=["Nguyễn, Du"])))
    assert text == (
        "Nguyễn Du (2015). <i>Truyện Kiều</i> (Tái bản lần thứ 3). Hà Nội: Nhà xuất bản Văn học."
    )


def test_formatted_citation_escapes_html():
    text = str(format_citation(kieu(title="<b>Bold</b> & co", authors=["<x>"])))
    assert "<b>" not in text and "&lt;b&gt;" in text and "&amp; co" in text


def test_formatted_citation_without_authors_or_year():
    assert str(format_citation(bare())) == "<i>Ca dao</i>."


# --- JSON-LD -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "schema"),
    [
        ("book", "Book"),
        ("periodical", "Periodical"),
        ("map", "Map"),
        ("audiobook", "Audiobook"),
        ("thesis", "Thesis"),
        ("archival", "CreativeWork"),
        ("unknown", "CreativeWork"),
    ],
)
def test_json_ld_type_follows_the_format(fmt, schema):
    assert to_json_ld(kieu(format=fmt))["@type"] == schema


def test_json_ld_fields():
    data = to_json_ld(kieu(rights_statement="https://creativecommons.org/licenses/by/4.0/"), URL)
    assert data["@context"] == "https://schema.org"
    assert data["url"] == data["@id"] == URL
    assert data["name"] == "Truyện Kiều"
    assert data["author"] == [{"@type": "Person", "name": "Nguyễn Du"}]
    assert data["datePublished"] == "2015"
    assert data["inLanguage"] == "vi"
    assert data["isbn"] == "9786041234567"
    assert data["publisher"]["name"] == "Nhà xuất bản Văn học"
    assert data["about"] == [{"@type": "Thing", "name": "Văn học Việt Nam -- Thơ"}]
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"


def test_json_ld_without_authors_or_year():
    data = to_json_ld(bare())
    assert "author" not in data and "datePublished" not in data


def test_json_for_script_cannot_break_out():
    hostile = "</script><script>alert(1)</script> & <!-- \u2028"
    text = str(json_for_script({"name": hostile}))
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"name": hostile}
    assert "Hà Nội" in str(json_for_script("Hà Nội"))  # UTF-8 kept, not \u-escaped


def test_full_title_and_reading_name():
    assert citation_parts.full_title(kieu(title="Truyện Kiều :", subtitle="bản Nôm /")) == (
        "Truyện Kiều: bản Nôm"
    )
    assert citation_parts.reading_name("Nguyễn, Du") == "Nguyễn Du"
    assert citation_parts.reading_name("Hugo, Victor, 1802-1885") == "Hugo, Victor"
    assert citation_parts.reading_name("Nguyễn Du, 1766-1820") == "Nguyễn Du"
    assert citation_parts.reading_name("Tô, Hoài") == "Tô Hoài"  # past the family-name list
    assert citation_parts.reading_name("Nam, Cao") == "Nam Cao"  # an inverted pen name


# --- Zotero / Mendeley capture: Highwire Press tags and COinS --------------------------------


def test_highwire_tags_one_author_each_family_first_names_split_right():
    meta = citations.highwire_meta(english(isbns=["9780300040517"]))
    assert meta == [
        ("citation_title", "The Tale of Kieu: a bilingual edition"),
        ("citation_author", "Nguyễn, Du"),
        ("citation_author", "Huỳnh, Sanh Thông"),
        ("citation_publication_date", "1983"),
        ("citation_isbn", "9780300040517"),
        ("citation_publisher", "Yale University Press"),
        ("citation_language", "en"),
    ]
    assert citations.highwire_meta(bare()) == [("citation_title", "Ca dao")]


def test_coins_is_a_percent_encoded_openurl_context_object():
    from urllib.parse import parse_qs

    value = citations.coins(kieu(), URL)
    assert " " not in value and "Truyện" not in value  # UTF-8, percent-encoded
    fields = parse_qs(value)
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:book"]
    assert fields["rft.btitle"] == ["Truyện Kiều"]
    assert (fields["rft.aulast"], fields["rft.aufirst"]) == (["Nguyễn"], ["Du"])
    assert fields["rft.date"] == ["2015"] and fields["rft.isbn"] == ["9786041234567"]
    assert fields["rft_id"] == [URL]
    dc = parse_qs(citations.coins(map_1873()))
    assert dc["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:dc"] and dc["rft.type"] == ["map"]
    journal = parse_qs(citations.coins(kieu(format="periodical", issns=["0866-7373"])))
    assert journal["rft.jtitle"] == ["Truyện Kiều"] and journal["rft.issn"] == ["0866-7373"]


def test_the_record_page_carries_tags_coins_and_three_styles(client):
    import lxml.html

    response = client.get("/record/hanoi-library:hn-001")
    doc = lxml.html.fromstring(response.get_data(as_text=True))
    meta = [(m.get("name"), m.get("content")) for m in doc.xpath("//head/meta[@name]")]
    assert ("citation_title", "Truyện Kiều") in meta
    assert ("citation_author", "Nguyễn, Du") in meta
    assert ("citation_isbn", "9786041234567") in meta
    [span] = doc.xpath("//span[@class='Z3988']")
    assert span.get("aria-hidden") == "true" and not span.text_content()
    assert span.get("title").startswith("ctx_ver=Z39.88-2004&rft_val_fmt=")
    styles = doc.xpath("//dl[@class='citation-styles']//dt/text()")
    assert styles == ["APA 7", "Chicago (author-date)", "MLA 9"]
    apa = doc.xpath("//dl[@class='citation-styles']//dd")[0]
    assert apa.text_content() == "Nguyễn Du. (2015). Truyện Kiều. Nhà xuất bản Văn học."
