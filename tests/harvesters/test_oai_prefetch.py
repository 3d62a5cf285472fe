"""The next ListRecords page is asked for while the current one is crosswalked and stored.

Nothing else changes: pages are committed in order with their tokens, and a next page
that fails fails the run only after the current page is committed (those failures are
tested in test_oai_harvest.py: persistent 500, broken pages, resume, expired tokens).
"""

from __future__ import annotations

import time

from catalogue.sources import Source
from catalogue.store import Store
from harvesters.runner import HarvestOptions, harvest_source
from tests.harvesters.test_oai_harvest import FAST, dc_repo, list_requests, serve


def test_the_next_page_is_requested_before_this_one_is_stored(tmp_path):
    faults, server = serve(dc_repo(count=30, deleted=()), page_size=10)
    store = Store(f"sqlite:///{tmp_path / 'cat.sqlite'}")
    saved, original = [], store.save_items

    def save_items(run_id, source_key, items, **kwargs):
        # The harvest is still on this page: the next page's request must already be
        # out (asked for on the prefetch thread), so wait for the server to see it.
        wanted, deadline = min(len(saved) + 2, 3), time.monotonic() + 5
        while len(list_requests(faults)) < wanted and time.monotonic() < deadline:
            time.sleep(0.01)
        saved.append((len(list_requests(faults)), kwargs.get("resumption_token")))
        return original(run_id, source_key, items, **kwargs)

    store.save_items = save_items
    with server as url:
        source = Source("qg", "Thư viện Quốc gia", "oai", url, metadata_prefix="oai_dc")
        store.put_source(source)
        run = harvest_source(store, source, FAST, HarvestOptions(progress=False))
    assert (run.status, run.added, run.pages) == ("succeeded", 30, 3), run.message
    # Page 1 was stored with page 2 already requested, page 2 with page 3; the tokens
    # committed are each page's own, in order, the last one empty.
    assert [requests for requests, _ in saved] == [2, 3, 3]
    tokens = [token for _, token in saved]
    assert tokens[0] and tokens[1] and tokens[0] != tokens[1] and tokens[2] == ""
    assert len(list_requests(faults)) == 3  # no page asked for twice, none beyond the end
    store.close()
