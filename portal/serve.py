"""Serve the portal: waitress in one process, or gunicorn with several worker processes.

One Python process renders one page at a time (the GIL), however many threads it has;
a machine with more cores serves more pages with more processes. `workers` > 1 starts
gunicorn (Linux), each worker building its own app — its own store connection and its
own reader of the index folder, which the operating system's page cache shares.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import sys
from typing import TYPE_CHECKING, Any

from catalogue.settings import Settings
from catalogue.store import Store

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

THREADS = 8  # per process: requests waiting on the database or the disk overlap
MAX_WORKERS = 8  # the most worker processes `thuvien serve` starts by itself


def default_workers() -> int:
    """One worker process per core this process may run on (at most MAX_WORKERS): a
    process renders one page at a time, so a single one leaves every other core to its
    searches alone (bench/RESULTS.md: one process on two cores served 243 pages/s of
    popular searches, two 338). One core: waitress, in this process."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def serve_portal(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 5000,
    store: Store | None = None,
    workers: int = 1,
) -> None:
    from portal import warming
    from portal.app import create_app

    if workers > 1:
        if store is not None:
            raise ValueError("several worker processes open their own stores; pass none")
        _gunicorn(settings, host, port, workers)
        return
    import waitress

    app = create_app(settings, store=store)
    settle(app)
    warming.start(app)
    # A service manager stops a server with SIGTERM: exit as Ctrl-C does, so what is
    # kept at exit (the popular searches) is kept.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    print(f"thuvien is serving on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    waitress.serve(app, host=host, port=port, threads=THREADS, ident="thuvien")


def settle(app: Flask) -> None:
    """Compile every template now (a process's first results page otherwise pays ~50 ms
    for it, on a cold server's busiest second), then leave what starting made (modules,
    templates, the app) out of every later full garbage collection: they live as long
    as the process, and walking their hundred thousand objects again and again paused
    every request in it for tens of ms."""
    for name in app.jinja_env.list_templates(filter_func=lambda name: name.endswith(".html")):
        app.jinja_env.get_template(name)
    first_search(app)
    gc.collect()
    gc.freeze()


def first_search(app: Flask) -> None:
    """One filtered search with every facet of the results page, before serving (Solr's
    `firstSearcher` event): a process's first search pays about 100 ms once, for the
    index's columns opened and each facet value's share of the index counted, which a
    never-started server would otherwise pay in its busiest second. Only for the index
    in this process: Solr warms its own searchers (its `firstSearcher`), and a slow one
    would hold up every worker's start. A backend that fails is the requests' problem,
    not the start's."""
    from indexer import TantivyIndex
    from indexer.protocol import SearchQuery
    from portal.app import EXTENSION
    from portal.search_state import PAGE_FACETS

    index = app.extensions[EXTENSION].index
    if not isinstance(index, TantivyIndex):
        return
    query = SearchQuery(
        q="a", filters={"format": ["book"]}, facets=list(PAGE_FACETS), visibility=["public"]
    )
    try:
        index.search(query)
    except Exception:
        log.warning("the first search before serving failed", exc_info=True)


def _gunicorn(settings: Settings, host: str, port: int, workers: int) -> None:
    from gunicorn.app.base import BaseApplication

    from indexer.shared_results import shared_folder
    from portal import warming
    from portal.app import EXTENSION, create_app

    server = os.getpid()

    class Portal(BaseApplication):
        def load_config(self) -> None:
            options: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": THREADS,
                "preload_app": False,  # each worker opens the store and index itself
                "accesslog": None,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):  # noqa: ANN202 — a WSGI app
            app = create_app(settings)  # in each worker process
            index = app.extensions[EXTENSION].index
            if hasattr(index, "share_results"):  # tantivy: the workers answer once for all
                index.share_results(shared)
            settle(app)
            warming.start(app)
            return app

    shared = shared_folder()
    try:
        print(
            f"thuvien is serving on http://{host}:{port}/ with {workers} worker processes "
            "(Ctrl-C stops it)",
            flush=True,
        )
        Portal().run()
    finally:
        if os.getpid() == server:  # a worker leaving this function is not the server
            shutil.rmtree(shared, ignore_errors=True)
