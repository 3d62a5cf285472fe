"""Results-page throughput and latency of `thuvien serve` under load.

    .venv/bin/python bench/search.py --records 1000000 --index DATA/index --keep
    .venv/bin/python bench/portal_load.py --data-dir DATA [--seconds 30] [--connections 16]

Starts `thuvien serve --workers N` (gunicorn; 1: waitress) on 127.0.0.1 over the data
folder, then requests results pages for a fixed time: the search benchmark's 1,000
mixed queries and filters (bench/search.py `query_mix`) as `/search?…` URLs, in turn.
A URL's first request is computed; once the cycle wraps, repeats are answered by the
index's result cache, so the Python generator reports the two apart. Uses `wrk`
(Debian package `wrk`) when it is installed, else the Python generator with keep-alive
connections (which itself competes for the 2 cores, so its figures are a lower bound).
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402
from bench.search import query_mix  # noqa: E402


def mix_paths(count: int) -> list[str]:
    """Results-page URLs for the search benchmark's query mix (bench/search.py)."""
    paths = []
    for _kind, query in query_mix(count):
        params: dict[str, list[str] | str] = {"q": query.q}
        params.update({f"f.{name}": values for name, values in query.filters.items()})
        paths.append("/search?" + urlencode(params, doseq=True))
    return paths


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen:
    thuvien = Path(sys.executable).with_name("thuvien")
    env = {**os.environ, "THUVIEN_MODE": "development"}
    server = subprocess.Popen(
        [
            str(thuvien),
            "--data-dir",
            str(data_dir),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/search?q=x", timeout=5).read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("thuvien serve did not answer within 120 s")


def python_load(
    port: int, seconds: float, connections: int, paths: list[str]
) -> tuple[list[float], list[float], int]:
    """Latencies of first requests for a URL and of repeats (the portal's result cache
    answers those), and the number of errors."""
    first: list[float] = []
    repeated: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    numbered = itertools.cycle(enumerate(paths))
    seen: set[int] = set()

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[tuple[bool, float]] = []
        bad = 0
        while time.perf_counter() < stop:
            with lock:
                number, path = next(numbered)
                is_first = number not in seen
                seen.add(number)
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((is_first, (time.perf_counter() - start) * 1000))
        with lock:
            first.extend(ms for is_first, ms in mine if is_first)
            repeated.extend(ms for is_first, ms in mine if not is_first)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return first, repeated, errors


def wrk_load(port: int, seconds: float, connections: int, paths: list[str]) -> str:
    script = Path(tempfile.mkdtemp()) / "paths.lua"
    quoted = ", ".join(f'"{p}"' for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function() i = i % #paths + 1; return wrk.format('GET', paths[i]) end\n"
    )
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "-s", str(script),
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return result.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--python", action="store_true", help="use the Python generator")
    parser.add_argument("--queries", type=int, default=1000, help="distinct results pages")
    parser.add_argument("--workers", type=int, default=2, help="thuvien serve --workers")
    args = parser.parse_args()
    print(machine())
    server = start_server(args.data_dir, args.port, args.workers)
    print(f"thuvien serve --workers {args.workers}")
    try:
        python_load(args.port, 3, 4, mix_paths(50))  # warm up on other URLs' shapes
        paths = mix_paths(args.queries)
        if shutil.which("wrk") and not args.python:
            print(wrk_load(args.port, args.seconds, args.connections, paths))
            return
        first, repeated, errors = python_load(args.port, args.seconds, args.connections, paths)
        done = len(first) + len(repeated)
        print(
            f"Python load generator, {args.connections} connections, {args.seconds:.0f} s, "
            f"{len(paths)} distinct results pages cycled: {done / args.seconds:.1f} pages/s · "
            f"errors {errors}"
        )
        for label, times in (("first request", first), ("repeated (cached)", repeated)):
            if len(times) >= 2:
                q = statistics.quantiles(times, n=100, method="inclusive")
                print(
                    f"  {label:<18} {len(times):6d}: p50 {q[49]:.0f} ms · p95 {q[94]:.0f} ms · "
                    f"p99 {q[98]:.0f} ms"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
