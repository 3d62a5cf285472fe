"""Results-page throughput and latency of `thuvien serve` under load, two kinds of traffic.

    .venv/bin/python bench/search.py --records 1000000 --index DATA/index --keep
    .venv/bin/python bench/portal_load.py --data-dir DATA [--seconds 30] [--connections 16]
        [--traffic distinct|zipf|both] [--zipf-s 1.0] [--vocabulary 1000] [--workers 2] [--python]
        [--rate R [--warm S]] [--restart S]

Starts `thuvien serve --workers N` (gunicorn; 1: waitress) on 127.0.0.1 over the data
folder, then requests results pages (`/search?…`, six facets each) for a fixed time:

- distinct (the worst case): every request a results page not asked before in this run
  — the search benchmark's queries and filters (bench/search.py `query_mix`), as many
  as the run can use, each once. Every page is searched and rendered.
- zipf (a portal's logs): requests drawn from the 1,000-query mix with Zipf popularity,
  P(rank r) ∝ 1 / r^s (s = 1.0 unless --zipf-s), so popular searches repeat as they do
  for real readers, and the rest form a long tail. Repeats are answered by the index's
  result cache of the worker process that gets them (each worker has its own cache).

Each traffic kind gets a freshly started server (nothing cached from the other kind),
warmed up on queries outside the measured ones, and started as for the first time: the
popular searches an earlier server kept (portal.warming) are removed first. With
--restart S the same traffic first runs S seconds on another server, which keeps its
popular searches when stopped, and the measured server is a restart that warms itself
from them. Requests carry no cookies, so no page is
revalidated with a 304: every response is a full page. With --rate R the requests are
due at R per second (an open loop, Python; latency counted from when each was due), the
way to read "R requests/s with p95 ≤ X": a closed loop at saturation reports its own
queue (connections / throughput), not the server's latency at a given load. Else uses
`wrk` (Debian package `wrk`)
when installed, each wrk thread taking its own share of the URL sequence (so two
threads never ask for the same page at the same moment); else (or with --python) a
Python generator with keep-alive connections, which itself competes for the cores, so
its figures are a lower bound. Prints the machine, pages/s and p50/p90/p99.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402
from bench.search import query_mix  # noqa: E402
from portal.warming import FILE as POPULAR_FILE  # noqa: E402

MIX = 1000  # the zipf traffic's vocabulary: the search benchmark's 1,000 queries
WARM_SEED = 97  # warm-up queries come from another draw than the measured ones
SEQUENCE_SEED = 5
WRK_THREADS = 2
WINDOW = 10  # seconds: the open loop's p95 is also given per window (a cold start's course)
WRK_TIMEOUT = 30  # seconds: a slow page is measured, not dropped (wrk's default is 2 s)


def mix_paths(count: int, seed: int = 11) -> list[str]:
    """Results-page URLs for the search benchmark's query mix (bench/search.py), in its
    order; a query the mix draws twice is there twice (it is simply more popular)."""
    paths = []
    for _kind, query in query_mix(count, seed=seed):
        params: dict[str, list[str] | str] = {"q": query.q}
        params.update({f"f.{name}": values for name, values in query.filters.items()})
        paths.append("/search?" + urlencode(params, doseq=True))
    return paths


def distinct_paths(count: int) -> list[str]:
    """`count` different results pages: the mix's queries, then their second and later
    pages once the mix's vocabulary runs out of new queries."""
    first = list(dict.fromkeys(mix_paths(max(MIX, count))))
    paths = list(first)
    page = 2
    while len(paths) < count:
        paths.extend(f"{p}&page={page}" for p in first[: count - len(paths)])
        page += 1
    return paths[:count]


def zipf_sequence(paths: list[str], s: float, length: int, seed: int = SEQUENCE_SEED) -> list[str]:
    """`length` requests over `paths`, the r-th path with probability ∝ 1 / r^s."""
    weights = [1 / rank**s for rank in range(1, len(paths) + 1)]
    return random.Random(seed).choices(paths, weights=weights, k=length)


def repeats_in(sequence: list[str], served: int, before: int = 0) -> tuple[int, float]:
    """Pages asked for the first time among the `served` requests after the first
    `before` (unmeasured) ones, and the share of those requests that were repeats."""
    served = min(served, len(sequence) - before)
    seen = set(sequence[:before])
    new = len(set(sequence[before : before + served]) - seen)
    return new, (1 - new / served) if served else 0.0


@dataclass
class Load:
    """What one run measured."""

    requests: int
    seconds: float
    p50: float
    p90: float
    p99: float
    errors: int
    p95: float | None = None  # wrk does not report it
    windows: list[float] = field(default_factory=list)  # open loop: p95 per WINDOW seconds

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


# --- the server -----------------------------------------------------------------------


@contextmanager
def serving(data_dir: Path, port: int, workers: int) -> Iterator[None]:
    thuvien = Path(sys.executable).with_name("thuvien")
    env = {**os.environ, "THUVIEN_MODE": "development"}
    command = [str(thuvien), "--data-dir", str(data_dir), "serve", "--port", str(port),
               "--workers", str(workers)]  # fmt: skip
    with tempfile.TemporaryFile() as log:  # the server's log, shown if it does not start
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=log)
        try:
            deadline = time.time() + 120
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                    break
                except OSError:
                    if time.time() > deadline or server.poll() is not None:
                        log.seek(0)
                        tail = log.read().decode(errors="replace")[-2000:]
                        raise SystemExit(f"thuvien serve did not answer:\n{tail}") from None
                    time.sleep(0.5)
            yield
        finally:
            server.terminate()
            server.wait(timeout=30)


# --- load generators --------------------------------------------------------------------


def fetch(
    conn: http.client.HTTPConnection, port: int, path: str
) -> tuple[http.client.HTTPConnection, str]:
    """GET one page on a keep-alive connection: (the connection to go on with, "ok",
    "bad" for an answer other than 200, or "lost" when the connection failed)."""
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
    except OSError:
        return http.client.HTTPConnection("127.0.0.1", port, timeout=30), "lost"
    return conn, "ok" if response.status == 200 else "bad"


def python_load(port: int, seconds: float, connections: int, sequence: list[str]) -> Load:
    """Keep-alive connections taking the next URL of `sequence` in turn."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    position = 0
    stop = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors, position
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[tuple[int, float]] = []
        bad = 0
        while time.perf_counter() < stop:
            with lock:
                path = sequence[position % len(sequence)]
                position += 1
            start = time.perf_counter()
            conn, outcome = fetch(conn, port, path)
            bad += outcome != "ok"
            if outcome != "lost":
                mine.append((time.perf_counter() - start) * 1000)
        with lock:
            times.extend(mine)
            errors += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else [0.0] * 99
    return Load(len(times), elapsed, q[49], q[89], q[98], errors)


def paced_load(
    port: int,
    seconds: float,
    connections: int,
    sequence: list[str],
    rate: float,
    warm: float = 0.0,
) -> Load:
    """Open loop: request i is due at start + i / rate, whatever happened before, and its
    latency counts from when it was due. A slow server therefore makes later requests
    late and their latency shows it (no coordinated omission), which a closed loop such
    as wrk's hides: there a slow answer only delays the next question. The first `warm`
    seconds of the same traffic run before, unmeasured (a portal that has been up)."""
    skipped = int(warm * rate)
    due_count = skipped + int(seconds * rate)
    times: list[tuple[int, float]] = []  # (request number, latency in ms)
    errors = 0
    lock = threading.Lock()
    position = 0
    start = time.perf_counter() + 0.2

    def worker() -> None:
        nonlocal errors, position
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[tuple[int, float]] = []
        bad = 0
        while True:
            with lock:
                i = position
                position += 1
            if i >= due_count:
                break
            due = start + i / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            conn, outcome = fetch(conn, port, sequence[i % len(sequence)])
            bad += outcome != "ok"
            if outcome != "lost" and i >= skipped:
                mine.append((i - skipped, (time.perf_counter() - due) * 1000))
        with lock:
            times.extend(mine)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start - warm
    q = _percentiles([ms for _i, ms in times])
    per_window = int(WINDOW * rate)
    windows = [
        _percentiles([ms for i, ms in times if i // per_window == w])[94]
        for w in range(math.ceil(len(times) / per_window))
    ]
    return Load(len(times), elapsed, q[49], q[89], q[98], errors, p95=q[94], windows=windows)


def _percentiles(values: list[float]) -> list[float]:
    if len(values) < 2:
        return [values[0] if values else 0.0] * 99
    return statistics.quantiles(values, n=100, method="inclusive")


WRK_SCRIPT = """
local paths = {%s}
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  i = offset
end
function request()
  i = i %% #paths + 1
  local path = paths[i]
  i = i + %d - 1
  return wrk.format("GET", path)
end
"""
_WRK_LATENCY = re.compile(r"^\s*(50|90|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_WRK_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk_load(port: int, seconds: float, connections: int, sequence: list[str]) -> Load:
    """wrk with each thread taking every WRK_THREADS-th URL of `sequence`, from its own start."""
    script = Path(tempfile.mkdtemp()) / "paths.lua"
    quoted = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in sequence)
    script.write_text(WRK_SCRIPT % (quoted, WRK_THREADS))
    result = subprocess.run(
        ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{int(seconds)}s", "--latency",
         f"--timeout={WRK_TIMEOUT}s", "-s", str(script), f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = result.stdout
    shutil.rmtree(script.parent, ignore_errors=True)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    elapsed_match = re.search(r"requests in ([\d.]+)(ms|s|m)", out)
    elapsed = float(elapsed_match.group(1)) * {"ms": 0.001, "s": 1, "m": 60}[elapsed_match.group(2)]
    latency = {int(p): float(v) * _WRK_UNIT[u] for p, v, u in _WRK_LATENCY.findall(out)}
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in found.groups())
    return Load(requests, elapsed, latency[50], latency[90], latency[99], errors)


# --- the run ----------------------------------------------------------------------------


def run(args: argparse.Namespace, traffic: str) -> None:
    length = int((args.seconds + args.warm) * args.max_rate)  # more than a run can ask
    if traffic == "distinct":
        # More distinct pages than the run can ask for: nothing is ever asked twice.
        sequence = distinct_paths(length)
        title = f"distinct: every request a new results page ({len(sequence):,} available)"
    else:
        paths = mix_paths(args.vocabulary)
        sequence = zipf_sequence(paths, args.zipf_s, length)
        title = (
            f"zipf: a {len(paths):,}-query mix ({len(set(paths)):,} different pages), "
            f"P(rank r) ∝ 1/r^s with s = {args.zipf_s:g}"
        )
    warm = mix_paths(60, seed=WARM_SEED)
    measured = set(sequence)
    warm = [p for p in warm if p not in measured]
    popular = args.data_dir / POPULAR_FILE
    popular.unlink(missing_ok=True)  # no earlier run's popular searches: a first start
    if args.restart:
        # A server that has been up: it keeps its readers' popular searches when it
        # stops, and the measured server (a restart) warms itself from them.
        with serving(args.data_dir, args.port, args.workers):
            python_load(args.port, 5, 4, warm)
            if args.rate:
                paced_load(args.port, args.restart, args.connections, sequence, args.rate, 0)
            else:
                python_load(args.port, args.restart, args.connections, sequence)
        print(f"  restarted after {args.restart:g} s of the same traffic on a first server")
    with serving(args.data_dir, args.port, args.workers):
        python_load(args.port, 5, 4, warm)  # imports, templates, the index's first reads
        if args.rate:
            tool = f"open loop at {args.rate:g} requests/s, up to {args.connections} at once"
            if args.warm:
                tool += f", after {args.warm:g} s of the same traffic unmeasured"
            load = paced_load(
                args.port, args.seconds, args.connections, sequence, args.rate, args.warm
            )
        elif shutil.which("wrk") and not args.python:
            tool = f"wrk, {WRK_THREADS} threads, {args.connections} connections"
            load = wrk_load(args.port, args.seconds, args.connections, sequence)
        else:
            tool = f"Python generator, {args.connections} connections"
            load = python_load(args.port, args.seconds, args.connections, sequence)
    before = int(args.warm * args.rate) if args.rate else 0
    distinct, repeat_share = repeats_in(sequence, load.requests, before)
    if traffic == "distinct" and load.requests > len(sequence):
        print(f"  warning: the run wrapped around: {load.requests - len(sequence)} repeats")
    print(f"{title}\n  {tool}, {load.seconds:.0f} s: {load.requests:,} requests")
    p95 = "" if load.p95 is None else f" · p95 {load.p95:.0f} ms"
    print(
        f"  {load.rate:.1f} pages/s · p50 {load.p50:.0f} ms · p90 {load.p90:.0f} ms{p95} · "
        f"p99 {load.p99:.0f} ms · errors {load.errors}"
    )
    print(f"  {distinct:,} pages asked for the first time, {repeat_share:.0%} of requests repeats")
    if load.windows:
        spans = (
            f"{w * WINDOW:g}–{(w + 1) * WINDOW:g} s {p95:.0f}" for w, p95 in enumerate(load.windows)
        )
        print(f"  p95 by {WINDOW:g} s (ms): " + " · ".join(spans))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--python", action="store_true", help="use the Python generator")
    parser.add_argument("--traffic", choices=("distinct", "zipf", "both"), default="both")
    parser.add_argument("--zipf-s", type=float, default=1.0, help="Zipf exponent s")
    parser.add_argument(
        "--vocabulary", type=int, default=MIX, help="zipf: queries ranked (the long tail)"
    )
    parser.add_argument(
        "--max-rate", type=float, default=400, help="pages/s the URL sequences are sized for"
    )
    parser.add_argument("--workers", type=int, default=2, help="thuvien serve --workers")
    parser.add_argument(
        "--rate", type=float, default=0, help="open loop: requests due per second (else wrk)"
    )
    parser.add_argument(
        "--warm", type=float, default=0, help="with --rate: seconds run first, unmeasured"
    )
    parser.add_argument(
        "--restart",
        type=float,
        default=0,
        help="seconds of the same traffic on a first server, which is then restarted",
    )
    args = parser.parse_args()
    print(machine())
    print(f"thuvien serve --workers {args.workers}, data {args.data_dir}")
    for traffic in ("distinct", "zipf") if args.traffic == "both" else (args.traffic,):
        run(args, traffic)


if __name__ == "__main__":
    main()
