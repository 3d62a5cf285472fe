"""The `thuvien` command. Its surface is a contract (see DESIGN.md): extend, don't rename."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from catalogue.settings import Settings, SettingsError, load_settings
from catalogue.sources import SourceError, dump_sources_toml, load_sources_toml
from catalogue.store import Store
from indexer.tantivy_index import IndexSchemaError

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(message)s"
    )
    try:
        settings = load_settings(args.config, data_dir=args.data_dir)
    except SettingsError as exc:
        print(f"thuvien: {exc}", file=sys.stderr)
        return 2
    try:
        return args.handler(args, settings)
    except (SourceError, SettingsError, IndexSchemaError) as exc:
        print(f"thuvien: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="thuvien", description="Federated library catalogue and discovery portal."
    )
    parser.add_argument("--config", help="settings file (TOML); also THUVIEN_CONFIG")
    parser.add_argument("--data-dir", type=Path, help="data folder; also THUVIEN_DATA_DIR")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    sub = parser.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND")

    demo = sub.add_parser(
        "demo", help="build the demo catalogue from bundled sample sources, then serve it"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=5000)
    demo.add_argument("--no-serve", action="store_true", help="build the demo catalogue and stop")
    demo.add_argument(
        "--works", type=int, default=300, help="how many works the demo libraries hold"
    )
    demo.set_defaults(handler=_demo)

    sources = sub.add_parser("sources", help="import, export or list harvest sources")
    sources_sub = sources.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = sources_sub.add_parser("import", help="add or update the sources in a TOML file")
    imp.add_argument("file", type=Path)
    exp = sources_sub.add_parser(
        "export", help="write all sources as TOML (to stdout without FILE)"
    )
    exp.add_argument("file", type=Path, nargs="?")
    sources_sub.add_parser("list", help="one line per source")
    sources.set_defaults(handler=_sources)

    harvest = sub.add_parser("harvest", help="harvest sources (incremental unless --full)")
    harvest.add_argument("keys", nargs="*", metavar="KEY", help="source keys")
    harvest.add_argument("--all", action="store_true", help="every enabled source")
    harvest.add_argument(
        "--full", action="store_true", help="ignore the watermark; fetch everything"
    )
    harvest.add_argument("--workers", type=int, default=4, help="sources harvested at once")
    harvest.set_defaults(handler=_harvest)

    index = sub.add_parser("index", help="bring the search index up to date with the catalogue")
    index.add_argument("--rebuild", action="store_true", help="rebuild it from the store")
    index.set_defaults(handler=_index)

    search = sub.add_parser("search", help="search the catalogue from the command line")
    search.add_argument("query", help='e.g. "ha noi", \'author:"Nguyễn Du"\', "year:1990-2000"')
    search.add_argument("--json", action="store_true", help="print the result as JSON")
    search.add_argument("--limit", type=int, default=10, help="works to show (max 100)")
    search.set_defaults(handler=_search)

    serve = sub.add_parser("serve", help="serve the portal (waitress, or gunicorn workers)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="worker processes (gunicorn); one per core by default; 1 serves with waitress",
    )
    serve.set_defaults(handler=_serve)

    worker = sub.add_parser(
        "worker",
        help="run harvests on their schedules and 'harvest now' requests from the console",
    )
    worker.add_argument(
        "--once",
        action="store_true",
        help="one pass over the due sources, then stop (exit status 1 if a harvest failed)",
    )
    worker.add_argument(
        "--poll",
        type=float,
        default=30,
        metavar="SECONDS",
        help="how often to look for due sources (default 30)",
    )
    worker.add_argument("--workers", type=int, default=4, help="sources harvested at once")
    worker.set_defaults(handler=_worker)

    _add_users_parser(sub)

    check = sub.add_parser(
        "check", help="verify the audit log's hash chain and digital objects (both by default)"
    )
    check.add_argument(
        "--audit", action="store_true", help="verify the audit log is complete and unaltered"
    )
    check.add_argument(
        "--fixity",
        action="store_true",
        help="re-verify every stored digital object against the SHA-256 recorded at ingest; "
        "names each file that changed or went missing (exit status 1 if any)",
    )
    check.set_defaults(handler=_check)
    return parser


def _add_users_parser(sub: argparse._SubParsersAction) -> None:
    from catalogue.account_policy import ROLES

    users = sub.add_parser("users", help="create and manage portal accounts")
    users_sub = users.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = users_sub.add_parser(
        "create",
        help="add an account; the password comes from stdin (--password-stdin), is asked "
        "for twice on a terminal, or else is generated and printed once",
    )
    create.add_argument("name", help="username: 3-100 letters, digits, '.', '-' or '_'")
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--display-name", default="", help="the name the portal shows")
    create.add_argument("--email", default="")
    create.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    users_sub.add_parser("list", help="one line per account")
    set_role = users_sub.add_parser("set-role", help="give an account another role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES)
    disable = users_sub.add_parser("disable", help="stop an account from logging in")
    disable.add_argument("name")
    enable = users_sub.add_parser("enable", help="let a disabled account log in again")
    enable.add_argument("name")
    password = users_sub.add_parser(
        "set-password", help="replace an account's password (same sources as create)"
    )
    password.add_argument("name")
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    users.set_defaults(handler=_users)


def open_store(settings: Settings) -> Store:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Store(settings.db_url)


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    store = open_store(settings)
    if args.action == "import":
        loaded = load_sources_toml(args.file)
        for source in loaded:
            store.put_source(source)
        print(f"imported {len(loaded)} sources from {args.file}")
    elif args.action == "export":
        text = dump_sources_toml(store.sources())
        if args.file:
            args.file.write_text(text, encoding="utf-8")
            print(f"exported {len(store.sources())} sources to {args.file}")
        else:
            sys.stdout.write(text)
    else:
        for source in store.sources():
            state = "" if source.enabled else " (disabled)"
            last = store.last_run(source.key)
            when = f" last run {last.status} {last.started_at:%Y-%m-%d %H:%M}" if last else ""
            print(f"{source.key}\t{source.type}\t{source.url}{state}{when}")
    return 0


def _harvest(args: argparse.Namespace, settings: Settings) -> int:
    from harvesters.runner import HarvestOptions, harvest_sources, summary_line

    store = open_store(settings)
    if args.all:
        chosen = [s for s in store.sources() if s.enabled]
    elif args.keys:
        chosen = []
        for key in args.keys:
            source = store.get_source(key)
            if source is None:
                print(
                    f"thuvien: no source with key {key!r} (see 'thuvien sources list')",
                    file=sys.stderr,
                )
                return 2
            chosen.append(source)
    else:
        print("thuvien: name sources to harvest, or --all", file=sys.stderr)
        return 2
    runs = harvest_sources(
        store, chosen, settings.harvest, HarvestOptions(full=args.full), workers=args.workers
    )
    for run in runs:
        print(summary_line(run))
    return 0 if all(r.status == "succeeded" for r in runs) else 1


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.backends import open_index
    from indexer.sync import sync_index

    store = open_store(settings)
    report = sync_index(
        store,
        open_index(settings, recreate=args.rebuild),  # also replaces an index of an older schema
        rebuild=args.rebuild,
        onsite_networks=settings.rights.onsite_networks,
    )
    print(report.line())
    return 0


def _search(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from indexer.backends import open_index
    from indexer.protocol import SearchQuery

    query = SearchQuery(q=args.query, per_page=args.limit, facets=["library", "format"])
    result = open_index(settings).search(query)
    if args.json:
        hits = [
            {"work_key": h.work_key, "record_ids": h.record_ids, **h.fields, "holdings": h.holdings}
            for h in result.hits
        ]
        data = {"total": result.total, "hits": hits, "suggestion": result.suggestion}
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return 0
    print(
        f"{result.total} works"
        + (f" — did you mean: {result.suggestion}?" if result.suggestion else "")
    )
    for n, hit in enumerate(result.hits, start=1):
        f = hit.fields
        who = "; ".join(f.get("authors") or [])
        year = f" ({f['year']})" if f.get("year") else ""
        print(f"{n:3}. {f.get('title', '')}{year} — {who}")
        print(f"     held by {len(hit.libraries)}: {', '.join(hit.libraries)}  [{hit.id}]")
    return 0


def _users(args: argparse.Namespace, settings: Settings) -> int:
    from catalogue import audit, users

    store = open_store(settings)

    def record(action: str, username: str, detail: dict | None = None) -> None:
        audit.append(store, actor="cli", action=action, target=username, detail=detail)

    try:
        if args.action == "create":
            name = users.normalise_username(args.name)  # before asking for a password
            if users.find_user(store, name) is not None:
                raise users.AccountError("username_taken", f"the username {name!r} is taken")
            password, generated = _new_password(args.password_stdin)
            user = users.create_user(
                store,
                args.name,
                password,
                role=args.role,
                display_name=args.display_name,
                email=args.email,
            )
            record(audit.USER_CREATED, user.username, {"id": user.id, "role": user.role})
            print(f"created {user.role} {user.username!r} (id {user.id})")
            if generated:
                print(f"password (shown only now): {password}")
        elif args.action == "list":
            for u in users.list_users(store):
                state = "disabled" if u.disabled else "active"
                last = f"{u.last_login_at:%Y-%m-%d %H:%M}" if u.last_login_at else "never"
                print(
                    f"{u.id}\t{u.username}\t{u.role}\t{state}\tlast login {last}\t{u.display_name}"
                )
        elif args.action == "set-role":
            before = users.find_user(store, args.name)
            user = users.set_role(store, args.name, args.role)
            previous = before.role if before else ""
            if previous != user.role:
                record(audit.USER_ROLE_CHANGED, user.username, {"from": previous, "to": user.role})
            print(f"{user.username!r} is now {user.role}")
        elif args.action in ("disable", "enable"):
            user = users.set_disabled(store, args.name, args.action == "disable")
            action = audit.USER_DISABLED if user.disabled else audit.USER_ENABLED
            record(action, user.username)
            print(f"{user.username!r} is {'disabled' if user.disabled else 'enabled'}")
        else:  # set-password
            if users.find_user(store, args.name) is None:
                raise users.AccountError("unknown_user", f"no account {args.name!r}")
            password, generated = _new_password(args.password_stdin)
            user = users.set_password(store, args.name, password)
            record(audit.USER_PASSWORD_CHANGED, user.username)
            print(f"password of {user.username!r} changed")
            if generated:
                print(f"password (shown only now): {password}")
    except (users.AccountError, PasswordInputError) as exc:
        print(f"thuvien: {exc}", file=sys.stderr)
        return 2
    return 0


class PasswordInputError(ValueError):
    """A password that could not be read (empty stdin, two entries that differ)."""


def _new_password(from_stdin: bool) -> tuple[str, bool]:
    """The password to set, and whether it was generated (so it must be shown)."""
    import getpass
    import secrets

    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise PasswordInputError("no password on standard input")
        return password, False
    if sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise PasswordInputError("the two passwords are not the same")
        return password, False
    return secrets.token_urlsafe(18), True


def _worker(args: argparse.Namespace, settings: Settings) -> int:
    import signal
    import threading

    from portal.worker import run_worker

    store = open_store(settings)
    stop = threading.Event()

    def request_stop(signum: int, _frame: object) -> None:
        if stop.is_set():  # asked twice: stop now, harvests under way or not
            raise KeyboardInterrupt
        stop.set()
        name = signal.Signals(signum).name
        print(f"worker: {name}: stopping once the harvests under way end", file=sys.stderr)

    handlers = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            handlers[signum] = signal.signal(signum, request_stop)
    try:
        if not args.once:
            scheduled = sum(1 for s in store.sources() if s.enabled and s.schedule)
            print(
                f"worker: {scheduled} sources on a schedule; looking for due harvests every "
                f"{args.poll:g}s (Ctrl-C stops)",
                flush=True,
            )
        last = run_worker(
            store,
            settings,
            once=args.once,
            poll_seconds=args.poll,
            stop_event=stop,
            workers=args.workers,
            out=lambda line: print(line, flush=True),
        )
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    if args.once:
        if not last.due:
            print("worker: nothing is due")
        return 0 if last.ok else 1
    print("worker: stopped")
    return 0


def _check(args: argparse.Namespace, settings: Settings) -> int:
    from catalogue import audit

    store = open_store(settings)
    everything = not (args.audit or args.fixity)
    code = 0
    if args.audit or everything:
        report = audit.verify(store)
        print(audit.describe(report))
        code = max(code, 0 if report.ok else 1)
    if args.fixity or everything:
        line, ok = _fixity(store, settings)
        print(line)
        code = max(code, 0 if ok else 1)
    return code


def _fixity(store: Store, settings: Settings) -> tuple[str, bool]:
    """Every stored copy re-hashed against its recorded SHA-256; problems named one a line."""
    from harvesters.ingest import verify_fixity

    report = verify_fixity(store, settings.data_dir)
    if not report.files:
        return "fixity: nothing to check: no digital object has a stored copy yet", True
    summary = f"{report.files} stored files of {report.objects} digital objects"
    if report.ok:
        return f"fixity: ok: {summary}, every one as ingested", True
    lines = [f"fixity: FAILED: {len(report.problems)} of {summary} are not as ingested:"]
    for p in report.problems:
        records = ", ".join(p.record_ids[:5]) + (" …" if len(p.record_ids) > 5 else "")
        if p.problem == "missing":
            lines.append(f"  missing: {settings.data_dir / p.stored_path} (records: {records})")
        else:
            lines.append(
                f"  changed: {settings.data_dir / p.stored_path} (records: {records}; "
                f"sha256 {p.found}, ingested as {p.expected})"
            )
    return "\n".join(lines), False


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from portal.serve import default_workers, serve_portal

    workers = default_workers() if args.workers is None else args.workers
    if workers < 1:
        print("--workers must be at least 1", file=sys.stderr)
        return 2
    serve_portal(settings, host=args.host, port=args.port, workers=workers)
    return 0


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from portal.demo import run_demo

    return run_demo(
        settings, host=args.host, port=args.port, serve=not args.no_serve, works=args.works
    )


if __name__ == "__main__":
    sys.exit(main())
