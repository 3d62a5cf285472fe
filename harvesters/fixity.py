"""Fixity: do the stored copies still hold the bytes ingest recorded?

A copy can vanish or change on disk (a failing drive, a careless script) long after its
ingest; re-hashing every copy is the only way to know, and a problem names every record
that would show the damaged file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from catalogue.store import Store
from harvesters.stored_copies import file_sha256


@dataclass
class FixityProblem:
    stored_path: str
    problem: str  # "missing" | "changed"
    record_ids: list[str]
    expected: str
    found: str = ""


@dataclass
class FixityReport:
    files: int = 0
    objects: int = 0
    problems: list[FixityProblem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_fixity(store: Store, data_dir: Path) -> FixityReport:
    """Re-hash every stored copy and compare with the SHA-256 recorded at ingest.

    Copies are content-addressed, so several objects may share one file: each file is
    read once, and a problem names every record that uses it.
    """
    expected: dict[str, tuple[str, list[str]]] = {}
    report = FixityReport(problems=[])
    for stored in store.stored_objects():
        report.objects += 1
        sha, records = expected.setdefault(stored.object.stored_path, (stored.object.sha256, []))
        if stored.record_id not in records:
            records.append(stored.record_id)
    root = Path(data_dir).resolve()
    for relative, (sha, records) in sorted(expected.items()):
        report.files += 1
        path = (root / relative).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            report.problems.append(FixityProblem(relative, "missing", records, sha))
            continue
        found = file_sha256(path)
        if found != sha:
            report.problems.append(FixityProblem(relative, "changed", records, sha, found))
    return report
