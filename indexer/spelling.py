"""Spelling ("did you mean"): pick a correction for a word from a backend's term dictionary.

Backends supply candidates (folded word, display form, document count) from the words
of visible titles, authors and subjects; this module picks the closest, most common one
and rewrites the user's query with it. Distance is measured on folded text, so a missing
diacritic is never a "typo" (folding already finds it).

Several words share one folded form ("lam": Lam, lâm, làm), so the correction is first a
folded word, the closest and then the most common; it is then written the way the reader
writes: without diacritics if they typed none ("Thach Lamm" → "Thach Lam", which finds
"Thạch Lam"), else in the display form nearest to theirs, and in their capitalisation.

A word may have several corrections as close as each other ("duu": du, duc, dau), and
the most common one alone is often not what the reader meant ("nguyen duu" is Nguyễn
Du, not the commoner Đức). So, as Solr's collation does, a few whole corrected queries
are tried (`collations`), and the nearest one that finds the most is suggested (`pick`).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from indexer.text import edit_distance, fold, unmarked

MIN_LENGTH = 3
CHOICES = 3  # corrections considered per word
MAX_TRIES = 4  # corrected queries counted at most (Solr's maxCollationTries)


def max_distance(word: str) -> int:
    """One edit for short words, two from eight letters."""
    return 1 if len(word) < 8 else 2


def corrections(
    word: str, candidates: Iterable[tuple[str, str, int]], n: int = CHOICES
) -> list[tuple[str, int]]:
    """Up to `n` corrections within reach, closest first, then most frequent, each with
    its distance, written as the reader writes (see the module docstring)."""
    folded = fold(word)
    if len(folded) < MIN_LENGTH or folded.isdigit():
        return []
    limit = max_distance(folded)
    distances: dict[str, int] = {}
    counts: dict[str, int] = defaultdict(int)
    displays: dict[str, dict[str, int]] = defaultdict(dict)
    for cand_folded, display, freq in candidates:
        if cand_folded == folded or freq <= 0:
            continue
        form = display.lower()
        distance = distances.get(cand_folded)
        if distance is None:
            distance = distances[cand_folded] = edit_distance(folded, cand_folded, limit + 1)
        # Folding writes "ký" as "ki" (ký and kí are one spelling), so "kyy" is measured
        # against the written letters too: one edit from "ky", not two from "ki".
        written = unmarked(form)
        if distance > limit and written != cand_folded:
            distance = min(distance, edit_distance(folded, written, limit + 1))
            distances[cand_folded] = min(distances[cand_folded], distance)
        if distance > limit:
            continue
        counts[cand_folded] += freq
        displays[cand_folded][form] = displays[cand_folded].get(form, 0) + freq
    ranked = sorted(counts, key=lambda f: (distances[f], -counts[f], f))[:n]
    return [(_written(word, displays[best]), distances[best]) for best in ranked]


def best_correction(word: str, candidates: Iterable[tuple[str, str, int]]) -> str | None:
    """The closest (then most frequent) correction within reach, or None."""
    found = corrections(word, candidates, 1)
    return found[0][0] if found else None


def collations(
    q: str, options: dict[str, list[tuple[str, int]]], tries: int = MAX_TRIES
) -> list[tuple[str, int]]:
    """Corrected queries to try, each with its total distance, nearest first: every
    word's first choice, then each word's next choices one at a time."""
    options = {word: found for word, found in options.items() if found}
    if not options:
        return []
    first = {word: found[0] for word, found in options.items()}
    out = [_collated(q, first)]
    for word, found in options.items():
        for choice in found[1:]:
            out.append(_collated(q, {**first, word: choice}))
    out.sort(key=lambda tried: tried[1])  # stable: first choices ahead of equals
    return out[:tries]


def pick(tried: Sequence[tuple[str, int, int]], more_than: int) -> str | None:
    """Of (suggestion, distance, records found) tries, the nearest one that finds more
    than `more_than` records, the one finding the most among equally near ones."""
    useful = [t for t in tried if t[2] > more_than]
    if not useful:
        return None
    return min(useful, key=lambda t: (t[1], -t[2]))[0]


def _collated(q: str, chosen: dict[str, tuple[str, int]]) -> tuple[str, int]:
    rewritten = rewrite(q, {word: correction for word, (correction, _d) in chosen.items()})
    return rewritten, sum(distance for _c, distance in chosen.values())


def _written(word: str, forms: dict[str, int]) -> str:
    """A correction, given its display `forms` (with their counts), as the reader writes
    it: the form nearest to theirs, without diacritics if they typed none; in their
    capitalisation."""
    mine = word.lower()
    if fold(word) == mine:  # typed without diacritics: answer without them ("ky", not "ki")
        forms = _summed((unmarked(form), n) for form, n in forms.items())
    form = min(forms, key=lambda d: (edit_distance(mine, d, len(mine) + len(d)), -forms[d], d))
    return _cased(form, word)


def _summed(pairs: Iterable[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = defaultdict(int)
    for key, n in pairs:
        out[key] += n
    return out


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
