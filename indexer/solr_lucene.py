"""Query tree → a Lucene query string for Solr's standard parser. Pure functions.

User text only ever appears here as analysed *tokens* (folded, lowercased or compacted
in Python, as the schema's analyzers would), each through `escape`: `lucene_escape`
plus a guard for the bare words AND/OR/NOT/TO. Prefix and fuzzy terms are folded here
because Solr does not analyse them. Each word searches the fields of
`indexer.tantivy_query.FIELD_GROUPS` with the same weights, so both backends rank with
the same intent. Booleans are explicit `+`/`-`/`OR` in parentheses, never relying on the
classic parser's operator precedence.
"""

from __future__ import annotations

import re
from dataclasses import replace

from indexer.identifiers import compact
from indexer.query import (
    MAX_CLAUSES,
    And,
    MatchAll,
    Node,
    Not,
    Or,
    Phrase,
    Range,
    Term,
    leaves,
    positive_leaves,
    typed_together,
)
from indexer.tantivy_query import FIELD_GROUPS, proximity_phrases, ranking_groups
from indexer.tantivy_schema import EXACT, FOLD, IDENT
from indexer.text import ascii_fold, has_word, nfc, words

MAX_TOKEN = 100  # the schema's LengthFilter: longer tokens are not indexed
MAX_PHRASE = 32  # tokens per phrase: keeps a pasted paragraph under maxBooleanClauses
MAX_LEAVES = 900  # leaf clauses per query, below Solr's default maxBooleanClauses (1024)
FUZZY_EXPANSIONS = 50  # terms a fuzzy word rewrites to at most (FuzzyQuery's maxExpansions)

Group = list[tuple[str, str, float]]  # (Solr field, analyzer, weight)

_KEYWORDS = {"AND", "OR", "NOT", "TO"}
_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')
_SURROGATES = re.compile("[\ud800-\udfff\x00]")


def clean(text: str) -> str:
    """Drop what cannot travel in a URL (lone surrogates) or means nothing (NUL)."""
    return _SURROGATES.sub("", text)


def lucene_escape(text: str) -> str:
    """Escape every Lucene/Solr query metacharacter and whitespace in a value."""
    escaped = _LUCENE_SPECIAL.sub(r"\\\1", text)
    return re.sub(r"\s", lambda m: "\\" + m.group(0), escaped)


def escape(token: str) -> str:
    """A token as a literal Lucene term: metacharacters escaped, bare operators too."""
    escaped = lucene_escape(clean(token))
    return "\\" + escaped if escaped in _KEYWORDS else escaped


def tokens(text: str, analyzer: str) -> list[str]:
    """What the field's analyzer would index for `text` (folded, lowercased, compacted)."""
    text = nfc(clean(text))
    if analyzer == IDENT:
        value = compact(text)
        return [value] if has_word(value) else []
    found = [ascii_fold(w) if analyzer == FOLD else w.lower() for w in words(text)]
    return [t for t in found if t and len(t) <= MAX_TOKEN][:MAX_PHRASE]


def _phrase(field: str, parts: list[str]) -> str:
    if len(parts) == 1:
        return f"{field}:{escape(parts[0])}"
    inner = " ".join(parts).replace("\\", "\\\\").replace('"', '\\"')
    return f'{field}:"{inner}"'


def _prefix(field: str, parts: list[str]) -> str:
    """Prefix on the last token; earlier tokens as a phrase (close to a phrase-prefix)."""
    last = f"{field}:{escape(parts[-1])}*"
    return last if len(parts) == 1 else f"(+{_phrase(field, parts[:-1])} +{last})"


def _any(clauses: list[str]) -> str | None:
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else "(" + " OR ".join(clauses) + ")"


def _group(field: str | None, text: str) -> Group:
    return ranking_groups(field, tokens(text, FOLD), tokens(text, EXACT))


def _term(term: Term, group: Group | None = None) -> str | None:
    if term.field == "year":
        try:
            return f"year:{int(term.text)}"
        except ValueError:
            return None
    clauses = []
    for field, analyzer, weight in _group(term.field, term.text) if group is None else group:
        parts = tokens(term.text, analyzer)
        if not parts:
            continue
        if term.prefix:
            clause = _prefix(field, parts)
        elif term.fuzzy and len(parts) == 1:
            if analyzer == EXACT:
                continue  # the folded twin carries fuzzy matching
            clause = f"{field}:{escape(parts[0])}~{int(term.fuzzy)}"
        else:
            clause = _phrase(field, parts)
        clauses.append(f"{clause}^{weight:g}")
    return _any(clauses)


def _phrase_node(phrase: Phrase, group: Group | None = None) -> str | None:
    clauses = []
    for field, analyzer, weight in _group(phrase.field, phrase.text) if group is None else group:
        parts = tokens(phrase.text, analyzer)
        if parts:
            clauses.append(f"{_phrase(field, parts)}^{weight:g}")
    return _any(clauses)


def build_query(node: Node) -> str | None:
    """The tree as a Lucene query string, or None when nothing in it is searchable."""
    if isinstance(node, MatchAll):
        return "*:*"
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Phrase):
        return _phrase_node(node)
    if isinstance(node, Range):
        low = "*" if node.low is None else str(int(node.low))
        high = "*" if node.high is None else str(int(node.high))
        return f"year:[{low} TO {high}]"
    if isinstance(node, Not):
        inner = build_query(node.child)
        return None if inner is None else f"(+*:* -{inner})"
    if isinstance(node, And):
        clauses = []
        for child in node.children:
            negate = isinstance(child, Not)
            inner = build_query(child.child if isinstance(child, Not) else child)
            if inner is not None:
                clauses.append(("-" if negate else "+") + inner)
        if not clauses:
            return None
        if all(c.startswith("-") for c in clauses):
            clauses.insert(0, "+*:*")
        together = typed_together(node.children)
        for field, parts, weight in proximity_phrases(tokens(together, FOLD) if together else []):
            clauses.append(f"{_phrase(field, parts)}^{weight:g}")  # optional: score only
        if len(clauses) == 1:
            return clauses[0][1:]
        return "(" + " ".join(clauses) + ")"
    if isinstance(node, Or):
        return _any([q for q in (build_query(c) for c in node.children) if q is not None])
    return None


def highlight_query(tree: Node, field: str) -> str | None:
    """The tree's positive, unfielded words and phrases on `field` alone: what a snippet
    of that field should mark (used with hl.requireFieldMatch=true)."""
    group = [entry for entry in FIELD_GROUPS[None] if entry[0] == field]
    clauses = []
    for leaf in positive_leaves(tree):
        if leaf.field is not None:
            continue
        clause = _term(leaf, group) if isinstance(leaf, Term) else _phrase_node(leaf, group)
        if clause is not None:
            clauses.append(clause)
    return _any(clauses)


def keywords(text: str) -> Node:
    """Just the words of `text`: the fallback when a structured query cannot be run."""
    terms = [Term(w) for w in words(clean(text))[:MAX_CLAUSES]]
    if not terms:
        return MatchAll()
    return terms[0] if len(terms) == 1 else And(tuple(terms))


def _leaf_count(tree: Node) -> int:
    """Roughly how many leaf clauses Lucene will count for the rendered tree, once its
    fuzzy words are rewritten to the terms they match (up to FUZZY_EXPANSIONS each)."""
    total = 0
    for leaf in leaves(tree):
        if isinstance(leaf, (Term, Phrase)):
            each = FUZZY_EXPANSIONS if isinstance(leaf, Term) and leaf.fuzzy else 1
            for _field, analyzer, _weight in _group(leaf.field, leaf.text):
                total += len(tokens(leaf.text, analyzer)) * each
        else:
            total += 1
    return total


def bounded(tree: Node) -> Node:
    """The tree, or a smaller one when it would exceed Solr's maxBooleanClauses (1024).

    Lucene 9 counts every term of every phrase in every field, and every term a fuzzy
    word rewrites to: a few pasted paragraphs in quotes, or a typo fallback of several
    long words, would otherwise make Solr reject the request. Fuzziness is given up
    from the last word back first; then only the words are kept.
    """
    while _leaf_count(tree) > MAX_LEAVES:
        fewer = _unfuzz_last(tree)
        if fewer is None:
            texts = [leaf.text for leaf in leaves(tree) if isinstance(leaf, (Term, Phrase))]
            return keywords(" ".join(texts))
        tree = fewer
    return tree


def _unfuzz_last(tree: Node) -> Node | None:
    """The tree with its last fuzzy word made exact, or None when none is fuzzy."""
    if isinstance(tree, Term):
        return replace(tree, fuzzy=0) if tree.fuzzy else None
    if isinstance(tree, (And, Or)):
        children = list(tree.children)
        for at in range(len(children) - 1, -1, -1):
            changed = _unfuzz_last(children[at])
            if changed is not None:
                children[at] = changed
                return type(tree)(tuple(children))
    return None
