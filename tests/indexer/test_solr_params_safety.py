"""SolrIndex requests without a server: user text never becomes query syntax.

Nothing here fakes Solr's answers: these tests read exactly what would go over the wire.
"""

from __future__ import annotations

import json

import pytest

from indexer import SearchQuery, parse
from indexer.protocol import ALL_OF_FACETS
from indexer.solr_lucene import build_query, escape, lucene_escape
from indexer.solr_query import (
    NOTHING,
    SEP,
    build_count_all_params,
    build_search_params,
    build_spelling_params,
    build_suggest_params,
)
from indexer.solr_schema import FACET_FIELDS
from tests.indexer.contract import HOSTILE
from tests.support.solr_params import _assert_safe_params, _assert_safe_q


@pytest.mark.parametrize(
    "q",
    [
        *HOSTILE,
        "{!xmlparser v='<!DOCTYPE a [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><a>&x;</a>'}",
        "*:*",
        "title:foo) OR (id:*",
        "{!func}sum(1,2)",
        '_query_:"{!func}x"',
        "filter(id:1) OR id:[* TO *]",
        "${fv_visibility}",
        "kiều {!terms f=visibility v=hidden}",
        "AND",
        'isbn:"{!xmlparser}"',
        "\ud800 lone surrogate",
    ],
)
def test_user_text_is_only_escaped(q):
    params = build_search_params(SearchQuery(q=q, facets=["library"]))
    _assert_safe_params(params, q)
    json.loads(params["json.facet"])


@pytest.mark.parametrize(
    "q",
    [
        "title:a OR {!func}x",
        "title:a AND id:*",
        "title:a _query_:x",
        "title:a OR visibility:hidden",
        "title:a\\ OR *",
        'title:"a" OR "b"',
        "title:${q}",
    ],
)
def test_the_checker_catches_injection(q):
    with pytest.raises(AssertionError):
        _assert_safe_q(q)


def test_local_params_in_a_word_are_escaped():
    q = build_query(parse("isbn:{!func}x"))
    assert q == "identifiers:" + lucene_escape("{!func}x") + "^1"
    _assert_safe_q(q)


def test_bare_operators_are_escaped():
    assert escape("AND") == "\\AND"
    assert escape("OR") == "\\OR"
    assert escape("and") == "and"
    assert escape("a b") == "a\\ b"


@pytest.mark.parametrize(
    "filters",
    [
        {"library": ["x} OR *:*", "{!func}1", "a\u241fb"]},
        {"format": ["book) OR (visibility:hidden"], "year": ["1936", "1=1", "-12"]},
        {"subject": ["${fv_visibility}"], "online": ["TRUE"]},
    ],
)
def test_filter_values_travel_by_parameter(filters):
    params = build_search_params(SearchQuery(q="kiều", filters=filters))
    values = [v for vs in filters.values() for v in vs]
    _assert_safe_params(params, *values)
    for name in filters:
        field = FACET_FIELDS[name]
        fq = f"{{!terms tag=ff_{name} f={field} separator=$fv_sep v=$fv_{field}}}"
        if name in ALL_OF_FACETS:  # one untagged filter per value
            fq = f"{{!terms f={field} separator=$fv_sep v=$fv_{field}_0}}"
        assert fq in params["fq"]
    if "subject" in filters:
        assert params["fv_subject_0"] == "${fv_visibility}"  # a literal value, not a macro
    if "library" in filters:
        assert params["fv_library"].split(SEP) == ["x} OR *:*", "{!func}1", "ab"]
    if "year" in filters:
        assert params["fv_year"].split(SEP) == ["1936", "-12"]


def test_visibility_filter_is_always_first_and_expanded():
    staff = ["public", "staff", "x} OR *:* OR {!"]
    params = build_search_params(SearchQuery(q="kiều", visibility=staff))
    _assert_safe_params(params, *staff)
    assert params["fq"][0] == params["expand.fq"]
    assert params["fv_visibility"].split(SEP) == staff
    assert params["expand.q"] == "*:*"


def test_no_visibility_matches_nothing():
    params = build_search_params(SearchQuery(q="kiều", visibility=[]))
    assert params["fq"][0] == NOTHING
    assert params["expand.fq"] == NOTHING
    assert build_suggest_params("truy", [])["fq"][0] == NOTHING


def test_invalid_year_filter_matches_nothing():
    params = build_search_params(SearchQuery(filters={"year": ["abc"]}))
    assert "{!tag=ff_year}" + NOTHING in params["fq"][1:]  # tagged like any facet filter


def test_every_request_carries_visibility():
    visible = "{!terms f=visibility separator=$fv_sep v=$fv_visibility}"
    requests = [
        build_search_params(SearchQuery(q="a")),
        build_search_params(SearchQuery()),
        build_suggest_params("{!xmlparser", ["public"]),
        build_spelling_params(["kiue"], ["kieu"], ["public"]),
    ]
    for params in requests:
        assert params["fq"][0] == visible
        assert params["expandMacros"] == "false"
    assert "fq" not in build_count_all_params()  # count() is every record, by definition


def test_suggest_prefix_is_a_literal_parameter():
    params = build_suggest_params("{!xmlparser v=$q}", ["public"])
    assert params["f.suggest.facet.prefix"] == params["sg_prefix"] == "{!xmlparser v=$q}"
    assert params["q"] == "*:*"
    _assert_safe_params(params, "{!xmlparser v=$q}")


def test_spelling_words_are_dereferenced():
    params = build_spelling_params(["kiue", "x}{!func"], ["kieu"], ["public"])
    facets = json.loads(params["json.facet"])
    assert facets["k0"]["q"] == "{!prefix f=spell v=$sp_k0 cache=false}"
    assert facets["k1"]["q"] == "{!prefix f=spell v=$sp_k1 cache=false}"
    assert params["sp_k1"] == "x}{!func|"
    assert facets["c0"]["prefix"] == params["sp_c0"] == "kieu|"
    assert facets["c0"]["domain"] == {"filter": "{!prefix f=spell v=$sp_c0 cache=false}"}
    _assert_safe_params(params, "x}{!func")
