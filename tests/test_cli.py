"""The `thuvien` command as an operator uses it: demo, sources, harvest, index, search, users."""

import io
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

    # An index built by an older thuvien: a clear error, then --rebuild replaces it, and
    # the demo (the README's first command, run again after an upgrade) rebuilds it itself.
    marker = data_dir / "index" / "thuvien-index.json"
    marker.write_text('{"schema": 0}')
    code, _, err = run(capsys, "--data-dir", str(data_dir), "index")
    assert code == 2 and "thuvien index --rebuild" in err
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "index", "--rebuild")
    assert code == 0 and "index rebuilt" in out
    assert (
        json.loads(run(capsys, "--data-dir", str(data_dir), "search", "ha noi", "--json")[1])[
            "total"
        ]
        == folded["total"]
    )
    marker.write_text('{"schema": 0}')
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "demo", "--no-serve", "--works", "80")
    assert code == 0 and "rebuilding it" in out and "index rebuilt" in out


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
    sources.write_text(
        '[[source]]\nkey = "down"\nname = "Down"\ntype = "marc"\n'
        f'url = "{data_dir / "missing.mrc"}"\n'
    )
    run(capsys, "--data-dir", str(data_dir), "sources", "import", str(sources))
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "harvest", "--all")
    assert code == 1 and "down: failed (full)" in out and "not found" in out


# -- users ---------------------------------------------------------------------------


@pytest.fixture
def fast_hashes(monkeypatch):
    from argon2 import PasswordHasher

    from catalogue import users

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(users, "HASHER", cheap)


def users_cmd(capsys, data_dir, *args, stdin=None, monkeypatch=None):
    """Run `thuvien --data-dir DIR users ARGS...`, optionally with text on stdin."""
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", stdin)
    return run(capsys, "--data-dir", str(data_dir), "users", *args)


def check_login(data_dir, username, password):
    from catalogue import users
    from catalogue.settings import Settings
    from catalogue.store import Store

    return users.authenticate(Store(Settings(data_dir=data_dir).db_url), username, password, "::1")


PASSPHRASE = "thư viện quận Ba Đình"


def test_users_create_with_password_from_stdin_then_authenticate(
    data_dir, capsys, monkeypatch, fast_hashes
):
    code, out, err = users_cmd(
        capsys,
        data_dir,
        *("create", "Lan.Tran", "--role", "librarian", "--display-name", "Trần Thị Lan"),
        "--password-stdin",
        stdin=io.StringIO(PASSPHRASE + "\n"),
        monkeypatch=monkeypatch,
    )
    assert code == 0, err
    assert "created librarian 'lan.tran'" in out
    assert PASSPHRASE not in out and "shown only now" not in out
    result = check_login(data_dir, "lan.tran", PASSPHRASE)
    assert result.ok and result.user.role == "librarian"
    assert result.user.display_name == "Trần Thị Lan"

    code, out, _ = users_cmd(capsys, data_dir, "list")
    assert code == 0 and "lan.tran\tlibrarian\tactive" in out
    assert users_cmd(capsys, data_dir, "set-role", "LAN.TRAN", "admin")[0] == 0
    assert users_cmd(capsys, data_dir, "disable", "lan.tran")[0] == 0
    assert "lan.tran\tadmin\tdisabled" in users_cmd(capsys, data_dir, "list")[1]
    assert check_login(data_dir, "lan.tran", PASSPHRASE).status == "disabled"
    assert users_cmd(capsys, data_dir, "enable", "lan.tran")[0] == 0
    assert check_login(data_dir, "lan.tran", PASSPHRASE).ok


def test_users_create_without_a_password_generates_and_prints_one(
    data_dir, capsys, monkeypatch, fast_hashes
):
    code, out, _ = users_cmd(
        capsys,
        data_dir,
        *("create", "minh", "--role", "reader"),
        stdin=io.StringIO(""),  # not a terminal, nothing piped
        monkeypatch=monkeypatch,
    )
    assert code == 0
    generated = out.split("password (shown only now): ")[1].strip()
    assert len(generated) >= 20
    assert check_login(data_dir, "minh", generated).ok


def test_users_create_asks_twice_on_a_terminal(data_dir, capsys, monkeypatch, fast_hashes):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter([PASSPHRASE, PASSPHRASE, PASSPHRASE, PASSPHRASE + "!"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    code, out, _ = users_cmd(capsys, data_dir, "create", "hoa", "--role", "reader")
    assert code == 0 and "shown only now" not in out
    assert check_login(data_dir, "hoa", PASSPHRASE).ok
    code, _, err = users_cmd(capsys, data_dir, "create", "hoa2", "--role", "reader")
    assert code == 2 and "not the same" in err


def test_users_bad_role_name_or_password_give_clear_errors(
    data_dir, capsys, monkeypatch, fast_hashes
):
    with pytest.raises(SystemExit) as exit_:
        main(["--data-dir", str(data_dir), "users", "create", "boss", "--role", "emperor"])
    assert exit_.value.code == 2
    assert "invalid choice: 'emperor'" in capsys.readouterr().err

    create_boss = ("create", "boss", "--role", "admin", "--password-stdin")
    code, _, err = users_cmd(
        capsys, data_dir, *create_boss, stdin=io.StringIO("short\n"), monkeypatch=monkeypatch
    )
    assert code == 2 and "at least 10 characters" in err

    code, _, err = users_cmd(capsys, data_dir, "create", "x", "--role", "admin")
    assert code == 2 and "3 to 100 characters" in err

    twice = io.StringIO("long enough password\nlong enough password\n")
    assert users_cmd(capsys, data_dir, *create_boss, stdin=twice, monkeypatch=monkeypatch)[0] == 0
    code, _, err = users_cmd(capsys, data_dir, *create_boss)
    assert code == 2 and "'boss' is taken" in err

    code, _, err = users_cmd(capsys, data_dir, "disable", "nobody")
    assert code == 2 and "no account 'nobody'" in err


# -- audit log and checks --------------------------------------------------------------


def test_users_commands_are_audited_and_check_audit_finds_tampering(
    data_dir, capsys, monkeypatch, fast_hashes
):
    import sqlite3

    from catalogue import audit
    from catalogue.settings import Settings
    from catalogue.store import Store

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check", "--audit")
    assert code == 0 and out.startswith("audit log: 0 entries, chain intact")

    stdin = io.StringIO(PASSPHRASE + "\n")
    create = ("create", "lan", "--role", "reader", "--password-stdin")
    assert users_cmd(capsys, data_dir, *create, stdin=stdin, monkeypatch=monkeypatch)[0] == 0
    assert users_cmd(capsys, data_dir, "set-role", "lan", "librarian")[0] == 0
    assert users_cmd(capsys, data_dir, "disable", "lan")[0] == 0
    assert users_cmd(capsys, data_dir, "enable", "lan")[0] == 0
    assert users_cmd(capsys, data_dir, "disable", "nobody")[0] == 2  # nothing done, nothing logged
    store = Store(Settings(data_dir=data_dir).db_url)
    logged = audit.entries(store)[::-1]
    assert [(e.actor, e.action, e.target) for e in logged] == [
        ("cli", audit.USER_CREATED, "lan"),
        ("cli", audit.USER_ROLE_CHANGED, "lan"),
        ("cli", audit.USER_DISABLED, "lan"),
        ("cli", audit.USER_ENABLED, "lan"),
    ]
    assert logged[1].detail == {"from": "reader", "to": "librarian"}  # as the console has it
    store.close()

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check", "--audit")
    assert code == 0 and out.startswith("audit log: 4 entries, chain intact")

    with sqlite3.connect(data_dir / "thuvien.sqlite") as db:  # someone covers their tracks
        db.execute("UPDATE audit_log SET action = 'user.enabled' WHERE id = 3")
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check", "--audit")
    assert code == 1
    assert "chain broken at entry 3: its content does not match its hash" in out


def test_check_fixity_without_stored_copies(data_dir, capsys):
    from catalogue import DigitalObject, Record
    from catalogue.runs import HarvestedItem
    from catalogue.settings import Settings
    from catalogue.sources import Source
    from catalogue.store import Store

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check", "--fixity")
    assert code == 0 and "nothing to check" in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check")  # both checks
    assert code == 0 and "chain intact" in out and "nothing to check" in out

    store = Store(Settings(data_dir=data_dir).db_url)
    store.put_source(Source("lib", "Thư viện", "marc", "/nowhere.mrc"))
    scan = DigitalObject(kind="image", location="https://lib.example.vn/scan/1.jpg")
    record = Record(source_key="lib", local_id="1", title="Bản đồ", digital_objects=[scan])
    store.save_items(store.start_run("lib", "full"), "lib", [HarvestedItem("1", b"", "x", record)])
    store.close()
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "check", "--fixity")
    assert code == 0 and "no digital object has a stored copy yet" in out


# -- worker ----------------------------------------------------------------------------


def test_worker_once_harvests_due_sources_then_has_nothing_to_do(data_dir, tmp_path, capsys):
    from harvesters.demo.generator import generate

    catalogue = generate(seed=7, works=10)
    library = next(lib for lib in catalogue.libraries if lib.kind != "oai")
    marc = data_dir / "exports" / "lib.mrc"  # inside the data folder: an allowed MARC path
    marc.parent.mkdir(parents=True)
    catalogue.write_marc(library.key, marc)
    sources = tmp_path / "s.toml"
    sources.write_text(
        f'[[source]]\nkey = "{library.key}"\nname = "{library.name}"\ntype = "marc"\n'
        f'url = "{marc}"\nschedule = "0 0 1 1 *"\n\n'
        '[[source]]\nkey = "gone"\nname = "Gone"\ntype = "marc"\n'
        f'url = "{data_dir / "missing.mrc"}"\n',  # no schedule: never due by itself
        encoding="utf-8",
    )
    assert run(capsys, "--data-dir", str(data_dir), "sources", "import", str(sources))[0] == 0

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "worker", "--once")
    assert code == 0, out
    assert f"worker: due: {library.key} (scheduled)" in out
    assert f"{library.key}: succeeded (full)" in out and "index updated:" in out
    assert "gone" not in out
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "search", "*", "--json")
    assert json.loads(out)["total"] > 0

    code, out, _ = run(capsys, "--data-dir", str(data_dir), "worker", "--once")
    assert code == 0 and "worker: nothing is due" in out


def test_worker_once_exit_code_says_a_requested_harvest_failed(data_dir, tmp_path, capsys):
    from catalogue.schedule import pending_requests, request_harvest
    from catalogue.settings import Settings
    from catalogue.store import Store

    sources = tmp_path / "s.toml"
    sources.write_text(
        '[[source]]\nkey = "gone"\nname = "Gone"\ntype = "marc"\n'
        f'url = "{data_dir / "missing.mrc"}"\n'
    )
    run(capsys, "--data-dir", str(data_dir), "sources", "import", str(sources))
    store = Store(Settings(data_dir=data_dir).db_url)
    assert request_harvest(store, "gone")
    code, out, _ = run(capsys, "--data-dir", str(data_dir), "worker", "--once")
    assert code == 1 and "worker: due: gone (requested)" in out and "gone: failed" in out
    assert pending_requests(store) == {}
    store.close()


def test_serve_with_worker_processes_answers_from_each(data_dir, capsys):
    """`thuvien serve --workers 2`: gunicorn, two processes, each with its own app."""
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    assert run(capsys, "--data-dir", str(data_dir), "serve", "--workers", "0")[0] == 2
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    thuvien = Path(sys.executable).with_name("thuvien")
    server = subprocess.Popen(
        [str(thuvien), "--data-dir", str(data_dir), "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "THUVIEN_MODE": "development"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline, page = time.time() + 60, None
        while time.time() < deadline and page is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=x", timeout=5) as r:
                    page = r.read().decode()
            except OSError:
                time.sleep(0.3)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        _out, err = server.communicate(timeout=30)
    said = err.decode(errors="replace")[-3000:]  # what the server said, if it failed
    assert page is not None and "<main" in page, f"the workers did not answer:\n{said}"
    assert len(children) == 2, (children, said)
