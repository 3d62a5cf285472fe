"""Deterministic sample catalogues for three Hanoi libraries with overlapping holdings.

`generate(seed, works, today)` returns a `DemoCatalogue`: three libraries (two OAI-PMH,
one MARC export), each holding part of one stream of works, each cataloguing them in its
own style. `today` (the current UTC date unless given) dates the loans: the same seed,
works and day give the same catalogue. Nothing is built up front: `records(key)`
regenerates the work stream and renders that library's records lazily, so a million
records stream in constant memory (catalogues of up to `CACHE_LIMIT` works keep their
Work list to save regenerating it).

"Same work" (`work_id`) means the same publication — title, author, edition, year —
which is what `work_key` clusters; two editions of Truyện Kiều are two works.

The first ~60 works are hand-written (`showcase.py`): classics catalogued three ways,
every format, the collections, and the dedup traps — same title by other authors, a
typo'd ISBN that "repairs" to another work's number, "Mùa hạ nổi gió" folding to
"ha noi". Invalid ISBNs are written with a wrong check digit and never join works.

Where things are in the data:
- collections: MARC 773 $t; dc:relation. Access restrictions: MARC 506 ($a, $f term,
  $g embargo date); dc:rights text. Rights URIs: MARC 540 $u; dc:rights.
- holdings: Thư viện Hà Nội in Koha 952 ($a/$b branch code, $c location, $o call number,
  $p barcode, $t copy number, $7 not for loan, $q date due, $s date checked out, $4
  damaged, $1 lost). Loans are dated from `today` (`loans.py`): most are due back in the
  coming weeks, a few are overdue, and a record with a copy on loan is stamped at the
  start of `today` (its dates change with the day; the status was read that day).
  ĐHQGHN in 852 (no copy number; a few books from before 1995 have copies without
  barcodes that read alike, shown as one "2 copies" row).
- page scans and audio chapters: MARC 856 40 $u relative path ($3 label, $q mime);
  dc:identifier (same relative paths, relative to the library's base URL).

Additions beyond the agreed API: `SampleRecord.digital_files` (relative paths of the
scans and audio files a demo server must provide), `SampleRecord.id`,
`DemoCatalogue.library(key)`, `DemoCatalogue.all_records()` (every library in one
pass), `DemoCatalogue.iter_works()` (the truth as `Work`s).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pymarc

from harvesters.demo import terms
from harvesters.demo import vocab as v
from harvesters.demo.dc import build_dc
from harvesters.demo.loans import loan_stamp
from harvesters.demo.marc import build_marc, scan_paths
from harvesters.demo.model import DemoRandom, Work
from harvesters.demo.works import WorkFactory

__all__ = ["CACHE_LIMIT", "DemoCatalogue", "DemoLibrary", "SampleRecord", "generate"]

CACHE_LIMIT = 20_000  # works kept in memory (about 2.5 kB each)
STAMP_FROM = datetime(2024, 1, 1, tzinfo=UTC)  # records were last edited in this span (those
STAMP_TO = datetime(2026, 4, 30, tzinfo=UTC)  # with copies on loan: the day of their loans)
STAMP_SPAN = int((STAMP_TO - STAMP_FROM).total_seconds())


@dataclass
class DemoLibrary:
    key: str
    name: str
    kind: str  # "oai" | "marc"
    metadata_prefix: str  # "oai_dc" | "marc21" | "" for MARC files
    sets: list[tuple[str, str]]  # (setSpec, setName)


@dataclass
class SampleRecord:
    library_key: str
    local_id: str
    datestamp: datetime
    deleted: bool
    sets: list[str]
    marc: pymarc.Record | None
    dc: dict[str, list[str]] | None
    work_id: str
    digital_files: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.library_key}:{self.local_id}"


def _oai_sets() -> list[tuple[str, str]]:
    formats = [(spec, name) for spec, name, _ in terms.FORMAT_SETS.values()]
    collections = [(spec, name) for name, spec in terms.COLLECTION_SETS.items()]
    return formats + collections


def default_libraries() -> list[DemoLibrary]:
    return [
        DemoLibrary(v.HANOI, "Thư viện Hà Nội", "oai", "marc21", _oai_sets()),
        DemoLibrary(v.NATIONAL, "Thư viện Quốc gia Việt Nam", "oai", "oai_dc", _oai_sets()),
        DemoLibrary(v.VNU, "Thư viện Đại học Quốc gia Hà Nội", "marc", "", []),
    ]


def local_id(library_key: str, index: int) -> str:
    """Each system's own identifier style: Koha biblionumber, NLV and VNU record numbers."""
    if library_key == v.HANOI:
        return str(10001 + index)
    if library_key == v.NATIONAL:
        return f"NLV{300000 + index:07d}"
    return f"VNU{100000 + index}"


@dataclass
class DemoCatalogue:
    libraries: list[DemoLibrary]
    seed: int = 2026
    work_count: int = 300
    today: date = field(default_factory=lambda: datetime.now(UTC).date())  # dates the loans
    _cache: list[Work] | None = field(default=None, init=False, repr=False, compare=False)

    def library(self, library_key: str) -> DemoLibrary:
        for library in self.libraries:
            if library.key == library_key:
                return library
        raise KeyError(f"no demo library {library_key!r}")

    def iter_works(self) -> Iterator[Work]:
        """The works behind the records, in order (regenerated unless small enough to keep)."""
        if self._cache is not None:
            return iter(self._cache)
        stream = WorkFactory(self.seed).works(self.work_count)
        if self.work_count > CACHE_LIMIT:
            return stream
        self._cache = list(stream)
        return iter(self._cache)

    def records(self, library_key: str) -> Iterator[SampleRecord]:
        """The library's records in work order, deleted ones included, built lazily."""
        library = self.library(library_key)
        rng = DemoRandom(f"{self.seed}:{library_key}")  # this library's own stream
        for work in self.iter_works():
            if library_key in work.holders:
                yield self._record(work, library, rng)

    def all_records(self) -> Iterator[SampleRecord]:
        """Every library's records, work by work, from one pass over the work stream.

        The same records `records(key)` gives for each library (each library keeps its
        own random stream), for callers that want all of them without three passes.
        """
        libraries = [(lib, DemoRandom(f"{self.seed}:{lib.key}")) for lib in self.libraries]
        for work in self.iter_works():
            for library, rng in libraries:
                if library.key in work.holders:
                    yield self._record(work, library, rng)

    def _record(self, work: Work, library: DemoLibrary, rng: DemoRandom) -> SampleRecord:
        key = library.key
        ident = local_id(key, work.index)
        stamp = STAMP_FROM + timedelta(seconds=rng.randrange(STAMP_SPAN))
        sets = _record_sets(work, library)
        if key in work.deleted_in:
            return SampleRecord(key, ident, stamp, True, sets, None, None, work.work_id)
        marc = dc = None
        if library.metadata_prefix == "oai_dc":
            dc = build_dc(work, key, ident, rng)
        else:
            marc = build_marc(work, key, ident, stamp, rng, self.today)
            stamp = loan_stamp(marc, stamp, self.today)
        files = [path for path, _, _ in scan_paths(work, ident)]
        return SampleRecord(key, ident, stamp, False, sets, marc, dc, work.work_id, files)

    def works(self) -> dict[str, list[str]]:
        """The truth: work_id → ["libkey:local_id", …] over non-deleted records."""
        truth: dict[str, list[str]] = {}
        for work in self.iter_works():
            ids = [
                f"{lib}:{local_id(lib, work.index)}"
                for lib in work.holders
                if lib not in work.deleted_in
            ]
            if ids:
                truth[work.work_id] = ids
        return truth

    def write_marc(self, library_key: str, path: Path) -> int:
        """Write the library's live records as ISO 2709 UTF-8; returns how many."""
        library = self.library(library_key)
        if library.metadata_prefix == "oai_dc":
            raise ValueError(f"{library_key} publishes Dublin Core, not MARC")
        count = 0
        with Path(path).open("wb") as out:
            for record in self.records(library_key):
                if record.marc is not None:
                    out.write(record.marc.as_marc())
                    count += 1
        return count


def _record_sets(work: Work, library: DemoLibrary) -> list[str]:
    if library.kind != "oai":
        return []
    sets = [terms.FORMAT_SETS[work.format][0]]
    if work.collection in terms.COLLECTION_SETS:
        sets.append(terms.COLLECTION_SETS[work.collection])
    return sets


def generate(seed: int = 2026, works: int = 300, today: date | None = None) -> DemoCatalogue:
    """The demo catalogue for `seed` with `works` works (about 2 records per work), its
    loans as they stand on `today` (default: the current UTC date)."""
    if works < 0:
        raise ValueError("works must be >= 0")
    today = today or datetime.now(UTC).date()
    if today <= STAMP_TO.date():
        raise ValueError(f"today must be after {STAMP_TO.date()}, the demo records' last edits")
    return DemoCatalogue(default_libraries(), seed, works, today)
