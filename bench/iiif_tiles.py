"""IIIF tile throughput: thuvien's Image API server beside Debian's IIPImage, same scan, same run.

    apt-get install iipimage-server            # /usr/lib/iipimage-server/iipsrv.fcgi
    .venv/bin/python bench/iiif_tiles.py [--width 10000 --height 8000] [--tiles 300]
                                         [--connections 8] [--keep DIR]

Makes a 10,000 × 8,000 synthetic scan (textured, so JPEG tiles have realistic sizes) and
converts it with `iiif.render.convert_to_pyramid` (the ingest path: pyramidal tiled TIFF,
256-px JPEG tiles). Then, for IIIF tiles of 256 and 512 px, requests the same random
sample of tiles (all zoom levels of a deep-zoom pyramid) from each server:

- cold: freshly started servers, thuvien's derivative cache empty;
- warm: the same tiles again (thuvien: stored tiles again, the rest from its disk cache;
  IIPImage: its memory cache).

A request that is exactly one stored tile (the 256-px sample's tiles, except those on
the right and bottom edges, which the file pads out) is answered by thuvien with the
stored tile's own JPEG bytes (quality 85, ingest's); everything else is decoded and
encoded at quality 85. The mean size of the tiles each server sent is printed too.

thuvien runs as `thuvien serve --workers N` does, one process per core by default
(gunicorn; `--workers 1`: waitress in one process). IIPImage runs as one iipsrv.fcgi
process per core, spoken to directly over FastCGI by the load
generator (no web server in front of it), so its figures are an upper bound and the
ratios printed are conservative. Both encode at JPEG quality 85. The load generator runs in
this process with keep-alive connections, sharing the machine's cores with the servers.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import random
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import machine  # noqa: E402

IIPSRV = Path("/usr/lib/iipimage-server/iipsrv.fcgi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port}")


def make_scan(folder: Path, width: int, height: int) -> Path:
    import pyvips

    from iiif.render import convert_to_pyramid

    dest = folder / "scan.tif"
    if dest.exists():
        return dest
    noise = pyvips.Image.gaussnoise(width, height, sigma=40, mean=128)
    xyz = pyvips.Image.xyz(width, height)
    red = (noise + xyz[0] / (width / 80)).cast("uchar")
    green = (noise * 0.6 + xyz[1] / (height / 120)).cast("uchar")
    blue = ((xyz[0] + xyz[1]) % 255).cast("uchar")
    scan = red.bandjoin([green, blue]).copy(interpretation="srgb")
    source = folder / "scan-source.v"
    scan.write_to_file(str(source))
    convert_to_pyramid(source, dest)
    source.unlink()
    return dest


def tile_sample(width: int, height: int, tile: int, count: int, seed: int) -> list[tuple]:
    """(x, y, w, h, out_w, out_h) of `count` tiles drawn from every zoom level."""
    tiles = []
    scale = 1
    while True:
        step = tile * scale
        for y in range(0, height, step):
            for x in range(0, width, step):
                w, h = min(step, width - x), min(step, height - y)
                tiles.append((x, y, w, h, math.ceil(w / scale), math.ceil(h / scale)))
        if math.ceil(width / scale) <= tile and math.ceil(height / scale) <= tile:
            break
        scale *= 2
    return random.Random(seed).sample(tiles, min(count, len(tiles)))


# -- clients -----------------------------------------------------------------------------------


class HttpClient:
    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


class FastCgiClient:
    """Just enough FastCGI (responder role, kept connection) to ask iipsrv for a tile."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)

    @staticmethod
    def _record(kind: int, body: bytes) -> bytes:
        return struct.pack(">BBHHBB", 1, kind, 1, len(body), 0, 0) + body

    @staticmethod
    def _pair(name: str, value: str) -> bytes:
        out = b""
        for text in (name, value):
            n = len(text.encode())
            out += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        return out + name.encode() + value.encode()

    def _read(self, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("iipsrv closed the connection")
            data += chunk
        return data

    def get(self, query: str) -> tuple[int, bytes]:
        params = {
            "REQUEST_METHOD": "GET",
            "QUERY_STRING": query,
            "SCRIPT_NAME": "/fcgi-bin/iipsrv.fcgi",
            "REQUEST_URI": "/fcgi-bin/iipsrv.fcgi?" + query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": str(self.port),
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": f"127.0.0.1:{self.port}",
        }
        body = b"".join(self._pair(k, v) for k, v in params.items())
        self.sock.sendall(
            self._record(1, struct.pack(">HB5x", 1, 1))  # BEGIN_REQUEST, keep connection
            + self._record(4, body)
            + self._record(4, b"")
            + self._record(5, b"")
        )
        out = b""
        while True:
            _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", self._read(8))
            content = self._read(length + padding)[:length]
            if kind == 6:
                out += content
            elif kind == 3:
                break
        head, _, payload = out.partition(b"\r\n\r\n")
        status = 200
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"status:"):
                status = int(line.split()[1])
        return status, payload

    def close(self) -> None:
        self.sock.close()


def load(
    make_client: Callable[[int], object], paths: list[str], connections: int
) -> tuple[float, int, int]:
    """Request every path once over `connections` keep-alive connections: (s, bytes, errors)."""
    queue = list(reversed(paths))
    lock = threading.Lock()
    totals = {"bytes": 0, "errors": 0}

    def worker(index: int) -> None:
        client = make_client(index)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    path = queue.pop()
                status, data = client.get(path)  # type: ignore[attr-defined]
                with lock:
                    totals["bytes"] += len(data)
                    totals["errors"] += status != 200
        finally:
            client.close()  # type: ignore[attr-defined]

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, totals["bytes"], totals["errors"]


# -- servers -------------------------------------------------------------------------------------

THUVIEN_SERVER = """
import logging
import sys
from flask import Flask
from iiif.server import init_app

images, cache, port, threads, workers = sys.argv[1:6]


def make_app():
    app = Flask("bench")
    init_app(app, images_dir=images, cache_dir=cache)
    return app


if int(workers) <= 1:  # as `thuvien serve` does: waitress in one process
    from waitress import serve

    logging.getLogger("waitress").setLevel(logging.ERROR)  # not "Task queue depth is 1"
    serve(make_app(), host="127.0.0.1", port=int(port), threads=int(threads), _quiet=True)
else:  # as `thuvien serve --workers N` does: gunicorn, gthread workers
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {
                "bind": f"127.0.0.1:{port}",
                "workers": int(workers),
                "worker_class": "gthread",
                "threads": int(threads),
                "accesslog": None,
                "loglevel": "warning",
            }.items():
                self.cfg.set(key, value)

        def load(self):
            return make_app()

    Server().run()
"""


def start_thuvien(
    images: Path, cache: Path, threads: int, workers: int
) -> tuple[list[subprocess.Popen], int]:
    shutil.rmtree(cache, ignore_errors=True)
    port = free_port()
    root = Path(__file__).resolve().parents[1]
    command = [sys.executable, "-c", THUVIEN_SERVER, str(images), str(cache), str(port)]
    process = subprocess.Popen(
        [*command, str(threads), str(workers)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    wait_for_port(port)
    return [process], port


def start_iipsrv(images: Path, processes: int) -> tuple[list[subprocess.Popen], list[int]]:
    env = {
        **os.environ,
        "FILESYSTEM_PREFIX": f"{images}/",
        "VERBOSITY": "0",
        "JPEG_QUALITY": "85",
        "MAX_IMAGE_CACHE_SIZE": "64",
        "MAX_CVT": "100000",
    }
    started, ports = [], []
    for _ in range(processes):
        port = free_port()
        started.append(
            subprocess.Popen(
                [str(IIPSRV), "--bind", f"127.0.0.1:{port}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        ports.append(port)
    for port in ports:
        wait_for_port(port)
    return started, ports


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--width", type=int, default=10_000)
    parser.add_argument("--height", type=int, default=8_000)
    parser.add_argument("--tiles", type=int, default=300, help="tiles per sample")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=8, help="threads per thuvien process")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 2,
        help="thuvien processes (default: one per core, as IIPImage gets)",
    )
    parser.add_argument("--keep", type=Path, help="folder to keep the scan in between runs")
    args = parser.parse_args()
    if not IIPSRV.exists():
        sys.exit(f"{IIPSRV} is missing: apt-get install iipimage-server")
    work = args.keep or Path(tempfile.mkdtemp(prefix="iiif-bench-"))
    images = work / "images"
    images.mkdir(parents=True, exist_ok=True)
    print(machine())
    started = time.perf_counter()
    scan = make_scan(images, args.width, args.height)
    print(
        f"scan {args.width} × {args.height}: {scan.stat().st_size / 2**20:.0f} MiB pyramidal TIFF "
        f"({time.perf_counter() - started:.1f} s to make)"
    )
    cores = os.cpu_count() or 2
    server = (
        "waitress, 1 process"
        if args.workers <= 1
        else f"gunicorn (as `thuvien serve --workers {args.workers}`), {args.workers} processes"
    )
    print(
        f"{args.tiles} tiles per sample, {args.connections} connections; thuvien: {server} × "
        f"{args.threads} threads; IIPImage: {cores} iipsrv processes over FastCGI"
    )
    print("| tiles | server | cold tiles/s | warm tiles/s | cold ratio | warm ratio | KiB/tile |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for tile in (256, 512):
        sample = tile_sample(args.width, args.height, tile, args.tiles, seed=tile)
        ours = [
            f"/iiif/3/scan/{x},{y},{w},{h}/{ow},{oh}/0/default.jpg" for x, y, w, h, ow, oh in sample
        ]
        theirs = [
            f"IIIF=/scan.tif/{x},{y},{w},{h}/{ow},/0/default.jpg" for x, y, w, h, ow, _ in sample
        ]
        rates, sizes = {}, {}
        processes, port = start_thuvien(images, work / "cache", args.threads, args.workers)
        try:
            measured = []
            for _ in ("cold", "warm"):
                seconds, received, errors = load(
                    lambda i, port=port: HttpClient(port), ours, args.connections
                )
                if errors:
                    print(f"thuvien answered {errors} of {len(ours)} tiles with an error")
                measured.append(len(ours) / seconds)
            rates["thuvien"] = measured
            sizes["thuvien"] = received / len(ours) / 1024
        finally:
            stop(processes)
        processes, ports = start_iipsrv(images, cores)
        try:
            measured = []
            for _ in ("cold", "warm"):
                seconds, received, errors = load(
                    lambda i, ports=ports: FastCgiClient(ports[i % len(ports)]),
                    theirs,
                    args.connections,
                )
                if errors:
                    print(f"IIPImage answered {errors} of {len(theirs)} tiles with an error")
                measured.append(len(theirs) / seconds)
            rates["IIPImage"] = measured
            sizes["IIPImage"] = received / len(theirs) / 1024
        finally:
            stop(processes)
        for name in ("thuvien", "IIPImage"):
            cold, warm = rates[name]
            ratio = (
                f"**{cold / rates['IIPImage'][0]:.2f}** | **{warm / rates['IIPImage'][1]:.2f}**"
                if name == "thuvien"
                else "— | —"
            )
            print(f"| {tile} | {name} | {cold:.0f} | {warm:.0f} | {ratio} | {sizes[name]:.0f} |")
    print("targets: cold ≥ 0.5 × IIPImage, warm ≥ 1.0 ×")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
