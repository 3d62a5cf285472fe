"""SearchQuery → Solr request parameters. Pure functions: no I/O, tested without a server.

User text reaches Solr in exactly two shapes, never as query syntax of its own:

- escaped tokens inside `q` (rendered by `indexer.solr_lucene`);
- values in separate request parameters that a local param dereferences
  (`fq={!terms f=library separator=$fv_sep v=$fv_library}`, `{!prefix f=suggest
  v=$sg_prefix}`): Solr reads them as literal terms and never parses them.

Every request sets `expandMacros=false` (also an invariant in solrconfig.xml, so `${…}`
in a value is inert) and carries the visibility filter as its first `fq`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from indexer.protocol import ALL_OF_FACETS, SearchQuery
from indexer.query import Node, parse, positive_words
from indexer.solr_lucene import MAX_TOKEN, bounded, build_query, clean, highlight_query
from indexer.solr_schema import FACET_FIELDS, MARK_POST, MARK_PRE
from indexer.tantivy_query import re_year
from indexer.text import folded_words

# Separates filter values inside one dereferenced parameter: "␟", printable (no proxy or
# log mangles it) and never in a real value (a value containing it is stripped of it).
SEP = "\u241f"
NOTHING = "-*:*"  # a filter nothing passes (no visibility level, no valid year)
WORK_TAG = "work"  # tags the collapse filter so facets can count uncollapsed records
EXPAND_ROWS = 200  # records per work returned with a hit (its holdings)
SPELL_MIN = 3
FIELDS_RETURNED = "id,work_key,payload"
HIGHLIGHT_FIELD = "body"

# Main sort, and how each work picks its representative record (None: best score).
SORTS: dict[str, tuple[str, str | None]] = {
    "relevance": ("score desc,id asc", None),
    "year_desc": ("year desc,id asc", "year desc,id asc"),
    "year_asc": ("year asc,id asc", "year asc,id asc"),
    "title": ("title_sort asc,id asc", "title_sort asc,id asc"),
}

BASE_PARAMS: dict[str, str] = {
    "defType": "lucene",
    # Bare clauses are optional: every required or excluded one is written with "+"/"-"
    # (solr_lucene), and a bare one is a score-only boost such as the proximity phrases.
    # AND would make those required too (SolrQueryParserBase.addClause).
    "q.op": "OR",
    "sow": "true",
    "df": "title",
    "expandMacros": "false",
    "echoParams": "none",
    "omitHeader": "true",
    "wt": "json",
}

# --- filters -----------------------------------------------------------------------------


def _terms_filter(
    field: str, values: Iterable[object], params: dict[str, str], slot: int | None = None
) -> str:
    """A filter on literal values passed by parameter (named for the field, and `slot`
    when a field has several filters); NOTHING when none is usable."""
    kept = [clean(str(v)).replace(SEP, "") for v in values]
    kept = list(dict.fromkeys(v for v in kept if v))
    if not kept:
        return NOTHING
    name = f"fv_{field}" if slot is None else f"fv_{field}_{slot}"
    params[name] = SEP.join(kept)
    params["fv_sep"] = SEP
    return f"{{!terms f={field} separator=$fv_sep v=${name}}}"


def filter_params(
    filters: dict[str, list[str]], visibility: Sequence[str]
) -> tuple[list[str], dict[str, str]]:
    """Filter queries — visibility first, always — and the parameters they dereference."""
    params: dict[str, str] = {}
    fqs = [_terms_filter("visibility", visibility, params)]
    for name, values in filters.items():
        field = FACET_FIELDS.get(name)
        if field is None:
            continue
        if name in ALL_OF_FACETS:  # each value its own filter, all must hold; untagged
            fqs.extend(_terms_filter(field, [value], params, n) for n, value in enumerate(values))
            continue
        if field == "year":
            fq = _terms_filter(field, [int(v) for v in values if re_year(v)], params)
        else:
            fq = _terms_filter(field, values, params)
        # Tagged, so that facet can be counted without it (see facet_json).
        tag = filter_tag(name)
        fqs.append(
            f"{{!tag={tag}}}{fq}"
            if fq == NOTHING
            else fq.replace("{!terms ", f"{{!terms tag={tag} ", 1)
        )
    return fqs, params


def filter_tag(name: str) -> str:
    """The tag of a facet's filter: its own facet is counted without it (multi-select)."""
    return f"ff_{name}"


def collapse_filter(head_sort: str | None) -> str:
    """One record per work; tagged so facets can exclude it and count every record."""
    sort = f" sort='{head_sort}'" if head_sort else ""
    return f"{{!collapse tag={WORK_TAG} field=work_key{sort}}}"


# --- requests ------------------------------------------------------------------------------


def facet_json(names: Sequence[str], limit: int) -> str:
    """Top values per facet by number of works: top by records first, then unique works.

    Each facet is counted without the collapse (every record) and without its own filter
    (values within a facet are OR-ed: a reader who picked one library sees the others),
    except an ALL_OF_FACETS facet, whose values narrow the result and are counted in it."""
    facets = {
        name: {
            "type": "terms",
            "field": FACET_FIELDS[name],
            "limit": limit * 2 + 10,
            "mincount": 1,
            "prelim_sort": "count desc",
            "sort": "works desc",
            "refine": True,
            "domain": {
                "excludeTags": [WORK_TAG] if name in ALL_OF_FACETS else [WORK_TAG, filter_tag(name)]
            },
            "facet": {"works": "unique(work_key)"},
        }
        for name in names
        if name in FACET_FIELDS
    }
    return json.dumps(facets, separators=(",", ":"))


def spell_words(tree: Node) -> list[str]:
    """Folded words of the positive text terms that "did you mean" may correct."""
    found = []
    for term in positive_words(tree):
        for word in folded_words(clean(term.text)):
            if len(word) >= SPELL_MIN and not word.isdigit() and len(word) <= MAX_TOKEN:
                found.append(word)
    return list(dict.fromkeys(found))


def _base(query: SearchQuery, tree: Node) -> dict[str, Any]:
    fqs, params = filter_params(query.filters, query.visibility)
    _sort, head = SORTS[query.sort]
    return {
        **BASE_PARAMS,
        **params,
        "q": build_query(bounded(tree)) or "*:*",
        "fq": [*fqs, collapse_filter(head)],
    }


def build_search_params(
    query: SearchQuery, tree: Node | None = None, *, spelling: bool = True
) -> dict[str, Any]:
    """One request: a page of works, their visible records, facets, snippets, spelling."""
    tree = parse(query.q) if tree is None else tree
    params = _base(query, tree)
    scored = query.sort == "relevance"
    params.update(
        sort=SORTS[query.sort][0],
        start=query.offset,
        rows=query.limit,
        fl=FIELDS_RETURNED + (",score" if scored else ""),
    )
    if query.limit:
        params.update(
            {
                "expand": "true",
                "expand.field": "work_key",
                "expand.q": "*:*",
                "expand.fq": params["fq"][0],  # every visible record of the work
                "expand.rows": EXPAND_ROWS,
                "expand.sort": "id asc",
            }
        )
        marked = highlight_query(bounded(tree), HIGHLIGHT_FIELD)
        if marked is not None:
            params.update(
                {
                    "hl": "true",
                    "hl.method": "unified",
                    "hl.fl": HIGHLIGHT_FIELD,
                    "hl.q": marked,
                    "hl.qparser": "lucene",
                    "hl.requireFieldMatch": "true",
                    "hl.snippets": 1,
                    "hl.fragsize": 240,
                    "hl.tag.pre": MARK_PRE,
                    "hl.tag.post": MARK_POST,
                    "hl.defaultSummary": "false",
                }
            )
    if query.facets:
        params["json.facet"] = facet_json(query.facets, query.facet_limit)
    spell = spell_words(tree) if spelling else []
    if spell:
        params.update(
            {
                "spellcheck": "true",
                "spellcheck.dictionary": "default",
                "spellcheck.q": " ".join(spell),
                "spellcheck.count": 10,
                "spellcheck.alternativeTermCount": 10,
                "spellcheck.collate": "false",
                "spellcheck.extendedResults": "false",
            }
        )
    return params


def build_count_params(query: SearchQuery, tree: Node) -> dict[str, Any]:
    """How many works `tree` finds under the query's filters (nothing else)."""
    return {**_base(query, tree), "rows": 0}


def build_count_all_params() -> dict[str, Any]:
    """Every committed record, whatever its visibility (the protocol's `count`)."""
    return {**BASE_PARAMS, "q": "*:*", "rows": 0}


def build_suggest_params(key: str, visibility: Sequence[str], limit: int = 2000) -> dict[str, Any]:
    """Autocomplete entries starting with `key`, counted over visible records only.

    The `fq` on the prefix (by parameter, uncached) narrows faceting to the few records
    that have such an entry; `facet.prefix` is a literal byte prefix, never parsed.
    Faceting only counts records that pass the visibility filter, so a hidden record's
    title cannot appear.
    """
    fqs, params = filter_params({}, visibility)
    return {
        **BASE_PARAMS,
        **params,
        "q": "*:*",
        "fq": [*fqs, "{!prefix f=suggest v=$sg_prefix cache=false}"],
        "sg_prefix": clean(key),
        "rows": 0,
        "facet": "true",
        "facet.field": "suggest",
        "f.suggest.facet.prefix": clean(key),
        "f.suggest.facet.limit": limit,
        "f.suggest.facet.mincount": 1,
        "f.suggest.facet.sort": "count",
    }


def build_spelling_params(
    words_: Sequence[str], candidates: Sequence[str], visibility: Sequence[str]
) -> dict[str, Any]:
    """Which words visible records know, and the display forms of candidate corrections.

    `k<i>` counts visible records with a word (user text, by parameter); `c<i>` lists
    "folded|display" spellings of a candidate the spellchecker proposed (index terms),
    faceting only the records that have it (a prefix filter on the postings).
    """
    fqs, params = filter_params({}, visibility)
    facets: dict[str, Any] = {}
    for i, word in enumerate(words_):
        params[f"sp_k{i}"] = clean(word) + "|"
        facets[f"k{i}"] = {"type": "query", "q": f"{{!prefix f=spell v=$sp_k{i} cache=false}}"}
    for i, candidate in enumerate(candidates):
        params[f"sp_c{i}"] = clean(candidate) + "|"
        facets[f"c{i}"] = {
            "type": "terms",
            "field": "spell",
            "prefix": params[f"sp_c{i}"],
            "limit": 20,
            "mincount": 1,
            "domain": {"filter": f"{{!prefix f=spell v=$sp_c{i} cache=false}}"},
        }
    return {
        **BASE_PARAMS,
        **params,
        "q": "*:*",
        "fq": fqs,
        "rows": 0,
        "json.facet": json.dumps(facets, separators=(",", ":")),
    }
