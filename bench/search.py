"""Index build rate, memory, and search latency over 1,000 mixed queries with five facets.

    .venv/bin/python bench/search.py --records 1000000 [--index DIR] [--keep]
    .venv/bin/python bench/search.py --search-only --index DIR   (queries an existing index)

The build streams synthetic records (bench/synthetic.py) twice, as `thuvien index
--rebuild` streams the store: once to cluster them into works from their signatures,
once to index them in batches, through the same `indexer.sync.add_documents` (the
documents made in a second process while this one indexes). Making the records for
the clustering pass is timed apart and not counted; the second pass makes them in the
document process, alongside the indexing, and that is counted, as reading the store is
in a real rebuild. The searches then run in a fresh process (this script
again, with --search-only), so the memory figure for searching is what a portal
process holding the index uses, not what the build left behind.

The query mix (`query_mix`) is what a union catalogue is asked: mostly known-item
searches (title words, author names, with or without diacritics), some subject and
fielded searches, prefixes and boolean queries, and broad one-word queries and filtered
browsing, which match a large part of the catalogue. Each query asks for five facets,
with no filter, a format filter, or a library + language filter. Latency is measured
with the result cache off (every query computed), then again with it on (a second pass
over the same queries: what repeated and popular searches cost), and reported per kind.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, peak_rss_mib  # noqa: E402
from bench.synthetic import LIBRARIES, synthetic_records  # noqa: E402
from harvesters.demo import vocab  # noqa: E402
from indexer import TantivyIndex  # noqa: E402
from indexer.documents import to_document  # noqa: E402
from indexer.protocol import SearchQuery  # noqa: E402
from indexer.sync import add_documents  # noqa: E402
from indexer.text import fold  # noqa: E402
from indexer.works import cluster_works, signature  # noqa: E402

BATCH = 1_000  # documents per batch, as indexer.sync
FIVE_FACETS = ["library", "format", "language", "year", "subject"]
QUERIES = 1000
# (kind, weight): the share of each kind of query in the mix.
KINDS = (
    ("title words", 35),
    ("author", 15),
    ("title phrase", 10),
    ("subject", 10),
    ("words + years", 5),
    ("prefix", 5),
    ("boolean", 5),
    ("broad word", 10),
    ("browse", 5),
)


def query_mix(count: int = QUERIES, seed: int = 11) -> list[tuple[str, SearchQuery]]:
    """`count` (kind, query) pairs drawn from the synthetic catalogue's vocabulary."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in KINDS for _ in range(weight)]

    def maybe_fold(text: str) -> str:
        return fold(text) if rng.random() < 0.4 else text

    def person() -> str:
        surname, middle = rng.choice(vocab.SURNAMES), rng.choice(vocab.MIDDLE_NAMES)
        given = rng.choice(vocab.GIVEN_NAMES)
        return rng.choice((f"{surname} {middle} {given}", f"{given}, {surname}"))

    makers = {
        "title words": lambda: maybe_fold(
            f"{rng.choice(vocab.FICTION_NOUNS)} {rng.choice(vocab.STREETS)}"
        ),
        "author": lambda: maybe_fold(person()),
        "title phrase": lambda: f'title:"{maybe_fold(rng.choice(vocab.FICTION_NOUNS))}"',
        "subject": lambda: f'subject:"{maybe_fold(rng.choice(vocab.HANOI_TOPICS)[0])}"',
        "words + years": lambda: (
            f"{maybe_fold(rng.choice(vocab.HANOI_TOPICS)[0])} "
            f"year:{(y := rng.randint(1900, 2010))}-{y + rng.randint(5, 20)}"
        ),
        "prefix": lambda: maybe_fold(rng.choice(vocab.STREETS).split()[-1][:4]) + "*",
        "boolean": lambda: rng.choice(
            (
                f"{rng.choice(vocab.STREETS)} OR {rng.choice(vocab.STREETS)}",
                f"{rng.choice(vocab.FICTION_NOUNS)} NOT {rng.choice(vocab.STREETS)}",
            )
        ),
        "broad word": lambda: maybe_fold(
            rng.choice(("Hà Nội", "phố", "sông", "hồ", "Thăng Long", "lịch sử"))
        ),
        "browse": lambda: "",
    }
    out = []
    for _ in range(count):
        kind = rng.choice(kinds)
        roll = rng.random()
        if roll < 0.6 and kind != "browse":
            filters = {}
        elif roll < 0.85:
            filters = {"format": ["book"]}
        else:
            filters = {"library": [rng.choice(LIBRARIES)], "language": ["vie"]}
        out.append((kind, SearchQuery(q=makers[kind](), filters=filters, facets=FIVE_FACETS)))
    return out


def build(index: TantivyIndex, count: int) -> dict[str, float]:
    """Cluster, then index; the time to make the synthetic records is measured apart."""
    start = time.perf_counter()
    for _record in synthetic_records(count):
        pass
    making = time.perf_counter() - start
    start = time.perf_counter()
    keys = cluster_works(signature(r) for r in synthetic_records(count))
    clustered = time.perf_counter() - start

    def documents() -> Iterator[list[dict]]:
        batch: list[dict] = []
        for record in synthetic_records(count):
            batch.append(to_document(record, work_key=keys[record.id]))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        yield batch

    add_documents(index, documents, records=count, new=True)  # as `thuvien index --rebuild`
    index.commit()
    took = time.perf_counter() - start - making  # the clustering pass's records
    return {
        "making_s": making,
        "cluster_s": clustered - making,
        "total_s": took,
        "rate": count / took,
        "works": len(set(keys.values())),
    }


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def timed(index: TantivyIndex, mix: list[tuple[str, SearchQuery]]) -> list[tuple[str, float]]:
    out = []
    for kind, query in mix:
        start = time.perf_counter()
        index.search(query)
        out.append((kind, (time.perf_counter() - start) * 1000))
    return out


def summary(times: list[float]) -> str:
    return (
        f"p50 {percentile(times, 50):6.1f} · p95 {percentile(times, 95):6.1f} · "
        f"p99 {percentile(times, 99):6.1f} ms"
    )


def search_only(folder: Path, count: int) -> None:
    index = TantivyIndex(folder, cache_size=0)
    print(f"index opened: {index.count():,} records · RSS so far {peak_rss_mib():.0f} MiB")
    timed(index, query_mix(200, seed=99))  # warm the page cache with other queries
    mix = query_mix(count)
    measured = timed(index, mix)
    times = [ms for _kind, ms in measured]
    print(f"{len(times)} mixed queries, 5 facets, no result cache: {summary(times)}")
    for kind, _weight in KINDS:
        some = [ms for k, ms in measured if k == kind]
        if len(some) >= 2:
            print(f"  {kind:<14} {len(some):4d} queries: {summary(some)}")
    cached = TantivyIndex(folder)
    timed(cached, mix)
    again = [ms for _kind, ms in timed(cached, mix)]
    print(f"same {len(again)} queries again, result cache on: {summary(again)}")
    print(f"peak RSS of the searching process {peak_rss_mib():.0f} MiB")
    print(json.dumps({"p95": percentile(times, 95), "rss_mib": peak_rss_mib()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=QUERIES)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--search-only", action="store_true")
    args = parser.parse_args()
    print(machine())
    if args.search_only:
        if not args.index:
            parser.error("--search-only needs --index")
        search_only(args.index, args.queries)
        return
    folder = args.index or Path(tempfile.mkdtemp(prefix="thuvien-bench-index-"))
    index = TantivyIndex(folder, recreate=True)
    figures = build(index, args.records)
    print(
        f"indexed {args.records:,} records ({figures['works']:,} works) in "
        f"{figures['total_s']:.1f} s: {figures['rate']:,.0f} records/s "
        f"(clustering {figures['cluster_s']:.1f} s of it; making the synthetic records for "
        f"it, {figures['making_s']:.1f} s, not counted)"
    )
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    print(
        f"index on disk: {size / 2**20:.0f} MiB · peak RSS of the build {peak_rss_mib():.0f} "
        f"MiB, of its document process {child:.0f} MiB"
    )
    del index
    command = [sys.executable, __file__, "--search-only", "--index", str(folder)]
    subprocess.run([*command, "--queries", str(args.queries)], check=True)
    if args.keep:
        print(f"index kept in {folder}")
    elif not args.index:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
