"""The demo catalogue exercises the licence rules, comes with three working accounts, and
leaves no source pointing at a library that stopped with it."""

from __future__ import annotations

from contextlib import ExitStack

from catalogue import users
from catalogue.rights import Actor, load_policy
from catalogue.settings import Settings
from harvesters.demo import vocab
from indexer.backends import open_index
from indexer.protocol import SearchQuery
from portal.demo import DEMO_RULES, build_demo, demo_accounts


def test_demo_rules_hide_the_archive_and_keep_audio_for_readers(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    with ExitStack() as stack:
        store = build_demo(settings, stack, works=60, out=lambda _line: None, progress=False)
    policy = load_policy(store)
    rules = [r.name for r in policy.rules]
    assert rules[: len(DEMO_RULES)] == [r.name for r in DEMO_RULES]
    assert len(rules) > len(DEMO_RULES) + 10  # the presets follow

    records = list(store.iter_records())
    archive = [r for r in records if vocab.RESTRICTED_ARCHIVE in r.collections]
    audio = [r for r in records if vocab.REGISTERED_AUDIO in r.collections]
    assert archive and audio, "the demo showcase must include both collections"
    anonymous, reader = Actor.anonymous(), Actor("reader", "bandoc")
    for record in archive:
        assert not policy.decide(anonymous, record, "see_record").allowed
        assert not policy.decide(reader, record, "see_record").allowed
        assert policy.decide(Actor("librarian", "thuthu"), record, "see_record").allowed
    for record in audio:
        assert policy.decide(anonymous, record, "see_record").allowed
        assert not policy.decide(anonymous, record, "view_content").allowed
        assert policy.decide(reader, record, "view_content").allowed

    index = open_index(settings)
    title = archive[0].title.split(" /")[0]
    public = index.search(SearchQuery(q=f'"{title}"', visibility=["public"]))
    assert archive[0].id not in {i for hit in public.hits for i in hit.record_ids}


def test_demo_accounts_log_in_and_get_new_passwords_each_run(tmp_path) -> None:
    from catalogue.store import Store

    store = Store(f"sqlite:///{tmp_path / 'demo.sqlite'}")
    first = {name: (role, password) for name, role, password in demo_accounts(store)}
    assert {name: role for name, (role, _) in first.items()} == {
        "quantri": "admin",
        "thuthu": "librarian",
        "bandoc": "reader",
    }
    for name, (_role, password) in first.items():
        assert users.authenticate(store, name, password, "127.0.0.1").ok
    second = {name: password for name, _role, password in demo_accounts(store)}
    assert second["thuthu"] != first["thuthu"][1]
    assert not users.authenticate(store, "thuthu", first["thuthu"][1], "127.0.0.2").ok
    assert users.authenticate(store, "thuthu", second["thuthu"], "127.0.0.3").ok


def test_demo_libraries_publish_their_scans_and_ingest_fetches_them(tmp_path) -> None:
    import time

    import pyvips

    from harvesters.demo.generator import generate
    from harvesters.demo.media import MAP_SIZE, DemoMedia
    from harvesters.ingest import pyramid_path

    settings = Settings(data_dir=tmp_path)
    with ExitStack() as stack:
        store = build_demo(settings, stack, works=60, out=lambda _line: None, progress=False)
    runs = store.runs(limit=10)
    errors = [(e.record_id, e.reason) for run in runs for e in run.errors]
    not_audio = [r for _, r in errors if "/audio/" not in r and "audio/" not in r]
    assert not not_audio, errors  # every scan a record names is published and ingested
    images = [
        (record, obj)
        for record in store.iter_records()
        for obj in record.digital_objects
        if obj.kind == "image"
    ]
    assert images and all(obj.stored_path and obj.sha256 for _, obj in images)
    # Fetched over HTTP from the OAI libraries and from the MARC library's folder alike.
    assert {record.source_key for record, _ in images} >= {"thu-vien-ha-noi", "thu-vien-dhqghn"}
    large = [obj for _, obj in images if max(obj.width or 0, obj.height or 0) >= 6000]
    assert large, "the showcase map's first sheet is a large scan"
    pyramid = pyvips.Image.new_from_file(str(tmp_path / pyramid_path(large[0].stored_path)))
    assert (pyramid.width, pyramid.height) == MAP_SIZE and pyramid.get("n-pages") >= 5

    # A second demo run makes no picture again: they are cached under the data folder.
    made = sorted((tmp_path / "demo" / "media").rglob("*.jpg"))
    media = DemoMedia(generate(seed=2026, works=60), tmp_path / "demo" / "media")
    started = time.monotonic()
    for library in media.catalogue.libraries:
        for path in media.paths(library):
            media.file(library.key, path)
    assert time.monotonic() - started < 2
    assert sorted((tmp_path / "demo" / "media").rglob("*.jpg")) == made
    for bad in ("scans/../../thuvien.sqlite", "/etc/passwd", "audio/../../../etc/passwd"):
        assert media.file("thu-vien-ha-noi", bad) is None
    assert media.file("thu-vien-ha-noi", "scans/99999/page-001.jpg") is None


def test_the_demo_rules_speak_vietnamese() -> None:
    vietnamese = set("ăâđêôơưáàảãạếềểễệíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
    for rule in DEMO_RULES:
        assert set(rule.name.casefold()) & vietnamese, rule.name
        assert set(rule.reason.casefold()) & vietnamese, rule.reason
        for english in ("staff", "readers", "registered", "on site", "library's"):
            assert english not in f"{rule.name} {rule.reason}"


def test_the_admin_account_opens_the_accounts_and_audit_pages(tmp_path) -> None:
    from argon2 import PasswordHasher

    from catalogue.store import Store
    from portal.app import create_app

    settings = Settings(data_dir=tmp_path)
    store = Store(settings.db_url)
    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    original, users.HASHER = users.HASHER, fast
    try:
        accounts = {name: password for name, _role, password in demo_accounts(store)}
        app = create_app(settings, store=store)
        app.config["WTF_CSRF_ENABLED"] = False
        client = app.test_client()
        answer = client.post(
            "/login", data={"username": "quantri", "password": accounts["quantri"]}
        )
        assert answer.status_code == 303
        assert client.get("/admin/users").status_code == 200
        assert client.get("/admin/audit").status_code == 200
    finally:
        users.HASHER = original


def test_when_the_demo_stops_its_oai_sources_are_disabled_and_harvest_all_skips_them(
    tmp_path, monkeypatch, capsys
) -> None:
    from portal.cli import main

    monkeypatch.delenv("THUVIEN_CONFIG", raising=False)
    settings = Settings(data_dir=tmp_path)
    with ExitStack() as stack:
        store = build_demo(settings, stack, works=40, out=lambda _line: None, progress=False)
        running = {s.key: (s.type, s.enabled) for s in store.sources()}
        urls = {s.key: s.url for s in store.sources() if s.type == "oai"}
    assert sorted(running.values()) == [("marc", True), ("oai", True), ("oai", True)]
    # Stopped: the OAI libraries' addresses are dead, and their sources say so.
    stopped = {s.key: (s.type, s.enabled) for s in store.sources()}
    assert sorted(stopped.values()) == [("marc", True), ("oai", False), ("oai", False)]
    assert {s.key: s.url for s in store.sources() if s.type == "oai"} == urls  # kept as they were

    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), "sources", "list"]) == 0
    listed = capsys.readouterr().out
    assert listed.count("(disabled)") == 2
    # harvest --all takes the MARC export (a file, still there) and succeeds.
    assert main(["--data-dir", str(tmp_path), "harvest", "--all"]) == 0
    out = capsys.readouterr().out
    assert out.count("succeeded") == 1 and not any(key in out for key in urls)

    # The next demo run enables them again, at their new addresses.
    with ExitStack() as stack:
        store = build_demo(settings, stack, works=40, out=lambda _line: None, progress=False)
        assert all(s.enabled for s in store.sources())
