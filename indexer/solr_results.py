"""Solr JSON responses → protocol objects: hits, facet counts, spelling and autocomplete.

Solr renders its NamedLists either flat (`["a", 1, "b", 2]`, json.nl=flat, the default)
or as maps; `pairs` reads both so a server-side json.nl setting cannot break parsing.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from indexer.protocol import FacetCount, Hit
from indexer.query import Node, highlight_terms
from indexer.solr_query import HIGHLIGHT_FIELD
from indexer.solr_schema import MARK_POST, MARK_PRE
from indexer.text import highlight_html
from indexer.work_hit import work_hit


def pairs(value: Any) -> list[tuple[str, Any]]:
    """A Solr NamedList as (name, value) pairs, whether rendered flat or as a map."""
    if isinstance(value, dict):
        return [(str(k), v) for k, v in value.items()]
    if isinstance(value, list):
        return [(str(value[i]), value[i + 1]) for i in range(0, len(value) - 1, 2)]
    return []


def marked_html(fragment: str) -> str:
    """A highlighter fragment (matches between private-use markers) as escaped HTML.

    Solr returns the stored text unescaped; escaping happens here, once, so a record
    holding "<b>" or "&" can never inject markup into a results page.
    """
    text: list[str] = []
    spans: list[tuple[int, int]] = []
    length, start = 0, None
    for char in fragment:
        if char == MARK_PRE:
            start = length
        elif char == MARK_POST:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            text.append(char)
            length += 1
    return highlight_html("".join(text), spans)


def _payload(doc: dict[str, Any]) -> dict[str, Any]:
    value = doc.get("payload")
    if isinstance(value, list):  # a multiValued payload would come back as a list
        value = value[0] if value else "{}"
    return json.loads(value or "{}")


def build_hits(response: dict[str, Any], tree: Node, *, scored: bool) -> list[Hit]:
    """One Hit per returned work: its representative record plus every expanded record."""
    docs = (response.get("response") or {}).get("docs") or []
    expanded = dict(pairs(response.get("expanded")))
    highlighting = response.get("highlighting") or {}
    terms, prefixes = highlight_terms(tree)
    hits = []
    for doc in docs:
        best = _payload(doc)
        others = (expanded.get(str(doc.get("work_key"))) or {}).get("docs") or []
        fragments = (highlighting.get(str(doc.get("id"))) or {}).get(HIGHLIGHT_FIELD) or []
        body = marked_html(fragments[0]) if fragments and MARK_PRE in fragments[0] else ""
        score = doc.get("score") if scored else None
        hits.append(
            work_hit(
                best,
                (_payload(other) for other in others),
                terms=terms,
                prefixes=prefixes,
                body=body,
                score=float(score) if score is not None else None,
            )
        )
    return hits


def _facet_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def facet_counts(
    response: dict[str, Any], names: Sequence[str], limit: int
) -> dict[str, list[FacetCount]]:
    """Per facet, values by number of works (the `works` unique count), ties by value."""
    facets = response.get("facets") or {}
    out = {}
    for name in names:
        buckets = (facets.get(name) or {}).get("buckets") or []
        counts = [FacetCount(_facet_value(b.get("val")), int(b.get("works") or 0)) for b in buckets]
        counts = [fc for fc in counts if fc.count > 0]
        counts.sort(key=lambda fc: (-fc.count, fc.value))
        out[name] = counts[:limit]
    return out


def spell_suggestions(response: dict[str, Any]) -> dict[str, list[str]]:
    """The spellchecker's candidates per (folded) word; they may come from hidden records."""
    out: dict[str, list[str]] = {}
    suggestions = (response.get("spellcheck") or {}).get("suggestions")
    for word, info in pairs(suggestions):
        if not isinstance(info, dict):
            continue
        for item in info.get("suggestion") or []:
            found = item.get("word") if isinstance(item, dict) else item
            if isinstance(found, str) and found:
                out.setdefault(word, []).append(found)
    return out


def known_words(response: dict[str, Any], words: Sequence[str]) -> set[str]:
    """Words some visible record has (query facets k<i> of `build_spelling_params`)."""
    facets = response.get("facets") or {}
    return {w for i, w in enumerate(words) if int((facets.get(f"k{i}") or {}).get("count") or 0)}


def candidate_spellings(
    response: dict[str, Any], candidates: Sequence[str]
) -> dict[str, list[tuple[str, str, int]]]:
    """Per candidate: (folded, display, visible records) from the c<i> terms facets."""
    facets = response.get("facets") or {}
    out: dict[str, list[tuple[str, str, int]]] = {}
    for i, candidate in enumerate(candidates):
        for bucket in (facets.get(f"c{i}") or {}).get("buckets") or []:
            folded, _bar, display = str(bucket.get("val", "")).partition("|")
            count = int(bucket.get("count") or 0)
            if folded == candidate and display and count > 0:
                out.setdefault(candidate, []).append((folded, display, count))
    return out
