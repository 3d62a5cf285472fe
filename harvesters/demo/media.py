"""The demo libraries' digitised files: page scans made on demand, bundled audio.

The demo records' 856 $u / dc:identifier name relative paths (`marc.scan_paths`):

    scans/<local id>/page-NNN.jpg     a synthetic page scan (pyvips: paper, a running
                                      head, lines of verse); the first page of the
                                      showcase map is a large scanned map (deep zoom)
    audio/<local id>/<book>/<file>    the bundled recording (harvesters/demo/audio:
                                      `bundled_file`; else audio/<rest> there), if any

A real library publishes such files next to its catalogue, so the demo does too: the
OAI-PMH libraries serve them over HTTP beside /oai (`with_media`, so a relative path
resolves against the base URL exactly as a browser would), and the MARC library has
them in the folder of its export file (`publish_files`). Made images are cached under
`root`, keyed by what they show, so a rerun of the demo makes none again.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from harvesters.demo import vocab as v
from harvesters.demo.generator import DemoCatalogue, DemoLibrary, local_id
from harvesters.demo.marc import scan_paths
from harvesters.demo.model import Work

AUDIO_DIR = Path(__file__).resolve().parent / "audio"
PAGE_SIZE = (720, 1000)
MAP_SIZE = (6400, 4800)  # the showcase map's first sheet: large enough for deep zoom
MEDIA_VERSION = "2"  # bump when the pictures change, so cached ones are made again
_SCAN = re.compile(r"scans/([^/]+)/page-(\d{3})\.jpg")
# Public domain (Nguyễn Du, 1766-1820): the text the synthetic pages are set in.
VERSE = (
    "Trăm năm trong cõi người ta,\nChữ tài chữ mệnh khéo là ghét nhau.\n"
    "Trải qua một cuộc bể dâu,\nNhững điều trông thấy mà đau đớn lòng.\n"
    "Lạ gì bỉ sắc tư phong,\nTrời xanh quen thói má hồng đánh ghen.\n"
    "Cảo thơm lần giở trước đèn,\nPhong tình cổ lục còn truyền sử xanh.\n"
    "Rằng năm Gia Tĩnh triều Minh,\nBốn phương phẳng lặng hai kinh vững vàng.\n"
    "Có nhà viên ngoại họ Vương,\nGia tư nghỉ cũng thường thường bậc trung.\n"
)


class DemoMedia:
    """Finds (making if needed) the file behind a demo library's relative path."""

    def __init__(self, catalogue: DemoCatalogue, root: Path) -> None:
        self.catalogue = catalogue
        self.root = Path(root)
        self._works: list[Work] | None = None
        self._lock = threading.Lock()

    def works(self) -> list[Work]:
        if self._works is None:
            self._works = list(self.catalogue.iter_works())
        return self._works

    def work_of(self, library_key: str, ident: str) -> Work | None:
        """The work behind a library's local id (the generator's id styles, inverted)."""
        prefixes = {v.HANOI: ("", 10001), v.NATIONAL: ("NLV", 300000), v.VNU: ("VNU", 100000)}
        prefix, offset = prefixes.get(library_key, ("", 0))
        digits = ident.removeprefix(prefix)
        if not digits.isdigit() or not ident.startswith(prefix):
            return None
        index = int(digits) - offset
        works = self.works()
        if 0 <= index < len(works) and local_id(library_key, index) == ident:
            work = works[index]
            if library_key in work.holders and library_key not in work.deleted_in:
                return work
        return None

    def file(self, library_key: str, path: str) -> Path | None:
        """The file a library publishes at `path`, or None (a 404)."""
        if ".." in path.split("/") or path.startswith("/"):
            return None
        if path.startswith("audio/"):
            return _audio_file(path)
        match = _SCAN.fullmatch(path)
        if not match:
            return None
        ident, page = match.group(1), int(match.group(2))
        work = self.work_of(library_key, ident)
        if work is None:
            return None
        labels = {p: label for p, label, _ in scan_paths(work, ident)}
        if path not in labels:
            return None
        return self._image(work, page, labels[path])

    def _image(self, work: Work, page: int, label: str) -> Path:
        large = work.format == "map" and page == 1 and work.work_id == self.showcase_map_id()
        key = hashlib.sha256(
            f"{MEDIA_VERSION}\x1f{work.work_id}\x1f{page}\x1f{label}\x1f{large}".encode()
        ).hexdigest()
        dest = self.root / "made" / key[:2] / f"{key}.jpg"
        if dest.is_file():
            return dest
        with self._lock:  # one maker at a time: two cores, many requests
            if not dest.is_file():
                dest.parent.mkdir(parents=True, exist_ok=True)
                tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
                if large:
                    make_map(work.title, tmp)
                elif work.format == "map":
                    make_map(f"{work.title} — {label}", tmp, (1200, 900))
                else:
                    make_page(work, page, label, tmp)
                os.replace(tmp, dest)
        return dest

    def showcase_map_id(self) -> str:
        """The first map among the works: its first sheet is the large deep-zoom scan."""
        return next((w.work_id for w in self.works() if w.format == "map"), "")

    def paths(self, library: DemoLibrary) -> Iterable[str]:
        """Every relative path the library's live records name."""
        for work in self.works():
            if library.key in work.holders and library.key not in work.deleted_in:
                ident = local_id(library.key, work.index)
                yield from (path for path, _, _ in scan_paths(work, ident))


def _audio_file(path: str) -> Path | None:
    """The bundled recording behind an audio link (the audio package's layout first)."""
    try:
        from harvesters.demo.audio import bundled_file
    except ImportError:
        bundled_file = None
    found = bundled_file(path) if bundled_file is not None else None
    if found is None:
        found = (AUDIO_DIR / path.removeprefix("audio/")).resolve()
    root = AUDIO_DIR.resolve()
    found = found.resolve()
    return found if found.is_relative_to(root) and found.is_file() else None


def publish_files(media: DemoMedia, library: DemoLibrary, folder: Path) -> int:
    """Put the library's files in `folder` (beside its MARC export); returns how many.

    Hard links to the made images where the file system allows (no second copy).
    """
    count = 0
    for path in media.paths(library):
        found = media.file(library.key, path)
        if found is None:
            continue
        dest = folder / path
        if dest.is_file() and dest.stat().st_size == found.stat().st_size:
            count += 1
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.unlink(missing_ok=True)
        try:
            os.link(found, dest)
        except OSError:
            shutil.copyfile(found, dest)
        count += 1
    return count


def with_media(oai_app: Callable[..., Any], media: DemoMedia, library_key: str):
    """A WSGI app: the library's files at /scans/… and /audio/…, OAI-PMH everywhere else."""

    def app(environ: dict[str, Any], start_response: Callable[..., Any]):
        path = environ.get("PATH_INFO", "").lstrip("/")
        if not path.startswith(("scans/", "audio/")):
            return oai_app(environ, start_response)
        found = media.file(library_key, path)
        if found is None:
            start_response("404 Not Found", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"no such file\n"]
        data = found.read_bytes()
        kind = "image/jpeg" if found.suffix == ".jpg" else "audio/mpeg"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", str(len(data)))])
        method = environ.get("REQUEST_METHOD", "GET").upper()
        return [b"" if method == "HEAD" else data]

    return app


# -- the pictures -------------------------------------------------------------------------


INK = [52, 38, 28]
STREETS = (
    "Hàng Bạc", "Hàng Đào", "Hàng Gai", "Hàng Bông", "Tràng Tiền", "Hàng Buồm",
    "Mã Mây", "Hàng Ngang", "Hàng Đường", "Lò Sũ", "Hàng Bè", "Hàng Trống",
    "Đinh Tiên Hoàng", "Lý Thái Tổ", "Phủ Doãn", "Quán Thánh", "Cửa Bắc", "Hàng Than",
)  # fmt: skip


def _paper(width: int, height: int, colour: list[int], falloff: float, page: int):
    """Paper of one colour, darker towards the binding (left on rectos, right on versos)."""
    import pyvips

    x = pyvips.Image.xyz(width, 1)[0]
    edge = (x * -1 + width) if page % 2 else x
    shade = edge * (falloff / width)
    row = (shade * -1 + colour[0]).bandjoin([shade * -1 + colour[1], shade * -1 + colour[2]])
    row = row.cast("uchar").copy(interpretation="srgb")
    return row.embed(0, 0, width, height, extend="copy")


def _ink(image, texts: list[tuple[str, int, int, int, int]], colour: list[int]):
    """Set each (markup, dpi, x, y, wrap width) in `colour` onto the image, in one pass.

    Wrapped text (a wrap width given) is centred across the image; `x` is then unused.
    """
    import pyvips

    mask = pyvips.Image.black(image.width, image.height)
    for text, dpi, left, top, wrap in texts:
        options = {"width": wrap, "align": "centre"} if wrap else {}
        glyphs = pyvips.Image.text(text, dpi=dpi, font="serif", **options)
        if wrap:
            left = max(0, (image.width - glyphs.width) // 2)
        mask = mask.insert(glyphs, left, top)
    return mask.ifthenelse(colour, image, blend=True)


def make_page(work: Work, page: int, label: str, dest: Path) -> None:
    """A page scan: aged paper, the page's label as running head, lines of verse."""
    width, height = PAGE_SIZE
    seed = int(hashlib.sha256(f"{work.work_id}:{page}".encode()).hexdigest()[:6], 16)
    tint = seed % 18
    image = _paper(width, height, [238 - tint, 228 - tint, 202 - tint // 2], 40.0, page)
    lines = VERSE.splitlines()
    start = (seed + page * 4) % len(lines)
    body = "\n".join(lines[(start + i) % len(lines)] for i in range(14))
    texts = [
        (f"<b>{_markup(work.title[:60])}</b>\n{_markup(label)}", 110, 80, 60, width - 160),
        (_markup(body), 112, 80, 230, width - 160),
        (str(page), 96, width // 2 - 8, height - 70, 0),
    ]
    _ink(image, texts, INK).jpegsave(str(dest), Q=72, strip=True)


def make_map(title: str, dest: Path, size: tuple[int, int] = MAP_SIZE) -> None:
    """A large scanned map sheet: relief, a meandering river, lakes, a grid, street names.

    Shapes are drawn at an eighth of the size (half, for small sheets) and scaled up (a
    scan is soft anyway); the grid and the lettering are full size, so deep zoom finds
    detail to show.
    """
    import pyvips

    width, height = size
    # Drawn in the full sheet's coordinates whatever the size (`unit` = sheet px per px).
    unit = MAP_SIZE[0] / width
    full_height = MAP_SIZE[1]
    factor = 8 if width > 3000 else 2
    small_w, small_h = -(-width // factor), -(-height // factor)
    xy = pyvips.Image.xyz(small_w, small_h)
    x, y = xy[0].cast("float") * factor * unit, xy[1].cast("float") * factor * unit
    # pyvips' sin/cos take degrees.
    relief = (x * (360 / 1700)).sin() * 14 + (y * (360 / 1300)).cos() * 14
    relief = relief + ((x + y) * (360 / 700)).sin() * 6
    image = (relief * -0.5 + 226).bandjoin([relief * -0.3 + 214, relief * -0.6 + 178])
    course = (x * (360 / 3100)).sin() * 700 + (x * (360 / 900)).sin() * 160 + full_height * 0.55
    image = ((y - course).abs() < 70).ifthenelse([118, 152, 172], image)
    for cx, cy, r in ((2300, 1500, 190), (3600, 1150, 120), (4700, 1700, 260)):
        lake = ((x - cx) * (x - cx) + (y - cy) * (y - cy)) < r * r
        image = lake.ifthenelse([126, 160, 178], image)
    image = image.cast("uchar").copy(interpretation="srgb").resize(factor, kernel="linear")
    image = image.crop(0, 0, width, height)
    step = round(400 / unit)
    line = max(1, round(3 / unit))
    columns = (pyvips.Image.xyz(width, 1)[0] % step) < line
    rows = (pyvips.Image.xyz(1, height)[1] % step) < line
    grid = columns.embed(0, 0, width, height, extend="copy") | rows.embed(
        0, 0, width, height, extend="copy"
    )
    image = grid.ifthenelse([160, 128, 96], image)
    texts = [
        (f"<b>{_markup(title[:40])}</b>", 700, 300, 260, 0),
        ("<i>Sông Hồng</i>", 360, 3900, int(full_height * 0.55) + 900, 0),
        ("Hồ Hoàn Kiếm", 220, 2050, 1780, 0),
        ("Hồ Tây", 260, 4500, 2050, 0),
    ]
    if unit <= 2:  # street names only where they can be read
        for i, street in enumerate(STREETS):
            texts.append((f"Phố {street}", 60, 420 + (i % 6) * 980, 2700 + (i // 6) * 560, 0))
    scaled = [
        (t, max(1, round(d / unit)), round(x / unit), round(y / unit), 0) for t, d, x, y, _ in texts
    ]
    _ink(image, scaled, [74, 42, 22]).jpegsave(str(dest), Q=82, strip=True)


def _markup(text: str) -> str:
    """Text safe inside Pango markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
