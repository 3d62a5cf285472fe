"""SolrIndex without a server: the requests it would send, the documents, the configset.

Nothing here fakes Solr's answers. The request parameters are built by pure functions
(`indexer.solr_query`), so these tests read exactly what would go over the wire and check
that user text only ever appears escaped inside `q`, or as the value of a parameter that
a local param dereferences — never as query syntax.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from lxml import etree

from indexer import SearchQuery, documents_for, parse, tantivy_schema
from indexer.protocol import ALL_OF_FACETS
from indexer.query import MatchAll, Term, fuzzy, leaves
from indexer.solr_index import SearchBackendError, SolrIndex
from indexer.solr_lucene import (
    MAX_LEAVES,
    _leaf_count,
    bounded,
    build_query,
    escape,
    keywords,
    lucene_escape,
    tokens,
)
from indexer.solr_query import (
    NOTHING,
    SEP,
    build_count_all_params,
    build_search_params,
    build_spelling_params,
    build_suggest_params,
    spell_words,
)
from indexer.solr_results import marked_html
from indexer.solr_schema import COPY_FIELDS, FACET_FIELDS, INTERNAL_FIELDS, to_solr
from indexer.tantivy_query import FIELD_GROUPS
from indexer.text import same_i
from tests.indexer.contract import HOSTILE
from tests.indexer.sample_records import sample_records, visibility_of

CONF = Path(__file__).resolve().parents[2] / "config" / "solr" / "conf"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def _xml(name: str) -> etree._Element:
    return etree.parse(str(CONF / name), _PARSER).getroot()


def _schema_fields() -> dict[str, etree._Element]:
    return {f.get("name"): f for f in _xml("managed-schema.xml").iter("field")}


# --- what user text may look like on the wire -----------------------------------------

_TERM_CHAR = r'(?:\\.|[^\s\\+\-&|!(){}\[\]^"~*?:/])'
_VALUE = rf'(?:"(?:\\.|[^"\\])*"|{_TERM_CHAR}+\*?(?:~[12])?|\[(?:\d+|\*) TO (?:\d+|\*)\])'


def _assert_safe_q(q: str) -> None:
    """`q` is only our grammar: searchable fields, escaped values, + - OR and parentheses.

    Never a filter field (visibility, library, ...): those are only in `fq`.
    """
    searched = {f for group in FIELD_GROUPS.values() for f, _a, _w in group} | {"year"}
    fields = "|".join(sorted(searched, key=len, reverse=True))
    token = re.compile(rf"\s*(?:\*:\*|(?:{fields}):{_VALUE}(?:\^[\d.]+)?|[()+\-]|OR\s|\^[\d.]+)")
    pos = 0
    while pos < len(q):
        match = token.match(q, pos)
        assert match and match.end() > pos, f"unexpected syntax at {q[pos : pos + 40]!r} in {q!r}"
        pos = match.end()
    assert "{!" not in q and "${" not in q


_TEMPLATES = [
    re.compile(r"\{!terms (?:tag=ff_\w+ )?f=(\w+) separator=\$fv_sep v=\$fv_\1(?:_\d+)?\}"),
    re.compile(r"\{!tag=ff_\w+\}" + re.escape(NOTHING)),
    re.compile(r"\{!collapse tag=work field=work_key( sort='\w+ (asc|desc),id asc')?\}"),
    re.compile(re.escape(NOTHING)),
    re.compile(r"\{!prefix f=suggest v=\$sg_prefix cache=false\}"),
]


def _assert_safe_params(params: dict, *user_texts: str) -> None:
    """Local params only from our templates; user text never inside any of them."""
    assert params["expandMacros"] == "false"
    _assert_safe_q(params["q"])
    if "hl.q" in params:
        _assert_safe_q(params["hl.q"])
    fqs = params["fq"]
    assert fqs[0] in ("{!terms f=visibility separator=$fv_sep v=$fv_visibility}", NOTHING)
    for fq in [*fqs, params.get("expand.fq", NOTHING)]:
        assert any(t.fullmatch(fq) for t in _TEMPLATES), fq
    for name, value in params.items():
        literal = ("fv_", "sp_", "sg_", "spellcheck.q", "f.suggest.facet.")
        if name in ("q", "hl.q") or name.startswith(literal):
            continue  # q: checked token by token above; the rest are literal values
        text = json.dumps(value) if not isinstance(value, str) else value
        for user in user_texts:
            if len(user) > 3 and user not in ("*:*",):
                assert user not in text, (name, user)


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


# --- query rendering --------------------------------------------------------------------


def test_folding_both_ways_and_exact_boost():
    q = build_query(parse("Đại"))
    assert "title:dai^4" in q and "title_exact:đại^3" in q
    # typed without diacritics: the folded fields only (exact twins would favour
    # records that lack diacritics too), as the tantivy backend ranks
    plain = build_query(parse("dai"))
    assert plain.count("dai") >= 6 and "_exact" not in plain


def test_folded_tokens_are_what_the_folding_analyzers_index():
    """Query words for Solr's folded fields are folded in Python as Lucene's (and
    tantivy's) ASCII folding does: Latin letters lose their marks, other scripts keep
    theirs ("Толстой" is indexed "толстой", not "толстои")."""
    analyzer = tantivy_schema.analyzers()[tantivy_schema.FOLD]
    words = ["Толстой", "Ελληνικά", "Lý", "Đại", "Nguyễn", "THÚY", "Straße", "Łódź", "Ærø", "Mỹ"]
    for word in words:
        assert tokens(word, tantivy_schema.FOLD) == analyzer.analyze(same_i(word)), word
    assert "title:толстой^4" in build_query(parse("Толстой"))


def test_prefix_is_folded_in_python():
    for typed in ("THĂNG*", "thăng*", "thang*"):
        q = build_query(parse(typed))
        assert "title:thang*^4" in q
    assert "title_exact:thăng*^3" in build_query(parse("THĂNG*"))
    assert build_query(parse("title:thăn*")) == "(title:than*^4 OR title_exact:thăn*^3)"


def test_fielded_identifiers_years_and_booleans():
    assert build_query(parse("isbn:978-604-1-23456-7")) == "identifiers:9786041234567^1"
    assert build_query(parse("year:1936")) == "year:1936"
    assert build_query(parse("year:-1900")) == "year:[* TO 1900]"
    assert build_query(parse("author:kiều")) == "(authors:kieu^3 OR authors_exact:kiều^2)"
    assert build_query(parse("-kiều")).startswith("(+*:* -(")
    both = build_query(parse("kiều -tale"))
    assert both.startswith("(+(") and " -(title:tale^4" in both
    assert " OR " in build_query(parse("zzzz OR đỏ"))


def test_phrases_and_fuzzy():
    assert 'title:"pho phuong"^4' in build_query(parse('"phố phường"'))
    fuzzy = build_query(Term("kiue", fuzzy=1))
    assert "title:kiue~1^4" in fuzzy and "title_exact" not in fuzzy


def test_bare_clauses_only_score():
    """Required clauses carry "+"; the proximity boosts are bare, so the default operator
    must be OR: with AND the standard parser makes every bare clause required
    (SolrQueryParserBase.addClause), and "ha noi" would need "ha noi" in both the title
    and the authors."""
    params = build_search_params(SearchQuery(q="kiều tale"))
    assert params["q.op"] == "OR"
    q = params["q"]
    assert q.startswith("(+(") and ' title:"kieu tale"^4 authors:"kieu tale"^3)' in q
    select = _xml("solrconfig.xml").find("requestHandler[@name='/select']")
    assert select.findtext("lst[@name='defaults']/str[@name='q.op']") == "OR"


def test_a_typo_fallback_stays_under_the_clause_limit():
    """A fuzzy word rewrites to up to 50 terms in each field it is searched in: the
    fallback keeps its first words fuzzy and gives up fuzziness from the end, then words."""
    three = fuzzy(parse("truyenn kieuu nguyenn"))
    assert _leaf_count(three) > MAX_LEAVES  # 3 words x 7 fields x 50 terms
    kept = bounded(three)
    assert _leaf_count(kept) <= MAX_LEAVES
    assert [leaf.fuzzy for leaf in leaves(kept)] == [1, 1, 0]
    assert "title:truyenn~1^4" in build_query(kept) and "kieuu~1" in build_query(kept)
    many = fuzzy(parse(" ".join(f"tuaf{chr(97 + i)}" for i in range(26))))
    assert _leaf_count(bounded(many)) <= MAX_LEAVES
    assert bounded(fuzzy(parse("kieuu"))) == fuzzy(parse("kieuu"))  # within: unchanged


def test_sorts_collapse_and_paging():
    params = build_search_params(SearchQuery(sort="year_asc", page=3, per_page=10))
    assert params["sort"] == "year asc,id asc"
    assert params["fq"][-1] == "{!collapse tag=work field=work_key sort='year asc,id asc'}"
    assert (params["start"], params["rows"]) == (20, 10)
    assert "score" not in params["fl"]
    deep = build_search_params(SearchQuery(page=11, per_page=100))
    assert deep["rows"] == 0 and "expand" not in deep
    relevance = build_search_params(SearchQuery(q="kiều"))
    assert relevance["fq"][-1] == "{!collapse tag=work field=work_key}"
    assert relevance["fl"].endswith(",score") and relevance["hl"] == "true"


def test_snippets_mark_only_body_matches():
    params = build_search_params(SearchQuery(q="đoạn trường -kiều title:tale"))
    assert params["hl.q"] == "(body:doan^1 OR body:truong^1)"
    assert params["hl.requireFieldMatch"] == "true" and params["hl.fl"] == "body"
    assert "hl" not in build_search_params(SearchQuery(q="title:kiều"))
    assert "hl" not in build_search_params(SearchQuery())


def test_facets_count_works_over_uncollapsed_records():
    facets = json.loads(
        build_search_params(SearchQuery(facets=["library", "year"])).get("json.facet")
    )
    for name, field in (("library", "library"), ("year", "year")):
        facet = facets[name]
        assert facet["field"] == field
        assert facet["facet"] == {"works": "unique(work_key)"}
        assert facet["domain"] == {"excludeTags": ["work", f"ff_{name}"]}
        assert facet["sort"] == "works desc" and facet["prelim_sort"] == "count desc"


def test_long_pasted_phrases_stay_under_the_clause_limit():
    q = " ".join('"' + " ".join(f"w{i}x{j}" for j in range(30)) + '"' for i in range(6))
    tree = parse(q)
    assert bounded(tree) != tree
    assert len(leaves(bounded(tree))) <= 32
    _assert_safe_q(build_search_params(SearchQuery(q=q))["q"])
    short = parse('"phố phường" kiều')
    assert bounded(short) is short
    assert keywords("{!func} *:*") == Term("func")
    assert keywords("***") == MatchAll()


def test_spell_words():
    assert spell_words(parse("Truyện Kiue 1936 ab")) == ["truyen", "kiue"]
    assert spell_words(parse("kiều*")) == []
    assert "spellcheck.q" not in build_search_params(SearchQuery(q="year:1936"))


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


# --- the configset ------------------------------------------------------------------------


def test_configset_declares_every_field_documents_use():
    fields = _schema_fields()
    docs = documents_for(sample_records(), visibility=visibility_of)
    for doc in docs:
        for key, value in to_solr(doc).items():
            assert key in fields, key
            if isinstance(value, list):
                assert fields[key].get("multiValued") == "true", key
    searched = {f for group in FIELD_GROUPS.values() for f, _a, _w in group}
    assert searched <= set(fields)
    assert set(FACET_FIELDS.values()) <= set(fields)
    assert set(COPY_FIELDS) | set(COPY_FIELDS.values()) | set(INTERNAL_FIELDS) <= set(fields)


class _RecordingSchemaBuilder:
    """Stands in for tantivy.SchemaBuilder to list the fields build_schema declares."""

    names: list[str] = []

    def __init__(self) -> None:
        type(self).names = []

    def __getattr__(self, method: str):
        def add(name: str, *args, **kwargs) -> None:
            type(self).names.append(name)

        return add

    def build(self) -> list[str]:
        return type(self).names


def test_configset_mirrors_tantivy_fields(monkeypatch):
    monkeypatch.setattr(tantivy_schema.tantivy, "SchemaBuilder", _RecordingSchemaBuilder)
    names = set(tantivy_schema.build_schema())
    assert "title_exact" in names and "payload" in names
    # work_num is tantivy's numeric twin of work_key (Solr collapses on work_key itself);
    # sample selects works for tantivy's estimated counts and `any` is tantivy's cheap
    # match-only twin of the text fields (Solr counts facets itself, in the same request)
    assert names - {"work_num", "sample", "any"} <= set(_schema_fields())


def test_configset_copy_fields_and_key():
    root = _xml("managed-schema.xml")
    copies = {(c.get("source"), c.get("dest")) for c in root.iter("copyField")}
    assert copies == set(COPY_FIELDS.items())
    assert root.findtext("uniqueKey") == "id"
    assert root.get("version") in ("1.6", "1.7")


def test_configset_types():
    root = _xml("managed-schema.xml")
    types = {t.get("name"): t for t in root.iter("fieldType")}
    fields = _schema_fields()

    def filters(name):
        return [f.get("class") for f in types[name].iter("filter")]

    assert "solr.ASCIIFoldingFilterFactory" in filters("vi_fold")
    assert "solr.ASCIIFoldingFilterFactory" not in filters("vi_exact")
    for name in [*FACET_FIELDS.values(), "work_key", "title_sort", "id", "suggest", "spell"]:
        ftype = types[fields[name].get("type")]
        assert ftype.get("docValues") == "true", name  # facets, sort, collapse
    assert fields["work_key"].get("multiValued") == "false"  # collapse needs one value
    assert fields["body"].get("stored") == "true"  # highlighting
    assert fields["_version_"] is not None


def test_solrconfig():
    root = _xml("solrconfig.xml")
    assert root.findtext("luceneMatchVersion").startswith("9.")
    factory = root.find("schemaFactory")
    assert factory.get("class") == "ManagedIndexSchemaFactory"
    assert factory.findtext("str[@name='managedSchemaResourceName']") == "managed-schema.xml"
    assert root.find("updateHandler/updateLog") is not None
    assert "-1" in root.findtext("updateHandler/autoSoftCommit/maxTime")
    assert root.findtext("updateHandler/autoCommit/openSearcher") == "false"
    select = root.find("requestHandler[@name='/select']")
    assert select.findtext("lst[@name='invariants']/str[@name='expandMacros']") == "false"
    assert select.findtext("arr[@name='last-components']/str") == "spellcheck"
    spell = root.find("searchComponent[@name='spellcheck']/lst[@name='spellchecker']")
    assert spell.findtext("str[@name='field']") in _schema_fields()
    assert root.find(".//lib") is None  # usable as an untrusted configset


# --- errors -------------------------------------------------------------------------------


def test_unreachable_solr_is_a_backend_error():
    index = SolrIndex("http://127.0.0.1:9/solr/thuvien", timeout=2)
    with pytest.raises(SearchBackendError) as info:
        index.count()
    assert info.value.status is None
    index.close()


def test_a_facet_is_counted_without_its_own_filter():
    """Multi-select: the library facet ignores the library filter, not the format one."""
    params = build_search_params(
        SearchQuery(filters={"library": ["a"], "format": ["book"]}, facets=["library", "format"])
    )
    facets = json.loads(params["json.facet"])
    assert facets["library"]["domain"]["excludeTags"] == ["work", "ff_library"]
    assert facets["format"]["domain"]["excludeTags"] == ["work", "ff_format"]


def test_subject_values_each_narrow_and_are_counted_within_the_result():
    """An ALL_OF_FACETS facet: one untagged filter per value (all must hold), and its
    counts keep every filter (only the collapse is left out)."""
    params = build_search_params(
        SearchQuery(
            filters={"subject": ["Hà Nội", "Lịch sử"], "library": ["a"]},
            facets=["subject", "library"],
        )
    )
    fqs = params["fq"]
    assert "{!terms f=subject separator=$fv_sep v=$fv_subject_0}" in fqs
    assert "{!terms f=subject separator=$fv_sep v=$fv_subject_1}" in fqs
    assert (params["fv_subject_0"], params["fv_subject_1"]) == ("Hà Nội", "Lịch sử")
    assert not any("ff_subject" in fq for fq in fqs)
    facets = json.loads(params["json.facet"])
    assert facets["subject"]["domain"]["excludeTags"] == ["work"]
    assert facets["library"]["domain"]["excludeTags"] == ["work", "ff_library"]
    _assert_safe_params(params, "Hà Nội", "Lịch sử")
