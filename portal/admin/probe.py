"""Testing a source: what it answers, step by step, without harvesting anything."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests
from flask_babel import gettext as _

from catalogue.settings import Settings
from catalogue.sources import Source
from harvesters import marc as marc_files
from harvesters.errors import HarvestFailed
from harvesters.http import RetryPolicy, new_session, request_with_retries
from harvesters.oai import OaiClient

log = logging.getLogger(__name__)

SAMPLE_RECORDS = 5  # records a MARC source test reads
MARC_TEST_BYTES = 1 << 20  # at most this much of a MARC file fetched over HTTP by a test
SETS_SHOWN = 200  # sets listed by an OAI source test


def probe_policy(settings: Settings) -> RetryPolicy:
    """The settings' timeout, but one attempt: a test says at once whether the source answers
    (a harvest retries with backoff; a page must not wait minutes for a source that is down)."""
    harvest = settings.harvest
    return RetryPolicy(
        timeout=harvest.timeout, max_retries=0, max_retry_after=harvest.max_retry_after
    )


def test_source(source: Source, settings: Settings) -> dict[str, Any]:
    """What the source answers, step by step; never raises for anything the source does."""
    policy = probe_policy(settings)
    if source.type == "oai":
        return _test_oai(source, policy)
    return _test_marc(source, policy, settings.harvest.marc_roots())


def _problem(exc: Exception) -> str:
    """A failure in the technical words a librarian can pass on to the library's IT staff."""
    if isinstance(exc, HarvestFailed):
        return exc.reason
    if isinstance(exc, requests.RequestException | OSError):
        return f"{type(exc).__name__}: {exc}"
    # Well-formed XML that sickle cannot read as OAI-PMH (an HTML page, another protocol).
    log.info("source test: unreadable answer", exc_info=exc)
    return f"the answer is not an OAI-PMH response ({type(exc).__name__}: {exc})"


def _test_oai(source: Source, policy: RetryPolicy) -> dict[str, Any]:
    client = OaiClient(source.url, policy)
    result: dict[str, Any] = {
        "kind": "oai",
        "ok": False,
        "identify": [],
        "formats": None,
        "sets": None,
        "errors": {},
        "warnings": [],
    }
    try:
        identify = client.identify()
        result["identify"] = [
            (name, values[0])
            for name, values in identify
            if values and isinstance(values[0], str) and values[0].strip()
        ]
    except Exception as exc:  # noqa: BLE001 — a test reports whatever the source does
        result["errors"]["identify"] = _problem(exc)
        return result  # the source is down or no OAI-PMH repository: nothing more to ask
    try:
        formats = client.metadata_formats()
        result["formats"] = [
            {
                "prefix": getattr(f, "metadataPrefix", ""),
                "schema": getattr(f, "schema", ""),
                "namespace": getattr(f, "metadataNamespace", ""),
            }
            for f in formats
        ]
        offered = {f["prefix"] for f in result["formats"]}
        if source.metadata_prefix and source.metadata_prefix not in offered:
            result["warnings"].append(
                _(
                    "The source does not offer the metadata format “%(prefix)s” this source "
                    "is set to harvest.",
                    prefix=source.metadata_prefix,
                )
            )
    except Exception as exc:  # noqa: BLE001
        result["errors"]["formats"] = _problem(exc)
    try:
        found = client.sets()
        result["sets_total"] = len(found)
        result["sets"] = [
            (getattr(s, "setSpec", ""), getattr(s, "setName", "")) for s in found[:SETS_SHOWN]
        ]
        if source.set and source.set not in {getattr(s, "setSpec", "") for s in found}:
            result["warnings"].append(
                _(
                    "The source has no set “%(set)s”, which this source is set to harvest.",
                    set=source.set,
                )
            )
    except Exception as exc:  # noqa: BLE001
        result["errors"]["sets"] = _problem(exc)
    result["ok"] = not result["errors"] and not result["warnings"]
    return result


def _test_marc(
    source: Source, policy: RetryPolicy, roots: tuple[Path, ...] | None
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "kind": "marc",
        "ok": False,
        "files": [],
        "samples": [],
        "errors": {},
        "warnings": [],
    }
    try:
        if marc_files.is_url(source.url):
            head, size = _fetch_head(source.url, policy)
            result["files"] = [(source.url, size)]
            result["samples"] = _sample_bytes(head, source.url, cut=len(head) >= MARC_TEST_BYTES)
        else:
            files = marc_files.local_files(source.url, None, roots)  # the allowed folders only
            result["files"] = [(f.label, f.path.stat().st_size) for f in files]
            if not files:
                result["errors"]["files"] = _(
                    "There are no MARC files (.mrc, .marc, .iso, .xml …) in this folder."
                )
                return result
            result["samples"] = _sample_files(files)
    except Exception as exc:  # noqa: BLE001 — a test reports whatever the source does
        result["errors"]["files"] = _problem(exc)
        return result
    if not result["samples"]:
        result["warnings"].append(_("No MARC record could be read from the source."))
    result["ok"] = bool(result["samples"]) and all(s["ok"] for s in result["samples"])
    return result


def _fetch_head(url: str, policy: RetryPolicy) -> tuple[bytes, int | None]:
    """The first MARC_TEST_BYTES of a file over HTTP, and its size if the server says it."""
    response = request_with_retries(new_session(), "GET", url, policy, stream=True)
    try:
        chunks, got = [], 0
        for block in response.iter_content(1 << 16):
            chunks.append(block)
            got += len(block)
            if got >= MARC_TEST_BYTES:
                break
        length = response.headers.get("Content-Length", "")
        return b"".join(chunks)[:MARC_TEST_BYTES], int(length) if length.isdigit() else None
    finally:
        response.close()


def _sample_bytes(head: bytes, label: str, *, cut: bool) -> list[dict[str, Any]]:
    reader = marc_files.read_marcxml if head.lstrip().startswith(b"<") else marc_files.read_iso2709
    samples = _samples(reader(io.BytesIO(head), label), SAMPLE_RECORDS + 1)
    if cut and samples and not samples[-1]["ok"]:
        samples.pop()  # the test stopped reading in the middle of this record
    return samples[:SAMPLE_RECORDS]


def _sample_files(files: list[marc_files.MarcFile]) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    for f in files:
        samples += _samples(marc_files.read_file(f.path, f.label), SAMPLE_RECORDS - len(samples))
        if len(samples) >= SAMPLE_RECORDS:
            break
    return samples


def _samples(entries: Iterable[marc_files.MarcEntry], limit: int) -> list[dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    try:
        for entry in itertools.islice(entries, limit):
            sample = {"position": entry.position, "ok": entry.marc is not None, "error": ""}
            if entry.marc is None:
                sample["error"] = entry.error
            else:
                control = entry.marc.get("001")
                sample["id"] = (control.data or "").strip() if control is not None else ""
                sample["title"] = entry.marc.title or ""
            samples.append(sample)
    except HarvestFailed as exc:  # broken MARCXML: what was read before the break still counts
        samples.append({"position": exc.position, "ok": False, "error": exc.reason})
    return samples
