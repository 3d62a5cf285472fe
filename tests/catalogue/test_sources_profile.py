"""A source's library profile (website, address, opening hours, contact): checked and
cleaned where a source is made, kept by TOML and the store on both databases, added by
migration 0009 to stores made before it; and each source's latest successful harvest."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text, update

from catalogue import store_sources
from catalogue.migrate import alembic_config, upgrade
from catalogue.sources import (
    PROFILE_MAX,
    Source,
    SourceError,
    WebsiteError,
    check_website,
    dump_sources_toml,
    load_sources_toml,
)
from catalogue.store import Store
from catalogue.tables import HarvestRunRow

PROFILE = {
    "website": "https://thuvienhanoi.example.vn/",
    "address": "47 Bà Triệu, Hoàn Kiếm, Hà Nội",
    "hours": "Thứ Hai – Thứ Sáu: 8:00 – 20:00\nThứ Bảy, Chủ nhật: 8:00 – 17:00",
    "contact": "024 0000 0000 · hoi@thuvienhanoi.example.vn",
}


def source(**extra: str) -> Source:
    return Source(key="thu-vien-ha-noi", name="Thư viện Hà Nội", type="marc", url="/d.mrc", **extra)


@pytest.mark.parametrize(
    ("website", "problem"),
    [
        ("javascript:alert(1)", "scheme"),
        ("JaVaScRiPt://thuvien.example.vn/%0Aalert(1)", "scheme"),
        ("data:text/html,<script>alert(1)</script>", "scheme"),
        ("ftp://thuvien.example.vn/", "scheme"),
        ("thuvien.example.vn", "scheme"),
        ("https:///path", "scheme"),
        ("https://[::1/", "scheme"),
        ("https://thuvien.example.vn/a b", "space"),
        ("https://thuvien.example.vn/\nx", "space"),
        ("https://thuvien.example.vn/\x85x", "space"),
        ("https://thuvien.example.vn/" + "a" * 2000, "too_long"),
    ],
)
def test_a_website_a_click_could_not_safely_follow_is_refused(website, problem):
    with pytest.raises(WebsiteError) as caught:
        check_website(website)
    assert caught.value.problem == problem
    with pytest.raises(SourceError, match="source thu-vien-ha-noi: the website "):
        source(website=website)


def test_good_websites_pass_trimmed():
    for website in ("https://nlv.gov.vn/", "http://127.0.0.1:8000", "HTTPS://thư-viện.vn/a?b=1"):
        check_website(website)
    assert source(website="  https://nlv.gov.vn/ ").website == "https://nlv.gov.vn/"


def test_free_text_loses_control_and_direction_characters_but_keeps_its_lines():
    made = source(
        address="  47 Bà Triệu,\x00 Hoàn Kiếm\u202e  ",
        hours="Thứ Hai:\t8:00 – 20:00\r\n\r\n  Thứ Bảy: 8:00 – 17:00\r",
        contact="024\x1b 0000\u200f 0000",
    )
    assert made.address == "47 Bà Triệu, Hoàn Kiếm"
    assert made.hours == "Thứ Hai: 8:00 – 20:00\nThứ Bảy: 8:00 – 17:00"
    assert made.contact == "024 0000 0000"
    assert made.has_profile and not source().has_profile


@pytest.mark.parametrize("name", ["address", "hours", "contact"])
def test_over_long_free_text_is_refused_naming_the_field(name):
    limit = PROFILE_MAX[name]
    assert getattr(source(**{name: "x" * limit}), name) == "x" * limit
    with pytest.raises(SourceError, match=f"source thu-vien-ha-noi: {name} is longer than {limit}"):
        source(**{name: "x" * (limit + 1)})


def test_the_profile_round_trips_through_toml(tmp_path):
    sources = [source(**PROFILE), Source("dhqg", "ĐHQG", "marc", "/x.mrc")]
    written = dump_sources_toml(sources)
    assert 'hours = "Thứ Hai – Thứ Sáu: 8:00 – 20:00\\nThứ Bảy' in written
    assert "dhqg" in written and written.count("website") == 1  # empty fields left out
    path = tmp_path / "s.toml"
    path.write_text(written, encoding="utf-8")
    assert load_sources_toml(path) == sources


def test_a_bad_website_in_toml_names_the_source(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text(
        '[[source]]\nkey = "k"\nname = "K"\ntype = "marc"\nurl = "/x.mrc"\n'
        'website = "javascript:alert(1)"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceError, match="source k: the website must start with http"):
        load_sources_toml(path)


def test_the_store_keeps_and_changes_the_profile(store_url):
    store = Store(store_url)
    try:
        store.put_source(source(**PROFILE))
        kept = store.get_source("thu-vien-ha-noi")
        assert {name: getattr(kept, name) for name in PROFILE} == PROFILE
        assert store.sources() == [source(**PROFILE)]
        store.put_source(source(hours="Chủ nhật nghỉ"))
        changed = store.get_source("thu-vien-ha-noi")
        assert (changed.website, changed.address, changed.hours, changed.contact) == (
            "",
            "",
            "Chủ nhật nghỉ",
            "",
        )
    finally:
        store.close()


def test_last_harvests_are_each_sources_latest_successful_run(store_url):
    store = Store(store_url)
    try:
        for key in ("a", "b", "c"):
            store.put_source(Source(key, key.upper(), "marc", "/x.mrc"))
        times = {}
        for key, status, when in (
            ("a", "succeeded", datetime(2025, 1, 1, 8, tzinfo=UTC)),
            ("a", "succeeded", datetime(2025, 2, 1, 8, tzinfo=UTC)),
            ("a", "failed", datetime(2025, 3, 1, 8, tzinfo=UTC)),
            ("b", "failed", datetime(2025, 3, 1, 8, tzinfo=UTC)),
        ):
            run = store.start_run(key, "full")
            store.finish_run(run, status)
            times[run] = when
        store.start_run("c", "full")  # still running: not finished, not counted
        with store.session() as s:
            for run, when in times.items():
                s.execute(
                    update(HarvestRunRow).where(HarvestRunRow.id == run).values(finished_at=when)
                )
        assert store_sources.last_harvests(store) == {"a": datetime(2025, 2, 1, 8, tzinfo=UTC)}
    finally:
        store.close()


def test_migration_0009_adds_empty_profiles_and_goes_back(empty_store_url):
    store = Store(empty_store_url)
    try:
        store.put_source(source(**PROFILE))
    finally:
        store.close()
    engine = create_engine(empty_store_url)
    try:
        command.downgrade(alembic_config(engine), "0008")  # as a store made before 0009
        columns = {c["name"] for c in inspect(engine).get_columns("sources")}
        assert not columns & set(PROFILE) and "opac_url" in columns
        with engine.connect() as db:
            assert db.execute(text("SELECT name FROM sources")).scalars().all() == [
                "Thư viện Hà Nội"
            ]
    finally:
        engine.dispose()
    store = Store(empty_store_url)  # brings the schema to the newest revision
    try:
        old = store.get_source("thu-vien-ha-noi")
        assert (old.name, old.website, old.address, old.hours, old.contact) == (
            "Thư viện Hà Nội",
            "",
            "",
            "",
            "",
        )
        store.put_source(source(**PROFILE))
        assert store.get_source("thu-vien-ha-noi").hours == PROFILE["hours"]
    finally:
        store.close()


def test_a_store_made_before_0009_keeps_its_sources(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    upgrade(engine, "0008")
    with engine.begin() as db:
        db.execute(
            text(
                "INSERT INTO sources (key, name, type, url, metadata_prefix, set_spec, schedule,"
                " enabled, granularity, created_at, opac_url) VALUES ('old', 'Cũ', 'marc',"
                " '/o.mrc', '', '', '', 1, '', :now, '')"
            ),
            {"now": datetime.now(UTC)},
        )
    engine.dispose()
    store = Store(url)
    try:
        assert store.get_source("old") == Source("old", "Cũ", "marc", "/o.mrc")
    finally:
        store.close()
