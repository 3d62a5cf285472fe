"""`thuvien demo`: build the demo catalogue from bundled sample libraries, then serve it.

Two demo libraries answer OAI-PMH on 127.0.0.1 (one MARCXML, one Dublin Core) and a
third is exported as a MARC file; all three are harvested exactly as real sources
would be (over HTTP, from the file), harvested again to show the run is incremental,
indexed, and served. Each library also publishes the page scans and audiobook files its
records link to (harvesters/demo/media.py), which ingest fetches and stores. The OAI
endpoints stay up while the portal runs, so `thuvien harvest --all` from another
terminal works against them.

The OAI endpoints listen on ports the system picks (nothing clashes), so their
addresses die with the demo: when it stops, their sources are disabled (`sources list`
shows "(disabled)", `harvest --all` and the worker skip them, the console shows them
disabled); the next demo run enables them again at their new addresses.
"""

from __future__ import annotations

import secrets
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path

from catalogue import users
from catalogue.rights import (
    Conditions,
    LicenceRule,
    Outcomes,
    install_presets,
    load_rules,
    save_rule,
)
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.demo import vocab
from harvesters.demo.generator import DemoCatalogue, generate
from harvesters.demo.libraries import (
    DemoOpac,
    library_profile,
    oai_repository,
    opac_url_template,
    with_opac,
)
from harvesters.demo.media import DemoMedia, publish_files, with_media
from harvesters.demo.server import serve_wsgi
from harvesters.oai_provider import make_wsgi_app
from harvesters.runner import HarvestOptions, harvest_sources, summary_line
from indexer.backends import open_index
from indexer.sync import sync_index
from indexer.tantivy_index import IndexSchemaError

DEMO_SEED = 2026


def demo_sources(
    catalogue: DemoCatalogue,
    stack: ExitStack,
    marc_dir: Path,
    host: str = "127.0.0.1",
    media: DemoMedia | None = None,
) -> list[Source]:
    """Start the demo OAI endpoints and write the MARC export; the sources that reach them.

    With `media`, each library also publishes its scans and audio as a real one would:
    the OAI libraries serve them beside /oai, the MARC library beside its export file.
    """
    sources = []
    for library in catalogue.libraries:
        opac = DemoOpac(catalogue, library)  # each library's own catalogue, for holds
        if library.kind == "oai":
            app = make_wsgi_app(oai_repository(catalogue, library), page_size=50)
            if media is not None:
                app = with_media(app, media, library.key)
            url = stack.enter_context(serve_wsgi(with_opac(app, opac), "/oai", host=host))
            sources.append(
                Source(
                    library.key,
                    library.name,
                    "oai",
                    url,
                    metadata_prefix=library.metadata_prefix,
                    opac_url=opac_url_template(url),
                    **library_profile(library),
                )
            )
        else:
            path = marc_dir / f"{library.key}.mrc"
            catalogue.write_marc(library.key, path)
            if media is not None:
                publish_files(media, library, marc_dir)
            opac_url = opac_url_template(stack.enter_context(serve_wsgi(opac, host=host)))
            sources.append(
                Source(
                    library.key,
                    library.name,
                    "marc",
                    str(path.resolve()),
                    opac_url=opac_url,
                    **library_profile(library),
                )
            )
    return sources


def build_demo(
    settings: Settings,
    stack: ExitStack,
    *,
    works: int = 300,
    out: Callable[[str], None] = print,
    progress: bool = True,
) -> Store:
    """Harvest (twice: the second run shows it is incremental) and index the demo libraries."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    marc_dir = settings.data_dir / "demo"
    marc_dir.mkdir(exist_ok=True)
    store = Store(settings.db_url)
    install_demo_rules(store)
    catalogue = generate(seed=DEMO_SEED, works=works)
    media = DemoMedia(catalogue, settings.data_dir / "demo" / "media")
    sources = demo_sources(catalogue, stack, marc_dir, media=media)
    for source in sources:
        store.put_source(source)
    # Registered after the servers start, so it runs before they stop.
    stack.callback(disable_demo_sources, store, [s for s in sources if s.type == "oai"])
    options = HarvestOptions(progress=progress)
    out("Harvesting the demo libraries:")
    for run in harvest_sources(store, sources, settings.harvest, options):
        out("  " + summary_line(run))
    out("Harvesting again (incremental: nothing new is fetched):")
    for run in harvest_sources(store, sources, settings.harvest, options):
        out("  " + summary_line(run))
    try:
        index, rebuild = open_index(settings), False
    except IndexSchemaError:  # built by an older thuvien: the demo's index is derived data
        out("The search index was built by an older version of thuvien: rebuilding it.")
        index, rebuild = open_index(settings, recreate=True), True
    report = sync_index(
        store, index, rebuild=rebuild, onsite_networks=settings.rights.onsite_networks
    )
    out(report.line())
    stored = {o.object.stored_path for o in store.stored_objects()}
    out(f"{len(stored)} digital files ingested under {settings.data_dir / 'objects'}")
    out(f"{store.count_records()} records from {len(sources)} libraries in {settings.db_url}")
    return store


def disable_demo_sources(store: Store, sources: Iterable[Source]) -> None:
    """The demo's OAI endpoints are stopping: disable their sources, whose addresses
    (ports chosen for this run) nobody will answer at any more."""
    for source in sources:
        store.put_source(replace(source, enabled=False))


# The demo libraries' own rules, tried before the presets: what a librarian would set up,
# in the libraries' language (Vietnamese, the portal's default).
DEMO_RULES = (
    LicenceRule(
        name="Hồ sơ lưu trữ hạn chế — chỉ nhân viên thư viện",
        conditions=Conditions(collections=(vocab.RESTRICTED_ARCHIVE,)),
        outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
        reason="Loạt hồ sơ lưu trữ hạn chế: biểu ghi không hiển thị với ai ngoài nhân viên "
        "thư viện.",
    ),
    LicenceRule(
        name="Sách nói — bạn đọc đã đăng ký",
        conditions=Conditions(collections=(vocab.REGISTERED_AUDIO,)),
        outcomes=Outcomes(see_record="public", view_content="registered", download="registered"),
        reason="Sách nói được thu âm cho bạn đọc đã đăng ký (theo thoả thuận của thư viện).",
    ),
    LicenceRule(
        name="Tư liệu Hán Nôm — đọc bản gốc tại thư viện",
        conditions=Conditions(collections=(vocab.HAN_NOM,), formats=("manuscript",)),
        outcomes=Outcomes(see_record="public", view_content="onsite", download="staff"),
        reason="Thư tịch Hán Nôm dễ hư hại: bản quét được đọc tại phòng đọc của thư viện.",
    ),
)
DEMO_ACCOUNTS = (
    ("quantri", "admin", "Quản trị viên (demo)"),
    ("thuthu", "librarian", "Thủ thư (demo)"),
    ("bandoc", "reader", "Bạn đọc (demo)"),
)


def install_demo_rules(store: Store) -> None:
    """The demo's own rules, then the presets; once (a second demo run keeps what is there)."""
    if load_rules(store):
        return
    for rule in DEMO_RULES:
        save_rule(store, rule, updated_by="demo")
    install_presets(store, updated_by="demo")


def demo_accounts(store: Store) -> list[tuple[str, str, str]]:
    """An administrator, a librarian and a reader with fresh passwords: (username, role,
    password). The administrator sees the accounts and the audit log."""
    made = []
    for username, role, display_name in DEMO_ACCOUNTS:
        password = secrets.token_urlsafe(12)
        if users.find_user(store, username) is None:
            users.create_user(store, username, password, role=role, display_name=display_name)
        else:
            users.set_password(store, username, password)
        made.append((username, role, password))
    return made


def run_demo(settings: Settings, *, host: str, port: int, serve: bool, works: int = 300) -> int:
    with _stopped_by_sigterm(), ExitStack() as stack:
        store = build_demo(settings, stack, works=works)
        print("Demo accounts (passwords are new on every run):")
        for username, role, password in demo_accounts(store):
            print(f"  {role:<10} {username:<8} password: {password}")
        if not serve:
            print("The demo's OAI libraries stop now: their sources are disabled.")
            return 0
        from portal.serve import serve_portal

        serve_portal(settings, host=host, port=port, store=store)
    return 0


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    """SIGTERM (`kill`, a service manager) ends the demo like Ctrl-C does, so its clean-up
    (disabling the sources of the stopped libraries) runs."""
    if not hasattr(signal, "SIGTERM"):
        yield
        return
    try:
        previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
