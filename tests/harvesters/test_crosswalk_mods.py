"""MODS 3.x → Record on real-looking records (a Vietnamese library's MODS export, an
English thesis, an audiobook, a map, a serial), plus the bad inputs."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime

import pytest

from harvesters.crosswalk import (
    CrosswalkError,
    mods_filing_title,
    mods_rights_note,
    mods_to_record,
)
from harvesters.crosswalk.mods import MODS_RULES
from harvesters.crosswalk.mods_paths import parse_path
from harvesters.xml import XmlError, parse_xml

HEAD = (
    '<mods xmlns="http://www.loc.gov/mods/v3" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'version="3.7">'
)


def mods(body: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>{HEAD}{body}</mods>'.encode()


def crosswalk(xml: bytes, local_id: str = "1"):
    return mods_to_record(parse_xml(xml), source_key="hn", local_id=local_id)


KIEU = mods(
    """
  <titleInfo><title>Truyện Kiều</title><subTitle>Đoạn trường tân thanh :</subTitle>
    <partNumber>Tập 1</partNumber><partName>Phần đầu</partName></titleInfo>
  <titleInfo type="alternative"><title>Kim Vân Kiều</title></titleInfo>
  <name type="personal" usage="primary">
    <namePart type="family">Nguyễn</namePart><namePart type="given">Du</namePart>
    <namePart type="date">1765-1820</namePart>
    <role><roleTerm type="text" authority="marcrelator">author</roleTerm></role></name>
  <name type="personal"><namePart>Đào Duy Anh</namePart>
    <role><roleTerm type="code" authority="marcrelator">edt</roleTerm></role></name>
  <name type="corporate"><namePart>Viện Văn học</namePart><namePart>Ban Văn học cổ</namePart>
    <role><roleTerm type="text">Hiệu đính</roleTerm></role></name>
  <typeOfResource>text</typeOfResource>
  <genre authority="marcgt">Truyện thơ</genre>
  <originInfo eventType="publication">
    <place><placeTerm type="code" authority="marccountry">vm</placeTerm></place>
    <place><placeTerm type="text">[Hà Nội] :</placeTerm></place>
    <publisher>Nhà xuất bản Văn học,</publisher>
    <dateIssued encoding="marc">2015</dateIssued>
    <dateIssued encoding="w3cdtf" keyDate="yes">2015-03-02</dateIssued>
    <edition>Tái bản lần thứ 3.</edition>
    <issuance>monographic</issuance>
  </originInfo>
  <language><languageTerm type="code" authority="iso639-2b">vie</languageTerm></language>
  <language><languageTerm type="code" authority="rfc5646">zh</languageTerm></language>
  <physicalDescription><form authority="marcform">print</form>
    <extent>350 tr. ; 21 cm</extent></physicalDescription>
  <abstract>Kiệt tác của Nguyễn Du.</abstract>
  <abstract>Bản có chú giải.</abstract>
  <tableOfContents>Lời giới thiệu -- Phần một -- Phần hai (1945--1954)</tableOfContents>
  <subject authority="lcsh"><topic>Thơ Việt Nam</topic><temporal>Thế kỷ 19</temporal>
    <geographic>Việt Nam</geographic></subject>
  <subject><name type="personal"><namePart>Nguyễn Du, 1765-1820</namePart></name></subject>
  <subject><titleInfo><title>Truyện Kiều</title></titleInfo><topic>Phê bình</topic></subject>
  <subject><hierarchicalGeographic><country>Việt Nam</country><city>Hà Nội</city>
    </hierarchicalGeographic></subject>
  <classification authority="ddc">895.9221/32</classification>
  <classification authority="lcc">PL4378.9.N5</classification>
  <relatedItem type="series"><titleInfo><title>Tủ sách Văn học cổ điển</title>
    <partNumber>12</partNumber></titleInfo>
    <identifier type="issn">0866-7500</identifier></relatedItem>
  <relatedItem type="host"><titleInfo><title>Sưu tập Hán Nôm</title></titleInfo></relatedItem>
  <identifier type="isbn">978-604-969-000-6 (bìa mềm)</identifier>
  <identifier type="isbn">0-306-40615-2</identifier>
  <identifier type="isbn">1234567890</identifier>
  <identifier type="isbn" invalid="yes">9786049690006</identifier>
  <identifier type="issn">0317-8471</identifier>
  <identifier type="lccn">  2001012345</identifier>
  <identifier type="oclc">(OCoLC)ocm12345678</identifier>
  <identifier type="uri">http://hdl.handle.net/123/456</identifier>
  <identifier type="uri">https://thuvien.example/files/kieu.pdf</identifier>
  <location><physicalLocation>Kho mở</physicalLocation>
    <shelfLocator>895.9221 NG-D</shelfLocator></location>
  <location><holdingSimple><copyInformation><subLocation>Phòng đọc tầng 2</subLocation>
    <shelfLocator>VV 1234</shelfLocator><itemIdentifier>HN000123</itemIdentifier>
    </copyInformation></holdingSimple></location>
  <location><url access="object in context" usage="primary display">https://thuvien.example/record/1</url>
    <url access="raw object" displayLabel="Bản quét">https://thuvien.example/iiif/kieu</url>
    <url access="preview">https://thuvien.example/thumb/kieu.jpg</url>
    <url>https://thuvien.example/scans/kieu/p001.jpg</url></location>
  <accessCondition type="use and reproduction"
    xlink:href="https://rightsstatements.org/page/InC/1.0/?language=vi"
    >Có bản quyền.</accessCondition>
  <recordInfo><recordIdentifier>HN-1</recordIdentifier></recordInfo>
"""
)


def test_a_full_vietnamese_record_maps_every_element():
    record = crosswalk(KIEU)
    assert record.title == "Truyện Kiều. Tập 1, Phần đầu"
    assert record.subtitle == "Đoạn trường tân thanh"
    assert record.authors == ["Nguyễn Du"]  # Vietnamese order, dates dropped
    assert record.contributors == ["Đào Duy Anh", "Viện Văn học. Ban Văn học cổ"]
    assert record.format == "book" and record.genres == ["Truyện thơ"]
    assert (record.place, record.publisher) == ("Hà Nội", "Nhà xuất bản Văn học")
    assert record.year == 2015 and record.edition == "Tái bản lần thứ 3"
    assert record.languages == ["vie", "chi"]
    assert record.description == "Kiệt tác của Nguyễn Du.\n\nBản có chú giải."
    assert record.contents == ["Lời giới thiệu", "Phần một", "Phần hai (1945--1954)"]
    assert record.subjects == [
        "Thơ Việt Nam -- Thế kỷ 19 -- Việt Nam",
        "Nguyễn Du",
        "Truyện Kiều -- Phê bình",
        "Việt Nam -- Hà Nội",
    ]
    assert record.call_numbers == ["895.922132", "PL4378.9.N5", "895.9221 NG-D", "VV 1234"]
    assert record.series == ["Tủ sách Văn học cổ điển. 12"]
    assert record.collections == ["Sưu tập Hán Nôm"]
    assert record.isbns == ["9786049690006", "9780306406157"]
    assert record.invalid_isbns == ["1234567890", "9786049690006"]
    assert record.issns == ["0317-8471"]  # the series' ISSN is the series', not the book's
    assert (record.lccn, record.oclc) == ("2001012345", "12345678")
    assert record.rights_statement == "http://rightsstatements.org/vocab/InC/1.0/"
    assert [(h.library, h.location, h.call_number, h.barcode) for h in record.holdings] == [
        ("hn", "Kho mở", "895.9221 NG-D", ""),
        ("hn", "Phòng đọc tầng 2", "VV 1234", "HN000123"),
    ]
    objects = [(o.kind, o.location, o.label, o.order) for o in record.digital_objects]
    assert objects == [
        ("text", "https://thuvien.example/iiif/kieu", "Bản quét", 0),
        ("image", "https://thuvien.example/scans/kieu/p001.jpg", "", 1),
        ("pdf", "https://thuvien.example/files/kieu.pdf", "", 2),
    ]
    assert record.raw_format == "mods" and record.id == "hn:1"
    assert mods_rights_note(parse_xml(KIEU)) == "Có bản quyền."


def test_non_sort_is_honoured_and_left_out_of_the_filing_title():
    xml = mods(
        "<titleInfo><nonSort>The </nonSort><title>history of Hanoi</title></titleInfo>"
        "<language><languageTerm type='text'>English</languageTerm></language>"
    )
    assert crosswalk(xml).title == "The history of Hanoi"
    assert mods_filing_title(parse_xml(xml)) == "history of Hanoi"
    elided = mods("<titleInfo><nonSort>L'</nonSort><title>Annam d'autrefois</title></titleInfo>")
    assert crosswalk(elided).title == "L'Annam d'autrefois"


def test_a_typed_title_is_used_only_when_there_is_no_untyped_one():
    xml = mods(
        "<titleInfo type='translated'><title>The Tale of Kieu</title></titleInfo>"
        "<titleInfo type='uniform'><title>Truyện Kiều</title></titleInfo>"
    )
    assert crosswalk(xml).title == "The Tale of Kieu"


def test_an_english_thesis_inverts_names_and_reads_genre_and_copyright_date():
    xml = mods(
        """
      <titleInfo><title>Water management in the Red River Delta</title></titleInfo>
      <name type="personal"><namePart type="family">Smith</namePart>
        <namePart type="given">Jane</namePart><namePart type="termsOfAddress">Dr.</namePart>
        <role><roleTerm type="code" authority="marcrelator">aut</roleTerm></role></name>
      <name type="personal"><displayForm>Trần Văn Bình</displayForm>
        <role><roleTerm authority="marcrelator" type="code"
          valueURI="http://id.loc.gov/vocabulary/relators/ths">ths</roleTerm></role></name>
      <typeOfResource>text</typeOfResource>
      <genre authority="local">Doctoral thesis</genre>
      <originInfo><copyrightDate encoding="marc">c2019</copyrightDate></originInfo>
      <language><languageTerm type="code" authority="iso639-2b">eng</languageTerm></language>
    """
    )
    record = crosswalk(xml)
    assert record.authors == ["Smith, Jane, Dr."]
    assert record.contributors == ["Trần Văn Bình"]
    assert record.format == "thesis" and record.year == 2019


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<typeOfResource>sound recording-nonmusical</typeOfResource>", "audiobook"),
        (
            "<typeOfResource>sound recording</typeOfResource><genre>Dân ca quan họ</genre>",
            "music",
        ),
        ("<typeOfResource>sound recording-musical</typeOfResource>", "music"),
        ("<typeOfResource>cartographic</typeOfResource>", "map"),
        ("<typeOfResource>still image</typeOfResource>", "image"),
        ("<typeOfResource>moving image</typeOfResource>", "video"),
        ("<typeOfResource>mixed material</typeOfResource>", "archival"),
        ("<typeOfResource manuscript='yes'>text</typeOfResource>", "manuscript"),
        (
            "<typeOfResource>text</typeOfResource>"
            "<originInfo><issuance>continuing</issuance></originInfo>",
            "periodical",
        ),
        ("<typeOfResource>text</typeOfResource><genre>bài báo</genre>", "article"),
        ("<genre>Bản đồ</genre>", "map"),
        (
            "<physicalDescription><internetMediaType>audio/mpeg</internetMediaType>"
            "</physicalDescription>",
            "audiobook",
        ),
        ("<typeOfResource>text</typeOfResource>", "book"),
        ("", "book"),
    ],
)
def test_format_from_type_of_resource_genre_and_issuance(body, expected):
    xml = mods(f"<titleInfo><title>Tài liệu</title></titleInfo>{body}")
    assert crosswalk(xml).format == expected


def test_dates_in_w3cdtf_marc_and_edtf_give_the_year():
    for date, year in (
        ("<dateIssued encoding='w3cdtf'>1998-05</dateIssued>", 1998),
        ("<dateIssued encoding='marc'>[1954?]</dateIssued>", 1954),
        ("<dateIssued encoding='marc'>19uu</dateIssued><dateCreated>1930</dateCreated>", 1930),
        ("<dateIssued point='start'>1945</dateIssued><dateIssued point='end'>1954</dateIssued>",
         1945),
    ):  # fmt: skip
        xml = mods(f"<titleInfo><title>T</title></titleInfo><originInfo>{date}</originInfo>")
        assert crosswalk(xml).year == year, date


def test_an_unknown_publisher_is_no_publisher():
    xml = mods(
        "<titleInfo><title>T</title></titleInfo><originInfo><place>"
        "<placeTerm type='text'>[S.l.]</placeTerm></place><publisher>[s.n.]</publisher>"
        "</originInfo>"
    )
    record = crosswalk(xml)
    assert (record.place, record.publisher) == ("", "")


def test_vietnamese_diacritics_round_trip_nfc_byte_exact():
    title = "Đại Việt sử ký toàn thư"
    decomposed = unicodedata.normalize("NFD", title)
    assert decomposed.encode() != title.encode()
    xml = mods(
        f"<titleInfo><title>{decomposed}</title></titleInfo>"
        f"<name><namePart>{unicodedata.normalize('NFD', 'Ngô Sĩ Liên')}</namePart></name>"
        f"<subject><topic>{unicodedata.normalize('NFD', 'Lịch sử – Thăng Long')}</topic></subject>"
    )
    record = crosswalk(xml, local_id=unicodedata.normalize("NFD", "hn-đại-việt"))
    assert record.title.encode("utf-8") == title.encode("utf-8")
    assert record.authors[0].encode() == "Ngô Sĩ Liên".encode()
    assert record.subjects[0].encode() == "Lịch sử – Thăng Long".encode()
    assert record.local_id == "hn-đại-việt"
    assert all(unicodedata.is_normalized("NFC", v) for v in (record.title, *record.subjects))


def test_a_record_without_a_title_is_refused_clearly():
    for body in (
        "<name><namePart>Nguyễn Du</namePart></name>",
        "<titleInfo><title> </title></titleInfo>",
        "<titleInfo><subTitle>chỉ có phụ đề</subTitle></titleInfo>",
    ):
        with pytest.raises(CrosswalkError, match="no title: mods:titleInfo/mods:title"):
            crosswalk(mods(body))


def test_not_a_mods_record_is_refused_and_a_collection_of_one_is_read():
    with pytest.raises(CrosswalkError, match="not a MODS record"):
        crosswalk(b'<dc xmlns="http://purl.org/dc/elements/1.1/"><title>T</title></dc>')
    wrapped = (
        '<modsCollection xmlns="http://www.loc.gov/mods/v3">'
        "<mods><titleInfo><title>Số đỏ</title></titleInfo></mods></modsCollection>"
    ).encode()
    assert crosswalk(wrapped).title == "Số đỏ"


def test_external_entities_are_refused_before_the_crosswalk():
    evil = (
        b'<?xml version="1.0"?><!DOCTYPE mods [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<mods xmlns="http://www.loc.gov/mods/v3"><titleInfo><title>&x;</title></titleInfo></mods>'
    )
    with pytest.raises(XmlError):
        parse_xml(evil)


def test_the_table_is_checked_at_import():
    assert {rule.target for rule in MODS_RULES} >= {"title", "subjects", "isbns", "series"}
    with pytest.raises(ValueError, match="bad MODS path step"):
        parse_path("titleInfo/[@type]")


def test_datestamp_and_source_are_kept():
    when = datetime(2026, 1, 2, tzinfo=UTC)
    record = mods_to_record(
        parse_xml(mods("<titleInfo><title>T</title></titleInfo>")),
        source_key="qg",
        local_id="x",
        datestamp=when,
    )
    assert (record.source_key, record.datestamp, record.holdings) == ("qg", when, [])
