"""A small audiobook catalogue: a real store and tantivy index holding audiobooks whose
files are the demo's real recordings, copied into the data directory as ingest leaves
them. Used by tests/accessibility and tests/browser/test_audiobooks.py.

- `lib:de-men`   one MP3 per chapter (4 files), public;
- `lib:ha-noi`   one MP3 with ID3 chapters nested in two parts, public;
- `lib:hoa-vang` one MP3 with ID3 chapters, registered readers only (the demo's rule);
- `lib:secret`   an audiobook hidden by a rule (must answer exactly like an unknown id);
- `lib:inhouse`  an audiobook anyone may see whose audio only staff may hear;
- `lib:tape`     an audiobook with a timed 505 note and no file online;
- `lib:novel`    a plain book (no audio), so the format filter has something to leave out.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from catalogue.record import DigitalObject, Record
from catalogue.rights import Conditions, LicenceRule, Outcomes, save_rule
from catalogue.runs import HarvestedItem
from catalogue.settings import Settings
from catalogue.sources import Source
from catalogue.store import Store
from harvesters.demo.audio import AUDIO_DIR, books
from indexer import TantivyIndex
from indexer.sync import sync_index

SOURCE = "lib"
REGISTERED = "Sách nói dành cho bạn đọc đăng ký"
HIDDEN = "Kho hạn chế"
STAFF = "Bản ghi âm nội bộ"
DATA = Path(__file__).resolve().parent / "data"


@dataclass
class AudioCatalogue:
    settings: Settings
    store: Store
    index: TantivyIndex


def stored_objects(data_dir: Path, folder: str) -> list[DigitalObject]:
    """The bundled book's files, copied under data_dir as ingest would store them."""
    book = books()[folder]
    out = []
    for order, (name, title, seconds) in enumerate(book.files):
        relative = f"objects/{folder}/{name}"
        target = data_dir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(AUDIO_DIR / folder / name, target)
        out.append(
            DigitalObject(
                kind="audio",
                location=f"audio/{folder}/{name}",
                label=title if book.form == "files" else "",
                order=order,
                mime_type="audio/mpeg",
                bytes=target.stat().st_size,
                duration=seconds,
                stored_path=relative,
            )
        )
    return out


def contents(folder: str) -> list[str]:
    return [f"{title} ({s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d})" for title, s in
            books()[folder].chapters]  # fmt: skip


def audiobook(local_id: str, title: str, **fields) -> Record:
    defaults = {
        "authors": ["Tô Hoài"],
        "contributors": ["Nguyễn Thu Hà"],
        "genres": ["Sách nói", "Truyện thiếu nhi"],
        "languages": ["vie"],
        "year": 2019,
        "format": "audiobook",
    }
    return Record(source_key=SOURCE, local_id=local_id, title=title, **{**defaults, **fields})


def records(data_dir: Path) -> list[Record]:
    return [
        audiobook(
            "de-men",
            "Dế Mèn phiêu lưu ký",
            contents=contents("de-men"),
            digital_objects=stored_objects(data_dir, "de-men"),
        ),
        audiobook(
            "ha-noi",
            "Hà Nội băm sáu phố phường",
            authors=["Thạch Lam"],
            contributors=["Lê Khanh"],
            genres=["Sách nói", "Tùy bút"],
            year=2021,
            contents=contents("ha-noi"),
            digital_objects=stored_objects(data_dir, "ha-noi"),
        ),
        audiobook(
            "hoa-vang",
            "Tôi thấy hoa vàng trên cỏ xanh",
            authors=["Nguyễn Nhật Ánh"],
            contributors=["Trần Văn Bình"],
            genres=["Sách nói", "Truyện dài"],
            year=2020,
            collections=[REGISTERED],
            contents=contents("hoa-vang"),
            digital_objects=stored_objects(data_dir, "hoa-vang"),
        ),
        audiobook(
            "secret",
            "Sách nói lưu trữ mật",
            collections=[HIDDEN],
            digital_objects=stored_objects(data_dir, "mau")[:1],
        ),
        audiobook(
            "inhouse",
            "Bản ghi âm hội thảo",
            collections=[STAFF],
            digital_objects=stored_objects(data_dir, "mau")[:2],
        ),
        audiobook(
            "tape",
            "Số đỏ",
            authors=["Vũ Trọng Phụng"],
            contributors=["Phạm Minh Nguyệt"],
            genres=["Sách nói", "Tiểu thuyết"],
            year=2022,
            contents=[
                "Chương 1. Hạnh phúc của một tang gia (00:31:20)",
                "Chương 2. Xuân Tóc Đỏ (00:27:45)",
            ],
        ),
        Record(
            source_key=SOURCE,
            local_id="novel",
            title="Dế Mèn phiêu lưu ký",
            authors=["Tô Hoài"],
            languages=["vie"],
            year=2020,
            format="book",
        ),
    ]


def build_audio_catalogue(data_dir: Path) -> AudioCatalogue:
    """Save the records, the rules (hidden, registered, the rest open) and index them."""
    settings = Settings(data_dir=data_dir)
    store = Store(settings.db_url)
    store.put_source(Source(key=SOURCE, name="Thư viện thử", type="oai", url="http://127.0.0.1:1/"))
    run = store.start_run(SOURCE, "full")
    items = [HarvestedItem(r.local_id, b"<record/>", "oai_dc", r) for r in records(data_dir)]
    store.save_items(run, SOURCE, items)
    store.finish_run(run, "succeeded")
    save_rule(
        store,
        LicenceRule(
            name="Hidden",
            conditions=Conditions(collections=(HIDDEN,)),
            outcomes=Outcomes(see_record="hidden", view_content="hidden", download="hidden"),
        ),
    )
    save_rule(
        store,
        LicenceRule(
            name="Staff recordings",
            conditions=Conditions(collections=(STAFF,)),
            outcomes=Outcomes(see_record="public", view_content="staff", download="staff"),
        ),
    )
    save_rule(
        store,
        LicenceRule(
            name="Sách nói — registered readers",
            conditions=Conditions(collections=(REGISTERED,)),
            outcomes=Outcomes(
                see_record="public", view_content="registered", download="registered"
            ),
        ),
    )
    save_rule(
        store,
        LicenceRule(
            name="Everything else open",
            conditions=Conditions(sources=(SOURCE,)),
            outcomes=Outcomes(see_record="public", view_content="public", download="public"),
        ),
    )
    index = TantivyIndex(settings.index_dir)
    sync_index(store, index)
    return AudioCatalogue(settings, store, index)
