"""Work clustering against the demo generator's truth: pairwise precision and recall.

    .venv/bin/python bench/dedup.py [--works 3000] [--explain 3]

Every record of the demo libraries goes through its real crosswalk (MARC21 or Dublin
Core), then `cluster_works`; two records are a predicted pair when they share a work
key, a true pair when the generator made them from one work. `--explain N` counts the
wrong (merged) and missed (split) pairs by format and shows N of each, so a reader can
tell a clustering fault from data that no metadata could tell apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402
from catalogue.record import Record  # noqa: E402
from harvesters.crosswalk import dc_to_record, marc_to_record  # noqa: E402
from harvesters.demo.generator import generate  # noqa: E402
from indexer.works import cluster_works  # noqa: E402


def pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in combinations(members, 2)}


def describe(record: Record) -> str:
    """What clustering sees of a record, on one line."""
    who = "; ".join(record.authors) or "-"
    isbns = ",".join(record.isbns) or "-"
    return (
        f"{record.id} [{record.format}] {record.title!r} / {who} · {record.publisher or '-'}"
        f" · {record.year} · isbn {isbns}"
    )


def explain(label: str, wrong: set[tuple[str, str]], by_id: dict[str, Record], show: int) -> None:
    """Count `wrong` pairs by the formats of their records and show a few of each."""
    kinds: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for a, b in sorted(wrong):
        kinds["/".join(sorted({by_id[a].format, by_id[b].format}))].append((a, b))
    counts = Counter({kind: len(found) for kind, found in kinds.items()})
    print(f"{label} pairs {len(wrong)}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    for kind, _ in counts.most_common():
        for a, b in kinds[kind][:show]:
            print(f"  {kind}:\n    {describe(by_id[a])}\n    {describe(by_id[b])}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--works", type=int, default=3000)
    parser.add_argument("--explain", type=int, default=0, metavar="N")
    args = parser.parse_args()
    print(machine())
    catalogue = generate(works=args.works)
    records, truth = [], defaultdict(list)
    for sample in catalogue.all_records():
        if sample.deleted:
            continue
        if sample.marc is not None:
            record = marc_to_record(
                sample.marc, source_key=sample.library_key, local_id=sample.local_id
            )
        else:
            record = dc_to_record(
                sample.dc, source_key=sample.library_key, local_id=sample.local_id
            )
        records.append(record)
        truth[sample.work_id].append(record.id)
    start = time.perf_counter()
    keys = cluster_works(records)
    took = time.perf_counter() - start
    predicted = defaultdict(list)
    for record_id, key in keys.items():
        predicted[key].append(record_id)
    true_pairs, found_pairs = pairs(truth), pairs(predicted)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    print(f"records {len(records)} · true works {len(truth)} · predicted works {len(predicted)}")
    print(f"pairs: true {len(true_pairs)} · predicted {len(found_pairs)} · correct {hits}")
    print(f"precision {precision:.4f} · recall {recall:.4f} · clustering {took:.2f}s")
    if args.explain:
        by_id = {record.id: record for record in records}
        explain("wrong", found_pairs - true_pairs, by_id, args.explain)
        explain("missed", true_pairs - found_pairs, by_id, args.explain)


if __name__ == "__main__":
    main()
