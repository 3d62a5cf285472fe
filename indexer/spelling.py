"""Spelling ("did you mean"): pick a correction for a word from a backend's term dictionary.

Backends supply candidates (folded word, display form, document count) from the words
of visible titles, authors and subjects; this module picks the closest, most common one
and rewrites the user's query with it. Distance is measured on folded text, so a missing
diacritic is never a "typo" (folding already finds it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from indexer.text import edit_distance, fold

MIN_LENGTH = 3


def max_distance(word: str) -> int:
    """One edit for short words, two from eight letters."""
    return 1 if len(word) < 8 else 2


def best_correction(word: str, candidates: Iterable[tuple[str, str, int]]) -> str | None:
    """The display form of the closest (then most frequent) candidate within reach."""
    folded = fold(word)
    if len(folded) < MIN_LENGTH or folded.isdigit():
        return None
    limit = max_distance(folded)
    best: tuple[int, int, str] | None = None
    for cand_folded, display, freq in candidates:
        if cand_folded == folded or freq <= 0:
            continue
        distance = edit_distance(folded, cand_folded, limit + 1)
        if distance > limit:
            continue
        key = (distance, -freq, display)
        if best is None or key < best:
            best = key
    return best[2] if best else None


def rewrite(q: str, corrections: dict[str, str]) -> str:
    """`q` with each corrected word replaced (whole words only, case-insensitive)."""
    for wrong, right in corrections.items():
        pattern = r"(?<![^\W_])" + re.escape(wrong) + r"(?![^\W_])"
        q = re.sub(pattern, lambda _m, r=right: r, q, flags=re.IGNORECASE)
    return q
