"""A source's record URL template: checked when saved, kept by TOML and the store, and
filled with percent-encoded values so a local id can never break or extend the link."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import create_engine, text

from catalogue.migrate import upgrade
from catalogue.sources import (
    OpacUrlError,
    Source,
    SourceError,
    check_opac_url,
    dump_sources_toml,
    fill_opac_url,
    load_sources_toml,
)
from catalogue.store import Store

KOHA = "https://opac.thuvienhanoi.org/cgi-bin/koha/opac-detail.pl?biblionumber={local_id}"


def source(**extra: str) -> Source:
    return Source(key="thu-vien-ha-noi", name="Thư viện Hà Nội", type="marc", url="/d.mrc", **extra)


def test_a_koha_template_makes_the_record_link():
    hanoi = source(opac_url=KOHA)
    assert hanoi.record_url("10037") == (
        "https://opac.thuvienhanoi.org/cgi-bin/koha/opac-detail.pl?biblionumber=10037"
    )


def test_values_are_percent_encoded_and_cannot_inject():
    url = fill_opac_url("https://opac.example.vn/record?id={local_id}&x=1", "A 1&admin=1/../")
    assert url == "https://opac.example.vn/record?id=A%201%26admin%3D1%2F..%2F&x=1"
    assert parse_qs(urlsplit(url).query) == {"id": ["A 1&admin=1/../"], "x": ["1"]}
    path = fill_opac_url("http://opac.example.vn/record/{local_id}", "../../admin?x=Hà")
    assert urlsplit(path).path == "/record/..%2F..%2Fadmin%3Fx%3DH%C3%A0"
    assert urlsplit(path).query == ""


def test_a_copy_link_needs_the_copys_barcode():
    template = "https://opac.example.vn/item?bib={local_id}&barcode={barcode}"
    assert fill_opac_url(template, "7", "HN 0001") == (
        "https://opac.example.vn/item?bib=7&barcode=HN%200001"
    )
    assert fill_opac_url(template, "7") == ""  # no barcode: no broken link
    assert fill_opac_url("", "7") == ""  # no template: no link
    assert source().record_url("7") == ""


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("javascript:alert(1)//{local_id}", "scheme"),
        ("ftp://opac.example.vn/{local_id}", "scheme"),
        ("opac.example.vn/{local_id}", "scheme"),
        ("https:///{local_id}", "scheme"),
        ("https://opac.example.vn/{id}", "unknown"),
        ("https://opac.example.vn/{local_id.__class__}", "unknown"),
        ("https://opac.example.vn/{0}", "unknown"),
        ("https://opac.example.vn/{}", "syntax"),
        ("https://opac.example.vn/{local_id!r}", "syntax"),
        ("https://opac.example.vn/{local_id:>10}", "syntax"),
        ("https://opac.example.vn/{local_id", "syntax"),
        ("https://opac.example.vn/local_id}", "syntax"),
        ("https://{local_id}.example.vn/", "host"),
        ("https://opac.example.vn/record", "missing"),
        ("https://opac.example.vn/a b/{local_id}", "space"),
        ("https://opac.example.vn/\n{local_id}", "space"),
        ("https://opac.example.vn/\x85{local_id}", "space"),  # a C1 control (NEL)
        ("https://:8080/{local_id}", "scheme"),  # a port but no host
        ("https://opac.example.vn/" + "a" * 2000 + "{local_id}", "too_long"),
    ],
)
def test_bad_templates_are_refused_with_the_reason(template, problem):
    with pytest.raises(OpacUrlError) as caught:
        check_opac_url(template)
    assert caught.value.problem == problem
    with pytest.raises(SourceError, match="source thu-vien-ha-noi: the record URL template"):
        source(opac_url=template)


def test_good_templates_pass():
    for template in (
        KOHA,
        "http://127.0.0.1:8001/opac/record/{local_id}",
        "https://opac.example.vn/item/{local_id}/{barcode}#holdings",
        "HTTPS://opac.example.vn/?q={{literal}}&id={local_id}",
    ):
        check_opac_url(template)


def test_the_template_round_trips_through_toml(tmp_path):
    sources = [source(opac_url=KOHA), Source("dhqg", "ĐHQG", "marc", "/x.mrc")]
    text_ = dump_sources_toml(sources)
    assert f'opac_url = "{KOHA}"' in text_
    path = tmp_path / "s.toml"
    path.write_text(text_, encoding="utf-8")
    assert load_sources_toml(path) == sources


def test_a_bad_template_in_toml_names_the_source(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[source]]\nkey = "k"\nname = "K"\ntype = "marc"\nurl = "/x.mrc"\n'
        'opac_url = "https://opac.example.vn/{biblionumber}"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match=r"source k: .*unknown placeholder \{biblionumber\}"):
        load_sources_toml(path)


def test_the_store_keeps_and_changes_the_template(store_url):
    store = Store(store_url)
    try:
        store.put_source(source(opac_url=KOHA))
        assert store.get_source("thu-vien-ha-noi").opac_url == KOHA
        assert [s.opac_url for s in store.sources()] == [KOHA]
        store.put_source(source())
        assert store.get_source("thu-vien-ha-noi").opac_url == ""
    finally:
        store.close()


def test_the_migration_keeps_existing_sources(tmp_path):
    """A store made before 0007 gets the column, empty, with its sources intact."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    upgrade(engine, "0006")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO sources (key, name, type, url, metadata_prefix, set_spec, schedule,"
                " enabled, granularity, created_at) VALUES ('old', 'Cũ', 'marc', '/o.mrc', '',"
                " '', '', 1, '', :now)"
            ),
            {"now": datetime.now(UTC)},
        )
    engine.dispose()
    store = Store(url)  # brings the schema to the newest revision
    try:
        old = store.get_source("old")
        assert (old.name, old.opac_url) == ("Cũ", "")
        store.put_source(Source("old", "Cũ", "marc", "/o.mrc", opac_url=KOHA))
        assert store.get_source("old").opac_url == KOHA
    finally:
        store.close()
