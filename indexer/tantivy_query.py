"""Query tree → tantivy Query objects. No query string is ever parsed here.

Every Term/Phrase is analysed with the same analyzers the index used, per field, and
becomes term, phrase, prefix (regex), or fuzzy queries, weighted per field: a title
match outranks a description match, the exact-diacritics twin of each field adds to
the folded one, so "Hà Nội" ranks above "Hạ Nổi" while both match.

Words typed next to each other score more when they stand next to each other in the
title or the author (like edismax's `pf`): Vietnamese words are often two or three
syllables, so "Hà Nội" as adjacent syllables is what the reader meant, not "hà" in one
field and "nội" in another.

Counting and facets need which records match, not how well: `build(node, scored=False)`
matches exactly the same records more cheaply. An exact-diacritics field never matches
what its folded twin does not, so those are left out, and a one-word term asks the
`any` field (every folded text, document ids only) instead of seven fields.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import tantivy

from indexer.identifiers import compact
from indexer.protocol import ALL_OF_FACETS, VISIBILITY_LEVELS
from indexer.query import And, MatchAll, Node, Not, Or, Phrase, Range, Term, typed_together
from indexer.tantivy_schema import EXACT, FACET_FIELDS, FOLD, IDENT
from indexer.text import has_word, nfc, same_i

Must, Should, MustNot = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
Clause = tuple[tantivy.Occur, tantivy.Query]  # a filter: (Must, query) or (MustNot, query)

# (tantivy field, analyzer, weight). The title weighs well above the authors (VuFind's
# AllFields: title 500, author 300): scores are summed per field, each with its own idf,
# so a word rare among authors ("Lịch sử" in "Hội Khoa học Lịch sử Việt Nam") once beat
# the same word in titles, where it is common, and a journal whose publishing body
# names "Hà Nội" outranked books titled "Hà Nội …".
_TITLE = [("title", FOLD, 8.0), ("title_exact", EXACT, 6.0)]
_AUTHOR = [("authors", FOLD, 3.0), ("authors_exact", EXACT, 2.0)]
_SUBJECT = [("subjects", FOLD, 2.0), ("subjects_exact", EXACT, 1.5)]
_BODY = [("body", FOLD, 1.0), ("body_exact", EXACT, 0.7)]
_OTHER = [("misc", FOLD, 0.5), ("call_numbers", FOLD, 1.0), ("identifiers", IDENT, 8.0)]
# Words typed together as a phrase in these fields: (field, weight). Only the whole run:
# a boost per adjacent pair (edismax's pf2) cost half again the search time at 1M records.
# The authors' phrase counts less than the title's for the same reason as above: corporate
# authors are long names full of topical words.
PROXIMITY = [("title", 8.0), ("authors", 2.0)]


def proximity_phrases(tokens: list[str]) -> list[tuple[str, list[str], float]]:
    """(field, phrase tokens, weight) boosts for folded tokens typed together."""
    if len(tokens) < 2:
        return []
    return [(field, tokens, weight) for field, weight in PROXIMITY]


FIELD_GROUPS: dict[str | None, list[tuple[str, str, float]]] = {
    None: _TITLE + _AUTHOR + _SUBJECT + _BODY + _OTHER,
    "title": _TITLE,
    "author": _AUTHOR,
    "subject": _SUBJECT,
    "isbn": [("identifiers", IDENT, 1.0)],
    "issn": [("identifiers", IDENT, 1.0)],
    "callnumber": [("call_numbers", FOLD, 1.0)],
}
# What a one-word keyword matches, for a query that is not scored.
_MATCH_WORD = [("any", FOLD, 1.0), ("identifiers", IDENT, 1.0)]


def ranking_groups(
    field: str | None, folded: list[str], exact: list[str]
) -> list[tuple[str, str, float]]:
    """The groups a term is ranked in, given its folded and exact tokens.

    Text typed without diacritics leaves out the exact-diacritics twins: they would only
    favour records that also lack them ("Ha Noi" over "Hà Nội"), which is not what a
    reader typing on a phone without Vietnamese keys asks for, and they cost a third of
    the ranking."""
    groups = FIELD_GROUPS.get(field, FIELD_GROUPS[None])
    if folded == exact:
        return [group for group in groups if group[1] != EXACT]
    return groups


def match_groups(field: str | None, one_word: bool) -> list[tuple[str, str, float]]:
    """The fields a term must be looked up in when only matching counts."""
    if field is None and one_word:
        return _MATCH_WORD
    return [group for group in FIELD_GROUPS.get(field, FIELD_GROUPS[None]) if group[1] != EXACT]


def _regex_escape(token: str) -> str:
    """Escape ASCII punctuation for tantivy's regex syntax (tokens are alphanumeric anyway)."""
    return re.sub(r"([^\w])", r"\\\1", token, flags=re.ASCII) if not token.isalnum() else token


@dataclass
class QueryBuilder:
    schema: tantivy.Schema
    analyzers: dict[str, tantivy.TextAnalyzer]

    def tokens(self, text: str, analyzer: str) -> list[str]:
        if analyzer == IDENT:
            value = compact(text)
            return [value] if has_word(value) else []
        text = nfc(text)
        return self.analyzers[analyzer].analyze(same_i(text) if analyzer == FOLD else text)

    def build(self, node: Node, scored: bool = True) -> tantivy.Query | None:
        """A Query for the tree, or None when nothing in it is searchable; not `scored`,
        one that matches the same records and only that (see the module docstring)."""
        if isinstance(node, MatchAll):
            return tantivy.Query.all_query()
        if isinstance(node, Term):
            return self._term(node, scored)
        if isinstance(node, Phrase):
            return self._phrase(node, scored)
        if isinstance(node, Range):
            return tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Integer, node.low, node.high
            )
        if isinstance(node, Not):
            inner = self.build(node.child, scored)
            if inner is None:
                return None
            return tantivy.Query.boolean_query(
                [(Must, tantivy.Query.all_query()), (MustNot, inner)]
            )
        if isinstance(node, And):
            return self._and(node.children, scored)
        if isinstance(node, Or):
            parts = [q for q in (self.build(c, scored) for c in node.children) if q is not None]
            if not parts:
                return None
            return parts[0] if len(parts) == 1 else _bool(Should, parts)
        return None

    def _and(self, children: Sequence[Node], scored: bool) -> tantivy.Query | None:
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for child in children:
            if isinstance(child, Not):
                inner = self.build(child.child, scored)
                if inner is not None:
                    clauses.append((MustNot, inner))
            else:
                query = self.build(child, scored)
                if query is not None:
                    clauses.append((Must, query))
        if not clauses:
            return None
        if all(occur == MustNot for occur, _ in clauses):
            clauses.insert(0, (Must, tantivy.Query.all_query()))
        if scored:
            clauses.extend((Should, q) for q in self._proximity(children))
        if len(clauses) == 1 and clauses[0][0] == Must:
            return clauses[0][1]
        return tantivy.Query.boolean_query(clauses)

    def _proximity(self, children: Sequence[Node]) -> list[tantivy.Query]:
        """Score boosts for the plain words typed together standing together."""
        together = typed_together(children)
        tokens = self.tokens(together, FOLD) if together else []
        return [
            tantivy.Query.boost_query(self._words(field, words), weight)
            for field, words, weight in proximity_phrases(tokens)
        ]

    def _term(self, term: Term, scored: bool) -> tantivy.Query | None:
        if term.field == "year":
            try:
                return tantivy.Query.term_query(self.schema, "year", int(term.text))
            except ValueError:
                return None
        parts = []
        for field, analyzer, weight in self._groups(term.field, term.text, scored):
            tokens = self.tokens(term.text, analyzer)
            if not tokens:
                continue
            if term.prefix:
                query = self._prefix(field, tokens)
            elif term.fuzzy and len(tokens) == 1:
                if analyzer == EXACT:
                    continue  # the folded twin carries fuzzy matching
                query = tantivy.Query.fuzzy_term_query(
                    self.schema, field, tokens[0], distance=term.fuzzy
                )
            else:
                query = self._words(field, tokens)
            parts.append(tantivy.Query.boost_query(query, weight))
        return _bool(Should, parts) if parts else None

    def _phrase(self, phrase: Phrase, scored: bool) -> tantivy.Query | None:
        parts = []
        for field, analyzer, weight in self._groups(phrase.field, phrase.text, scored):
            tokens = self.tokens(phrase.text, analyzer)
            if tokens:
                parts.append(tantivy.Query.boost_query(self._words(field, tokens), weight))
        return _bool(Should, parts) if parts else None

    def _groups(self, field: str | None, text: str, scored: bool) -> list[tuple[str, str, float]]:
        """The (field, analyzer, weight) groups a term or phrase is looked up in."""
        folded = self.tokens(text, FOLD)
        if not scored:
            return match_groups(field, len(folded) <= 1)
        return ranking_groups(field, folded, self.tokens(text, EXACT))

    def _words(self, field: str, tokens: list[str]) -> tantivy.Query:
        if len(tokens) == 1:  # a one-word phrase query panics in tantivy
            return tantivy.Query.term_query(self.schema, field, tokens[0])
        return tantivy.Query.phrase_query(self.schema, field, tokens)

    def _prefix(self, field: str, tokens: list[str]) -> tantivy.Query:
        if len(tokens) == 1:
            pattern = _regex_escape(tokens[0]) + ".*"
            return tantivy.Query.regex_query(self.schema, field, pattern)
        return tantivy.Query.phrase_prefix_query(self.schema, field, tokens)

    def filters(self, filters: dict[str, list[str]], visibility: list[str]) -> list[Clause]:
        """The clauses every match must pass: visibility, then one per facet (its values
        OR-ed), or one per value of an ALL_OF_FACETS facet; each constant-score."""
        out = self.visibility_clauses(visibility)
        for name, values in filters.items():
            field = FACET_FIELDS.get(name)
            if field is None:
                continue
            if field == "year":
                years = [int(v) for v in values if re_year(v)]
                out.append((Must, self._set("year", years)))
            elif name in ALL_OF_FACETS:
                out.extend((Must, self._set(field, [value])) for value in values)
            else:
                out.append((Must, self._set(field, values)))
        return out

    def visibility_clauses(self, visibility: Sequence[str]) -> list[Clause]:
        """Records at a level the reader may not see are excluded, rather than records at
        the levels they may see required: every record holds exactly one level of
        VISIBILITY_LEVELS and nearly all are public, so requiring "public" walks a
        posting list as long as the index for every candidate (a tenth of a ranked
        search at 1M records), while excluding the few others skips through short ones."""
        allowed = set(visibility) & set(VISIBILITY_LEVELS)
        if not allowed:
            return [(Must, tantivy.Query.empty_query())]
        return [
            (MustNot, tantivy.Query.term_query(self.schema, "visibility", level))
            for level in VISIBILITY_LEVELS
            if level not in allowed
        ]

    def visible(self, visibility: Sequence[str]) -> tantivy.Query:
        """The records the reader may see, as one query (for a term walk's filter)."""
        return self._set("visibility", [v for v in visibility if v in VISIBILITY_LEVELS])

    def _set(self, field: str, values: Sequence[object]) -> tantivy.Query:
        """One value: its posting list, which an intersection skips through. Several:
        a term set, which first marks every matching document (for "visibility is
        public", the whole index: a few milliseconds each time a search evaluates it)."""
        if not values:
            return tantivy.Query.empty_query()
        if len(values) == 1:
            query = tantivy.Query.term_query(self.schema, field, values[0])
        else:
            query = tantivy.Query.term_set_query(self.schema, field, list(values))
        return tantivy.Query.const_score_query(query, 0.0)


def re_year(value: str) -> bool:
    return bool(re.fullmatch(r"-?\d{1,4}", value.strip()))


def _bool(occur: tantivy.Occur, queries: list[tantivy.Query]) -> tantivy.Query:
    if len(queries) == 1:
        return queries[0]
    return tantivy.Query.boolean_query([(occur, q) for q in queries])


def restrict(query: tantivy.Query, clauses: Sequence[Clause]) -> tantivy.Query:
    """`query` that must also pass every filter clause."""
    return tantivy.Query.boolean_query([(Must, query), *clauses])
