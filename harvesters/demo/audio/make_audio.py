"""Make the demo's audiobooks: real Vietnamese speech from espeak-ng, encoded small.

    .venv/bin/python -m harvesters.demo.audio.make_audio            # the demo books
    .venv/bin/python -m harvesters.demo.audio.make_audio --fixtures # + test files

The output is committed (a few hundred kilobytes), so neither the demo nor the tests
need these tools; regenerate only when a text changes. Debian packages: espeak-ng and
lame for the books; vorbis-tools (oggenc) and ffmpeg for the test fixtures (an Ogg
Vorbis file with CHAPTERnnn comments and an MP4 with chapters).

The books come in the forms libraries deliver: one MP3 per chapter (Dế Mèn), one MP3
with ID3 CHAP/CTOC chapters (Tôi thấy hoa vàng), and one MP3 whose table of contents
nests chapters in parts (Hà Nội băm sáu phố phường). `mau` is a short reading sample
in eight chapter files that the demo's generated audiobooks share. The narrations are
short summaries written for the demo, not the books' text. Mono, 22 kHz, 32 kbit/s
constant bitrate (browsers seek constant-bitrate MP3 exactly).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path

from mutagen.id3 import CHAP, COMM, CTOC, ID3, TALB, TIT2, TLAN, TPE1, CTOCFlags

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parents[2] / "tests" / "accessibility" / "data"
VOICE, SPEED = "vi", 150  # espeak-ng's Northern Vietnamese voice, words per minute
BITRATE = 32
GAP = 0.8  # seconds of silence between chapters of a one-file book
NOTE = (
    "Giọng đọc tổng hợp (espeak-ng) cho bản demo của thuvien; lời tóm tắt, không phải nguyên văn."
)


@dataclass
class Part:
    """A chapter's text, or a part holding chapters (a one-file book's nested contents)."""

    title: str
    text: str = ""
    children: list[Part] = field(default_factory=list)


@dataclass
class Book:
    folder: str
    title: str
    author: str
    form: str  # "files" (one MP3 per chapter) | "single" (one MP3, ID3 chapters)
    parts: list[Part]


def _ch(title: str, spoken: str, text: str) -> Part:
    return Part(title, f"{spoken}. {text}")


BOOKS = (
    Book(
        "de-men",
        "Dế Mèn phiêu lưu ký",
        "Tô Hoài",
        "files",
        [
            _ch(
                "Chương 1. Bài học đường đời đầu tiên",
                "Chương một. Bài học đường đời đầu tiên",
                "Dế Mèn là một chàng dế trẻ khỏe mạnh, đôi càng mẫm bóng, rất tự hào về "
                "sức vóc của mình. Cậu hay trêu chọc hàng xóm, nhất là anh Dế Choắt yếu ớt "
                "sống cạnh nhà. Một lần, vì muốn ra oai, Dế Mèn trêu chị Cốc rồi chui vào "
                "hang nằm im. Chị Cốc tưởng Dế Choắt gây sự, liền mổ anh một trận. Trước "
                "khi mất, Dế Choắt khuyên Dế Mèn bỏ thói hung hăng.",
            ),
            _ch(
                "Chương 2. Trốn học",
                "Chương hai. Trốn học",
                "Sau bài học đau lòng ấy, Dế Mèn quyết định rời nhà đi xem thế giới. Cậu "
                "chào mẹ, chào anh em, rồi một mình lên đường. Dọc đường, cậu gặp những "
                "cánh đồng rộng, những dòng nước trong và biết bao con vật lạ. Mỗi ngày, "
                "Dế Mèn lại học thêm được một điều mới.",
            ),
            _ch(
                "Chương 3. Một cuộc xô xát",
                "Chương ba. Một cuộc xô xát",
                "Một hôm, Dế Mèn lạc vào vùng của bọn Châu Chấu Voi. Vì một lời qua tiếng "
                "lại, hai bên xô xát dữ dội. Dế Mèn thắng, nhưng cũng bị thương ở chân. "
                "Nằm nghỉ bên bờ cỏ, cậu hiểu rằng sức mạnh không phải để bắt nạt kẻ khác, "
                "mà để bảo vệ những người yếu hơn mình.",
            ),
            _ch(
                "Chương 4. Tình bạn",
                "Chương bốn. Tình bạn",
                "Trên đường phiêu lưu, Dế Mèn kết bạn với Dế Trũi, một chàng dế hiền lành "
                "và gan dạ. Hai anh em cùng nhau vượt sông, chống lại kẻ ác, giúp đỡ những "
                "con vật nhỏ bé. Dế Mèn hiểu rằng có bạn bè cùng chí hướng thì đường xa "
                "mấy cũng không còn đáng sợ.",
            ),
        ],
    ),
    Book(
        "hoa-vang",
        "Tôi thấy hoa vàng trên cỏ xanh",
        "Nguyễn Nhật Ánh",
        "single",
        [
            _ch(
                "Chương 1. Mở đầu",
                "Chương một. Mở đầu",
                "Đây là câu chuyện về tuổi thơ ở một làng quê nghèo miền Trung. Hai anh em "
                "Thiều và Tường lớn lên giữa những cánh đồng lúa, những con đường đất đỏ và "
                "những buổi chiều đầy gió. Cuộc sống thiếu thốn, nhưng tràn đầy tiếng cười "
                "và những trò chơi không bao giờ hết.",
            ),
            _ch(
                "Chương 2. Những ngày thơ ấu",
                "Chương hai. Những ngày thơ ấu",
                "Thiều là anh, hay nghịch ngợm và đôi khi ghen tị với em mình. Tường là em, "
                "hiền lành, yêu cây cỏ và thương cả những con vật bé nhỏ. Có lúc hai anh em "
                "giận nhau, rồi lại làm lành, như mọi đứa trẻ ở làng.",
            ),
            _ch(
                "Chương 3. Hoa vàng",
                "Chương ba. Hoa vàng",
                "Những bông hoa vàng nhỏ nở trên cỏ xanh ven đường làng. Đó là hình ảnh của "
                "tuổi thơ trong trẻo, của những điều giản dị mà ta chỉ nhận ra khi đã lớn. "
                "Thiều hiểu rằng mình cần biết yêu thương và che chở em nhiều hơn.",
            ),
            _ch(
                "Chương 4. Lời kết",
                "Chương bốn. Lời kết",
                "Khi lớn lên, mỗi người đều mang theo một cánh đồng hoa vàng trong ký ức. "
                "Câu chuyện khép lại nhẹ nhàng, để lại nỗi nhớ về làng quê và tình anh em. "
                "Những trang văn giản dị ấy nhắc ta trân trọng gia đình, bạn bè và những "
                "ngày thơ bé.",
            ),
        ],
    ),
    Book(
        "ha-noi",
        "Hà Nội băm sáu phố phường",
        "Thạch Lam",
        "single",
        [
            Part(
                "Phần 1. Món ngon Hà Nội",
                children=[
                    _ch(
                        "Chương 1. Phở",
                        "Phần một. Món ngon Hà Nội. Chương một. Phở",
                        "Phở là món quà đặc biệt của Hà Nội. Buổi sáng, hương thơm của nước "
                        "dùng bay khắp phố. Bánh phở mềm, thịt bò thái mỏng, thêm chút hành, "
                        "chút rau thơm. Người Hà Nội ăn phở ở quán nhỏ đầu ngõ, hay bên gánh "
                        "hàng rong, lúc nào cũng thấy ngon.",
                    ),
                    _ch(
                        "Chương 2. Quà Hà Nội",
                        "Chương hai. Quà Hà Nội",
                        "Hà Nội có nhiều thứ quà ngon theo mùa. Mùa thu có cốm làng Vòng, "
                        "xanh và thơm mùi lúa non. Mùa hè có bánh cuốn, chè và kem. Những món "
                        "quà ấy giữ lại hương vị của một thành phố nghìn năm.",
                    ),
                ],
            ),
            Part(
                "Phần 2. Phố phường",
                children=[
                    _ch(
                        "Chương 3. Hàng Bạc, Hàng Đào",
                        "Phần hai. Phố phường. Chương ba. Hàng Bạc, Hàng Đào",
                        "Mỗi con phố cổ mang tên một nghề. Hàng Bạc có những người thợ kim "
                        "hoàn tỉ mỉ. Hàng Đào xưa bán lụa, vải vóc đủ màu. Đi giữa những con "
                        "phố ấy, ta như nghe được tiếng nói của cả một thời đã qua.",
                    ),
                ],
            ),
        ],
    ),
    Book(
        "mau",
        "Bản đọc mẫu",
        "Thư viện",
        "files",
        [
            _ch(
                f"Chương {n}",
                f"Chương {spoken}",
                "Đây là bản đọc mẫu của thư viện. Bản đầy đủ được nghe tại thư viện.",
            )
            for n, spoken in enumerate(
                ("một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám"), start=1
            )
        ],
    ),
)


def run(tool: str, *args: str) -> None:
    """Run one of the tools named in the docstring; a clear message if it is missing."""
    path = shutil.which(tool)
    if path is None:
        raise SystemExit(f"{tool} is not installed (Debian: see this script's docstring)")
    subprocess.run([path, *args], check=True, capture_output=True)  # noqa: S603 — our own args


def speak(text: str, wav: Path) -> None:
    run("espeak-ng", "-v", VOICE, "-s", str(SPEED), "-w", str(wav), text)


def encode_mp3(wav: Path, mp3: Path) -> None:
    run("lame", "--quiet", "-m", "m", "--cbr", "-b", str(BITRATE), str(wav), str(mp3))


def concatenate(wavs: list[Path], out: Path) -> list[tuple[float, float]]:
    """Join chapter recordings with a short silence; each one's (start, end) in seconds."""
    starts, frames = [], []
    with wave.open(str(wavs[0])) as first:
        params = first.getparams()
    rate, width = params.framerate, params.sampwidth
    gap = b"\0" * int(GAP * rate) * width
    at = 0
    for i, path in enumerate(wavs):
        with wave.open(str(path)) as w:
            data = w.readframes(w.getnframes())
        if i:
            frames.append(gap)
            at += len(gap)
        starts.append(at / width / rate)
        frames.append(data)
        at += len(data)
    with wave.open(str(out), "wb") as w:
        w.setparams(params)
        w.writeframes(b"".join(frames))
    # A chapter runs to the next one's start: the silence between belongs to it.
    return list(zip(starts, [*starts[1:], at / width / rate], strict=True))


def leaves(parts: list[Part]) -> list[Part]:
    return [leaf for p in parts for leaf in (leaves(p.children) if p.children else [p])]


def tag(mp3: Path, book: Book, title: str) -> ID3:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TALB(encoding=3, text=book.title))
    tags.add(TPE1(encoding=3, text=book.author))
    tags.add(TLAN(encoding=3, text="vie"))
    tags.add(COMM(encoding=3, lang="vie", desc="", text=NOTE))
    return tags


def add_toc(tags: ID3, parts: list[Part], spans: dict[int, tuple[float, float]]) -> None:
    """ID3v2 chapters: a CHAP per chapter, a CTOC per part, one top-level CTOC over all."""
    counter = {"chap": 0, "part": 0}

    def element(part: Part) -> str:
        if not part.children:
            counter["chap"] += 1
            n = counter["chap"]
            start, end = spans[n - 1]
            tags.add(
                CHAP(
                    element_id=f"ch{n:02d}",
                    start_time=round(start * 1000),
                    end_time=round(end * 1000),
                    sub_frames=[TIT2(encoding=3, text=part.title)],
                )
            )
            return f"ch{n:02d}"
        counter["part"] += 1
        ident = f"part{counter['part']}"
        children = [element(child) for child in part.children]
        tags.add(
            CTOC(
                element_id=ident,
                flags=CTOCFlags.ORDERED,
                child_element_ids=children,
                sub_frames=[TIT2(encoding=3, text=part.title)],
            )
        )
        return ident

    top = [element(p) for p in parts]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=top,
            sub_frames=[TIT2(encoding=3, text="Mục lục")],
        )
    )


def mp3_length(path: Path) -> float:
    from mutagen.mp3 import MP3

    return round(MP3(path).info.length, 3)


def make_book(book: Book, tmp: Path) -> dict:
    """Write one book's files; its entry in books.json."""
    out = HERE / book.folder
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    chapters = leaves(book.parts)
    wavs = []
    for n, chapter in enumerate(chapters, 1):
        wav = tmp / f"{book.folder}-{n:02d}.wav"
        speak(chapter.text, wav)
        wavs.append(wav)
    if book.form == "files":
        files = []
        for n, (chapter, wav) in enumerate(zip(chapters, wavs, strict=True), 1):
            mp3 = out / f"chuong-{n:02d}.mp3"
            encode_mp3(wav, mp3)
            tag(mp3, book, chapter.title).save(mp3, v2_version=4)
            files.append({"file": mp3.name, "title": chapter.title, "duration": mp3_length(mp3)})
        return {"title": book.title, "form": "files", "files": files}
    joined = tmp / f"{book.folder}.wav"
    spans = concatenate(wavs, joined)
    mp3 = out / "sach.mp3"
    encode_mp3(joined, mp3)
    tags = tag(mp3, book, book.title)
    add_toc(tags, book.parts, dict(enumerate(spans)))
    tags.save(mp3, v2_version=4)
    return {
        "title": book.title,
        "form": "single",
        "files": [{"file": mp3.name, "title": book.title, "duration": mp3_length(mp3)}],
        "chapters": [
            {"title": c.title, "start": round(s, 3), "end": round(e, 3)}
            for c, (s, e) in zip(chapters, spans, strict=True)
        ],
    }


def make_fixtures(tmp: Path) -> None:
    """Test files for the chapter readers mutagen supports beyond ID3: Vorbis and MP4."""
    FIXTURES.mkdir(parents=True, exist_ok=True)
    texts = ["Chương một. Buổi sáng.", "Chương hai. Buổi trưa.", "Chương ba. Buổi tối."]
    wavs = []
    for n, text in enumerate(texts, 1):
        wav = tmp / f"fixture-{n}.wav"
        speak(text, wav)
        wavs.append(wav)
    joined = tmp / "fixture.wav"
    spans = concatenate(wavs, joined)
    titles = ["Buổi sáng", "Buổi trưa", "Buổi tối"]
    comments = []
    for n, ((start, _), title) in enumerate(zip(spans, titles, strict=True), 1):
        key = f"CHAPTER{n:03d}"
        comments += ["-c", f"{key}={_clock(start)}", "-c", f"{key}NAME={title}"]
    ogg = FIXTURES / "chapters.ogg"
    run("oggenc", "--quiet", "-q", "0", "-t", "Một ngày", *comments, "-o", str(ogg), str(joined))
    meta = tmp / "chapters.txt"
    lines = [";FFMETADATA1", "title=Một ngày"]
    for (start, end), title in zip(spans, titles, strict=True):
        lines += ["[CHAPTER]", "TIMEBASE=1/1000", f"START={round(start * 1000)}",
                  f"END={round(end * 1000)}", f"title={title}"]  # fmt: skip
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    m4a = FIXTURES / "chapters.m4a"
    run("ffmpeg", "-loglevel", "error", "-y", "-i", str(joined), "-i", str(meta),
        "-map_metadata", "1", "-map_chapters", "1", "-c:a", "aac", "-b:a", "24k", "-ac", "1",
        str(m4a))  # fmt: skip


def _clock(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", action="store_true", help="also write the test files")
    args = parser.parse_args(argv)
    catalogue = {}
    with tempfile.TemporaryDirectory() as tmp:
        for book in BOOKS:
            catalogue[book.folder] = make_book(book, Path(tmp))
            print(f"{book.folder}: {sum(f['duration'] for f in catalogue[book.folder]['files'])} s")
        if args.fixtures:
            make_fixtures(Path(tmp))
    (HERE / "books.json").write_text(
        json.dumps(catalogue, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
