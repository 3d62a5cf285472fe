"""Work keys: which records from different libraries are the same book.

Precision before recall: listing one book twice is an annoyance, merging two different
books hides one of them. So:

- ISBN overlap links records (checksum-valid only; `Record.invalid_isbns` never link).
- ISSN links only records without an ISBN: a series ISSN is shared by every volume.
- A record without identifiers links by title proper + author (or, for anonymous works,
  publisher) + year, and joins an ISBN cluster only if exactly one cluster has that key.
  Printed maps and pictures (postcards, prints) rarely name an author or a publisher:
  they link by title proper + format + year. Anything else without a year, or without
  both author and publisher (a manuscript, an archival file), stays on its own.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from catalogue.record import Record
from indexer.identifiers import normalise_isbn, normalise_issn
from indexer.names import name_key
from indexer.text import folded_words, strip_article, title_proper

# Formats whose copies are usually catalogued without author or publisher.
_PRINTED_ANONYMOUS = frozenset({"map", "image"})

# Key kinds in order of preference when a cluster has several.
_RANK = {"isbn": 0, "issn": 1, "t": 2, "rec": 3}


def valid_isbns(record: Record) -> list[str]:
    """The record's checksum-valid ISBN-13s, sorted; `invalid_isbns` are left out."""
    found = {normalise_isbn(value) for value in record.isbns}
    invalid = {normalise_isbn(value) for value in record.invalid_isbns}
    return sorted(v for v in found if v and v not in invalid)


def valid_issns(record: Record) -> list[str]:
    return sorted({v for v in (normalise_issn(value) for value in record.issns) if v})


def normalised_title(record: Record) -> str:
    """Title proper, without article, ISBD punctuation or diacritics."""
    proper = title_proper(record.title)
    return " ".join(folded_words(strip_article(proper, record.languages)))


def title_key(record: Record) -> str | None:
    """The title/author/year key, or None when the record is too thin to match safely."""
    title = normalised_title(record)
    if not title or record.year is None:
        return None
    who = name_key(record.authors[0]) if record.authors else ""
    if not who:
        who = "pub:" + " ".join(folded_words(record.publisher))
        if who == "pub:":
            if record.format not in _PRINTED_ANONYMOUS:
                return None
            who = "fmt:" + record.format
    raw = f"{title}|{who}|{record.year}"
    return "t:" + hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def _identifier_keys(record: Record) -> list[str]:
    isbns = valid_isbns(record)
    if isbns:
        return [f"isbn:{v}" for v in isbns]
    return [f"issn:{v}" for v in valid_issns(record)]


def work_key(record: Record) -> str:
    """The record's key on its own: smallest ISBN-13, else ISSN, else title key, else id."""
    keys = _identifier_keys(record)
    if keys:
        return keys[0]
    return title_key(record) or f"rec:{record.id}"


@dataclass(frozen=True, slots=True)
class Signature:
    """What clustering needs of one record: a few short keys, not the record.

    A million signatures fit in a few hundred megabytes where a million records do not,
    so a catalogue is clustered by streaming its records past `signature` once.
    """

    id: str
    identifiers: tuple[str, ...]  # "isbn:…" keys, else "issn:…"; never both
    title: str | None  # `title_key`
    own: str  # `work_key`: the record's key on its own


def signature(record: Record) -> Signature:
    identifiers = tuple(_identifier_keys(record))
    title = title_key(record)
    own = identifiers[0] if identifiers else title or f"rec:{record.id}"
    return Signature(record.id, identifiers, title, own)


def cluster_works(records: Iterable[Record | Signature]) -> dict[str, str]:
    """Map record id → work key, linking records transitively (union-find).

    Takes records or their signatures (deleted records are left out either way).
    """
    sigs = [
        r if isinstance(r, Signature) else signature(r)
        for r in records
        if isinstance(r, Signature) or not r.deleted
    ]
    parent = list(range(len(sigs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_identifier: dict[str, int] = {}
    for i, sig in enumerate(sigs):
        for key in sig.identifiers:
            if key in by_identifier:
                union(i, by_identifier[key])
            else:
                by_identifier[key] = i
    del by_identifier

    by_title: dict[str, list[int]] = defaultdict(list)
    for i, sig in enumerate(sigs):
        if sig.title:
            by_title[sig.title].append(i)
    for members in by_title.values():
        loose = [i for i in members if not sigs[i].identifiers]
        if not loose:
            continue
        anchored = {find(i) for i in members if sigs[i].identifiers}
        for i in loose[1:]:
            union(loose[0], i)
        if len(anchored) == 1:
            union(loose[0], anchored.pop())
    del by_title

    best: dict[int, str] = {}
    for i, sig in enumerate(sigs):
        root = find(i)
        current = best.get(root)
        if current is None or _rank(sig.own) < _rank(current):
            best[root] = sig.own
    return {sig.id: best[find(i)] for i, sig in enumerate(sigs)}


def _rank(key: str) -> tuple[int, str]:
    return (_RANK[key.split(":", 1)[0]], key)
