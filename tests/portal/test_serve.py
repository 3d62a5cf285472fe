"""What a serving process does once its app is made."""

from __future__ import annotations

import gc

from portal import serve
from portal.serve import settle


def test_settling_leaves_the_startup_objects_out_of_later_collections(app):
    try:
        made_at_start = [{"template": n} for n in range(1000)]
        settle(app)
        frozen = gc.get_freeze_count()
        assert frozen >= len(made_at_start)
        assert all(not _walked(obj) for obj in made_at_start[:10])
    finally:
        gc.unfreeze()


def test_settling_compiles_every_page_template(app):
    """A process's first page of each kind renders from a compiled template."""
    try:
        settle(app)
        compiled = {name for _loader, name in app.jinja_env.cache}
        assert {"search/results.html", "record/show.html", "base.html"} <= compiled
        pages = [n for n in app.jinja_env.list_templates() if n.endswith(".html")]
        assert len(pages) > 30 and set(pages) <= compiled
    finally:
        gc.unfreeze()


def test_settling_searches_once_before_serving(app, monkeypatch):
    """A process's first filtered search, with every facet of the results page, is made
    before its first reader asks (it pays for opening the index's columns)."""
    index = app.extensions["thuvien"].index
    asked = []
    real = index.search
    monkeypatch.setattr(index, "search", lambda query: asked.append(query) or real(query))
    try:
        settle(app)
    finally:
        gc.unfreeze()
    [query] = asked
    assert query.filters and set(query.facets) >= {"library", "format", "year"}


def test_settling_survives_a_backend_that_does_not_answer(app, monkeypatch, caplog):
    def down(_query):
        raise ConnectionError("the search backend is down")

    monkeypatch.setattr(app.extensions["thuvien"].index, "search", down)
    try:
        settle(app)  # no exception: requests get the friendly 503 page later
    finally:
        gc.unfreeze()
    assert "first search before serving failed" in caplog.text


def test_settling_leaves_a_solr_server_to_warm_its_own_searchers(app, monkeypatch):
    from indexer.solr_index import SolrIndex

    solr = SolrIndex("http://127.0.0.1:9/solr/thuvien")  # nothing listens: never asked
    asked = []
    monkeypatch.setattr(solr, "search", asked.append)
    monkeypatch.setattr(app.extensions["thuvien"], "index", solr)
    try:
        settle(app)
    finally:
        gc.unfreeze()
    assert asked == []


def _walked(obj: object) -> bool:
    """Whether a full collection would look at `obj` (frozen objects are not listed)."""
    return any(o is obj for o in gc.get_objects())


def test_one_worker_process_per_core_by_default(monkeypatch):
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    assert serve.default_workers() == 2
    monkeypatch.setattr(serve.os, "sched_getaffinity", lambda _pid: set(range(64)), raising=False)
    assert serve.default_workers() == serve.MAX_WORKERS
    monkeypatch.delattr(serve.os, "sched_getaffinity", raising=False)  # not Linux
    monkeypatch.setattr(serve.os, "cpu_count", lambda: None)
    assert serve.default_workers() == 1


def test_thuvien_serve_starts_the_default_number_of_workers(monkeypatch, tmp_path):
    from portal import cli

    started = []
    monkeypatch.setattr(serve, "default_workers", lambda: 3)
    monkeypatch.setattr(serve, "serve_portal", lambda settings, **kw: started.append(kw))
    assert cli.main(["--data-dir", str(tmp_path), "serve", "--port", "5999"]) == 0
    assert cli.main(["--data-dir", str(tmp_path), "serve", "--workers", "1"]) == 0
    assert [kw["workers"] for kw in started] == [3, 1]
