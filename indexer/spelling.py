"""Spelling ("did you mean"): pick a correction for a word from a backend's term dictionary.

Backends supply candidates (folded word, display form, document count) from the words
of visible titles, authors and subjects; this module picks the closest, most common one
and rewrites the user's query with it. Distance is measured on folded text, so a missing
diacritic is never a "typo" (folding already finds it).

Several words share one folded form ("lam": Lam, lâm, làm), so the correction is first a
folded word, the closest and then the most common; it is then written the way the reader
writes: without diacritics if they typed none ("Thach Lamm" → "Thach Lam", which finds
"Thạch Lam"), else in the display form nearest to theirs, and in their capitalisation.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from indexer.text import edit_distance, fold

MIN_LENGTH = 3


def max_distance(word: str) -> int:
    """One edit for short words, two from eight letters."""
    return 1 if len(word) < 8 else 2


def best_correction(word: str, candidates: Iterable[tuple[str, str, int]]) -> str | None:
    """The closest (then most frequent) folded word within reach, written as the reader
    writes (see the module docstring)."""
    folded = fold(word)
    if len(folded) < MIN_LENGTH or folded.isdigit():
        return None
    limit = max_distance(folded)
    distances: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    displays: dict[str, dict[str, int]] = defaultdict(dict)
    for cand_folded, display, freq in candidates:
        if cand_folded == folded or freq <= 0:
            continue
        if cand_folded not in distances:
            distances[cand_folded] = edit_distance(folded, cand_folded, limit + 1)
        if distances[cand_folded] > limit:
            continue
        counts[cand_folded] += freq
        form = display.lower()
        displays[cand_folded][form] = displays[cand_folded].get(form, 0) + freq
    if not counts:
        return None
    best = min(counts, key=lambda f: (distances[f], -counts[f], f))
    if fold(word) == word.lower():  # typed without diacritics: answer without them
        return _cased(best, word)
    mine = word.lower()
    forms = displays[best]
    form = min(forms, key=lambda d: (edit_distance(mine, d, len(mine) + len(d)), -forms[d], d))
    return _cased(form, word)


def _cased(text: str, like: str) -> str:
    """`text` in the capitalisation of `like`: "LAMM" → "LAM", "Lamm" → "Lam"."""
    if like.isupper() and len(like) > 1:
        return text.upper()
    if like[:1].isupper():
        return text[:1].upper() + text[1:]
    return text


def rewrite(q: str, corrections: dict[str, str]) -> str:
    """`q` with each corrected word replaced (whole words only, case-insensitive)."""
    for wrong, right in corrections.items():
        pattern = r"(?<![^\W_])" + re.escape(wrong) + r"(?![^\W_])"
        q = re.sub(pattern, lambda _m, r=right: r, q, flags=re.IGNORECASE)
    return q
