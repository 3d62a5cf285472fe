"""Autocomplete: the terms a document contributes, and how the matching ones rank.

Each title and author name is indexed as raw terms "folded key␟rank␟kind␟display",
one per starting word (up to the 8th), so a prefix of the key finds the display text
whether the reader typed its first word or a later one ("kieu" finds "Truyện Kiều").
Both backends list the terms under a prefix with their record counts and rank them
here: titles and names starting with the prefix first, then those used by more
records, then alphabetically (diacritics-blind). The kind lets the search box group
titles apart from authors, as VuFind and Blacklight do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from indexer.text import fold, words

SEP = "\x1f"
TITLE, AUTHOR = "title", "author"
KINDS = (TITLE, AUTHOR)
_WORDS = 8  # autocomplete also from the 2nd…8th word
_KEY_CHARS = 80
_DISPLAY_CHARS = 200


@dataclass(frozen=True)
class Suggestion:
    text: str
    kind: str  # TITLE or AUTHOR


def suggest_entries(titles: Iterable[str], authors: Iterable[str]) -> list[str]:
    """A document's autocomplete terms."""
    entries: list[str] = []
    for kind, texts in ((TITLE, titles), (AUTHOR, authors)):
        for text in texts:
            folded = [fold(w) for w in words(text)]
            display = " ".join(text.split())[:_DISPLAY_CHARS]
            for start in range(min(len(folded), _WORDS)):
                key = " ".join(folded[start:])[:_KEY_CHARS]
                if key:
                    rank = 0 if start == 0 else 1
                    entries.append(SEP.join((key, str(rank), kind, display)))
    return list(dict.fromkeys(entries))


def document_entries(doc: Mapping[str, Any]) -> list[str]:
    """The terms of a search document (documents.to_document)."""
    return suggest_entries(doc.get("suggest_titles") or [], doc.get("suggest_authors") or [])


def rank_suggestions(terms: Iterable[tuple[str, object]], limit: int) -> list[Suggestion]:
    """(term, records using it) pairs → the best `limit` suggestions; malformed terms
    and counts are skipped. A text that is both a title and a name keeps its best rank."""
    ranked: dict[tuple[str, str], tuple[str, int, str, str]] = {}
    for term, freq in terms:
        parts = term.split(SEP)
        if len(parts) != 4 or not isinstance(freq, int) or freq <= 0 or parts[2] not in KINDS:
            continue
        _key, rank, kind, display = parts
        entry = (rank, -freq, display, kind)
        key = (kind, display.lower())
        seen = ranked.get(key)
        if seen is None or entry < seen:
            ranked[key] = entry
    best = sorted(ranked.values(), key=lambda e: (e[0], e[1], fold(e[2]), e[3]))
    return [Suggestion(display, kind) for _rank, _freq, display, kind in best[:limit]]
