"""SolrIndex without a server: the documents it sends, the marks it reads back, and
an unreachable server's error.

Nothing here fakes Solr's answers: these tests read exactly what would go over the wire.
"""

from __future__ import annotations

import json

import pytest

from indexer import documents_for
from indexer.solr_index import SearchBackendError, SolrIndex
from indexer.solr_results import marked_html
from indexer.solr_schema import to_solr
from tests.indexer.sample_records import sample_records, visibility_of

# --- documents ---------------------------------------------------------------------------


def test_to_solr_payload_round_trips_display_fields():
    docs = documents_for(sample_records(), visibility=visibility_of)
    doc = next(d for d in docs if d["id"] == "hanoi-library:hn-so-do")
    solr = to_solr(doc)
    payload = json.loads(solr["payload"])
    assert payload["fields"]["online"] is True and payload["fields"]["year"] == 1936
    assert payload["holdings"][0]["call_number"] == "SN 0001"
    assert solr["online"] == "true" and solr["year"] == 1936
    assert all(isinstance(v, (str, int, list)) for v in solr.values())
    assert not any(isinstance(v, dict) for v in solr.values())  # never child documents


def test_to_solr_strips_highlight_markers():
    doc = documents_for(sample_records()[:1])[0]
    doc["description"] = "fake \ue000mark\ue001"
    assert "\ue000" not in to_solr(doc)["body"]


def test_marked_html_escapes_and_marks():
    html = marked_html("<đoạn> \ue000trường\ue001 & \ue001x\ue000")
    assert html == "&lt;đoạn&gt; <mark>trường</mark> &amp; x"


# --- errors -------------------------------------------------------------------------------


def test_unreachable_solr_is_a_backend_error():
    index = SolrIndex("http://127.0.0.1:9/solr/thuvien", timeout=2)
    with pytest.raises(SearchBackendError) as info:
        index.count()
    assert info.value.status is None
    index.close()
