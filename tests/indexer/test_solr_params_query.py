"""SolrIndex requests without a server: how a search renders as Lucene and Solr params.

Nothing here fakes Solr's answers: these tests read exactly what would go over the wire.
"""

from __future__ import annotations

import json

from indexer import SearchQuery, parse, tantivy_schema
from indexer.query import MatchAll, Term, fuzzy, leaves
from indexer.solr_lucene import MAX_LEAVES, _leaf_count, bounded, build_query, keywords, tokens
from indexer.solr_query import build_search_params, spell_words
from indexer.text import same_i
from tests.support.solr_params import _assert_safe_params, _assert_safe_q, _xml

# --- query rendering --------------------------------------------------------------------


def test_folding_both_ways_and_exact_boost():
    q = build_query(parse("Đại"))
    assert "title:dai^8" in q and "title_exact:đại^6" in q
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
    assert "title:толстой^8" in build_query(parse("Толстой"))


def test_prefix_is_folded_in_python():
    for typed in ("THĂNG*", "thăng*", "thang*"):
        q = build_query(parse(typed))
        assert "title:thang*^8" in q
    assert "title_exact:thăng*^6" in build_query(parse("THĂNG*"))
    assert build_query(parse("title:thăn*")) == "(title:than*^8 OR title_exact:thăn*^6)"


def test_fielded_identifiers_years_and_booleans():
    assert build_query(parse("isbn:978-604-1-23456-7")) == "identifiers:9786041234567^1"
    assert build_query(parse("year:1936")) == "year:1936"
    assert build_query(parse("year:-1900")) == "year:[* TO 1900]"
    assert build_query(parse("author:kiều")) == "(authors:kieu^3 OR authors_exact:kiều^2)"
    assert build_query(parse("-kiều")).startswith("(+*:* -(")
    both = build_query(parse("kiều -tale"))
    assert both.startswith("(+(") and " -(title:tale^8" in both
    assert " OR " in build_query(parse("zzzz OR đỏ"))


def test_phrases_and_fuzzy():
    assert 'title:"pho phuong"^8' in build_query(parse('"phố phường"'))
    fuzzy = build_query(Term("kiue", fuzzy=1))
    assert "title:kiue~1^8" in fuzzy and "title_exact" not in fuzzy


def test_bare_clauses_only_score():
    """Required clauses carry "+"; the proximity boosts are bare, so the default operator
    must be OR: with AND the standard parser makes every bare clause required
    (SolrQueryParserBase.addClause), and "ha noi" would need "ha noi" in both the title
    and the authors."""
    params = build_search_params(SearchQuery(q="kiều tale"))
    assert params["q.op"] == "OR"
    q = params["q"]
    assert q.startswith("(+(") and ' title:"kieu tale"^8 authors:"kieu tale"^2)' in q
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
    assert "title:truyenn~1^8" in build_query(kept) and "kieuu~1" in build_query(kept)
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


# --- facet filters and counts -------------------------------------------------------------


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
