"""Harvest throughput: MARC file and OAI-PMH, each beside its raw library reference.

    .venv/bin/python bench/harvest.py [--marc 100000] [--oai 20000]

MARC: pymarc's raw parse rate over the file, then thuvien's path (parse + crosswalk +
store). OAI-PMH: sickle's raw ListRecords iteration over a local endpoint, then
thuvien's harvest of the same endpoint. Each measurement runs in a fresh process so
its peak memory is its own; running at two sizes shows whether memory is flat. The
MARC harvest reads large files in a second process of its own; its peak is shown
beside the harvest's ("+ reader").
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine, peak_rss_mib  # noqa: E402


def write_marc_file(path: Path, count: int) -> int:
    """`count` MARC records from the demo generator's MARC-cataloguing libraries."""
    from harvesters.demo.generator import generate

    written = 0
    with path.open("wb") as out:
        for sample in generate(works=count).all_records():
            if sample.marc is None:
                continue
            out.write(sample.marc.as_marc())
            written += 1
            if written == count:
                break
    return written


def raw_pymarc(path: str) -> tuple[int, float, float]:
    import pymarc

    start = time.perf_counter()
    with open(path, "rb") as fh:
        count = sum(1 for r in pymarc.MARCReader(fh, to_unicode=True) if r is not None)
    return count, time.perf_counter() - start, peak_rss_mib()


def thuvien_marc(path: str, db: str) -> tuple[int, float, float]:
    from catalogue.settings import HarvestSettings
    from catalogue.sources import Source
    from catalogue.store import Store
    from harvesters.runner import HarvestOptions, harvest_source

    store = Store(db)
    source = Source("bench", "Bench", "marc", path)
    store.put_source(source)
    start = time.perf_counter()
    run = harvest_source(store, source, HarvestSettings(), HarvestOptions(progress=False))
    secs = time.perf_counter() - start
    assert run.status == "succeeded", run.message
    reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return run.added, secs, peak_rss_mib(), reader


def oai_server(count: int, ready, stop) -> None:
    from harvesters.demo.generator import generate
    from harvesters.demo.server import serve_wsgi
    from harvesters.oai_provider import make_wsgi_app
    from harvesters.oai_repository import MARC21, MemoryRepository, OaiItem, marcxml_element

    marcs = {}
    for sample in generate(works=count).all_records():
        if sample.marc is not None and not sample.deleted:
            marcs[f"oai:bench:{len(marcs)}"] = (sample.datestamp, sample.marc)
            if len(marcs) == count:
                break
    items = [OaiItem(i, stamp) for i, (stamp, _) in marcs.items()]
    repo = MemoryRepository(
        "Bench", items, lambda it, p: marcxml_element(marcs[it.identifier][1]), [MARC21]
    )
    with serve_wsgi(make_wsgi_app(repo, page_size=100), "/oai") as url:
        ready.put(url)
        stop.wait()


def raw_sickle(url: str) -> tuple[int, float, float]:
    from sickle import Sickle

    start = time.perf_counter()
    count = sum(1 for _ in Sickle(url).ListRecords(metadataPrefix="marc21", ignore_deleted=True))
    return count, time.perf_counter() - start, peak_rss_mib()


def thuvien_oai(url: str, db: str) -> tuple[int, float, float]:
    from catalogue.settings import HarvestSettings
    from catalogue.sources import Source
    from catalogue.store import Store
    from harvesters.runner import HarvestOptions, harvest_source

    store = Store(db)
    source = Source("bench", "Bench", "oai", url, metadata_prefix="marc21")
    store.put_source(source)
    start = time.perf_counter()
    run = harvest_source(store, source, HarvestSettings(), HarvestOptions(progress=False))
    assert run.status == "succeeded", run.message
    return run.added, time.perf_counter() - start, peak_rss_mib()


def in_process(fn, *args):
    """fn(*args) in a fresh process, not a daemonic pool worker: a harvest may start its
    own reader process, which a daemonic process may not."""
    ctx = mp.get_context("spawn")
    results = ctx.Queue()
    process = ctx.Process(target=_call, args=(results, fn, args))
    process.start()
    result = results.get()
    process.join()
    if isinstance(result, BaseException):
        raise result
    return result


def _call(results, fn, args) -> None:
    try:
        results.put(fn(*args))
    except BaseException as exc:  # noqa: BLE001 — handed back to the benchmark
        results.put(exc)


def report(label: str, result: tuple) -> float:
    count, secs, rss, *reader = result
    rate = count / secs
    extra = f" + reader {reader[0]:4.0f} MiB" if reader and reader[0] else ""
    print(
        f"  {label:<34} {count:>8} records {secs:8.1f} s {rate:10.0f} rec/s  "
        f"peak {rss:6.0f} MiB{extra}"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--marc", type=int, default=100_000)
    parser.add_argument("--oai", type=int, default=20_000)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.mrc"
        written = write_marc_file(path, args.marc)
        print(f"MARC: {written} records, {path.stat().st_size / 2**20:.0f} MiB")
        raw = report("pymarc raw parse", in_process(raw_pymarc, str(path)))
        ours = report(
            "thuvien parse+crosswalk+store",
            in_process(thuvien_marc, str(path), f"sqlite:///{tmp}/m.sqlite"),
        )
        print(f"  thuvien / raw pymarc = {ours / raw:.2f} (target ≥ 0.40)")
        if args.oai <= 0:  # --oai 0: the MARC path only
            return

        ctx = mp.get_context("spawn")
        ready, stop = ctx.Queue(), ctx.Event()
        server = ctx.Process(target=oai_server, args=(args.oai, ready, stop), daemon=True)
        server.start()
        url = ready.get(timeout=600)
        print(f"OAI-PMH: {args.oai} MARCXML records at {url}")
        raw = report("sickle raw ListRecords", in_process(raw_sickle, url))
        ours = report("thuvien harvest", in_process(thuvien_oai, url, f"sqlite:///{tmp}/o.sqlite"))
        print(f"  thuvien / raw sickle = {ours / raw:.2f} (target ≥ 0.60)")
        stop.set()
        server.join(timeout=10)


if __name__ == "__main__":
    main()
