"""Render a `Work` as one library's MARC21 record (pymarc), in that library's style.

Thư viện Hà Nội is a Koha: AACR2 (260, GMD in 245 $h), ISBD punctuation, items in 952,
042/942/999 Koha fields. The university library is RDA (264, 336-338), often without
ISBD punctuation, items in 852. Collections go in 773 $t; access restrictions in 506
($a note, $f term, $g embargo date); rights in 540 ($a text, $u URI); page scans and
audio chapters in 856 40 with a relative $u and the page/chapter label in $3. The
copies (952/852) are `holdings`; the fast field builder is `marc_fields`.
"""

from __future__ import annotations

from datetime import date, datetime

from pymarc import Field, Record

from harvesters.demo import terms
from harvesters.demo import vocab as v
from harvesters.demo.audio import audio_links
from harvesters.demo.holdings import cutter, holdings_852, holdings_952, item_type
from harvesters.demo.marc_fields import data_field as _f
from harvesters.demo.model import DemoRandom, Work, isbn_text
from harvesters.demo.style import choose, marc_name

LEADER_TYPE = {  # format → (leader/06, leader/07, leader/08)
    "book": "am ", "thesis": "am ", "periodical": "as ", "map": "em ", "manuscript": "tm ",
    "audiobook": "im ", "music": "jm ", "image": "km ", "video": "gm ", "archival": "pca",
}  # fmt: skip
GMD = {
    "map": "[Bản đồ]",
    "audiobook": "[Sách nói]",
    "music": "[Ghi âm]",
    "video": "[Video]",
    "image": "[Tranh ảnh]",
    "manuscript": "[Bản viết tay]",
    "archival": "[Hồ sơ]",
}
RDA_TYPES = {  # format → 336, 337, 338 (term, code)
    "map": (("cartographic image", "cri"), ("unmediated", "n"), ("sheet", "nb")),
    "audiobook": (("spoken word", "spw"), ("audio", "s"), ("online resource", "cr")),
    "music": (("performed music", "prm"), ("audio", "s"), ("audio disc", "sd")),
    "image": (("still image", "sti"), ("unmediated", "n"), ("sheet", "nb")),
    "video": (("two-dimensional moving image", "tdi"), ("video", "v"), ("videodisc", "vd")),
}
TEXT_RDA = (("text", "txt"), ("unmediated", "n"), ("volume", "nc"))
PARALLEL_TITLES = {
    "Đại Việt sử ký toàn thư": "大越史記全書",
    "Hà Nội địa dư": "河內地輿",
    "Kim Vân Kiều tân truyện": "金雲翹新傳",
}
STATEMENT_ROLES = {
    "dịch": "{} dịch",
    "trình bày": "{} trình bày",
    "đồng tác giả": "{}",
    "translator": "translated by {}",
    "réalisateur": "réalisé par {}",
}


def build_marc(
    work: Work, library: str, local_id: str, stamp: datetime, rng: DemoRandom, today: date
) -> Record:
    """One library's MARC record for `work`, last edited at `stamp` (005), its copies'
    loans as they stand on `today`; `rng` is that library's own stream."""
    rda, koha = library == v.VNU, library == v.HANOI
    isbd = choose(rng, work, library, "isbd") == "yes"
    form = choose(rng, work, library, "author")
    year_form = choose(rng, work, library, "year")
    leader = _leader(work, rda, rng)
    fields = [
        Field("001", data=local_id),
        Field("003", data="TVHN" if koha else "VNU-LIC"),
        Field("005", data=stamp.strftime("%Y%m%d%H%M%S.0")),
        Field("008", data=_fixed(work, stamp, rng)),
    ]
    fields += _numbers(work, library, rng)
    fields.append(
        _f(
            "040",
            "  ",
            ("a", "TVHN" if koha else "VNU-LIC"),
            ("b", "vie"),
            ("e", "rda" if rda else ""),
        )
    )
    if work.original_language or rng.random() < 0.5:
        fields.append(_f("041", "0 ", ("a", work.language), ("h", work.original_language)))
    fields += _classification(work, koha, rng)
    fields += _title(work, library, form, isbd, rng)
    fields += _publication(work, rda, isbd, year_form)
    fields += _description(work, rda, isbd, rng)
    fields += _notes(work, rda)
    fields += _access_points(work, form, isbd)
    if work.collection:
        fields.append(_f("773", "0 ", ("t", work.collection)))
    if work.series:
        fields.append(_f("830", " 0", ("a", work.series), ("v", work.volume)))
    if not koha:
        fields += holdings_852(work, rng)
    fields += _links(work, local_id)
    if koha:
        fields.append(_f("942", "  ", ("c", item_type(work))))
        fields += holdings_952(work, local_id, today, rng)
        fields.append(_f("999", "  ", ("c", local_id), ("d", local_id)))
    return Record(fields=fields, leader=leader)


def _leader(work: Work, rda: bool, rng: DemoRandom) -> str:
    kind = LEADER_TYPE[work.format]
    status = "c" if rng.random() < 0.3 else "n"
    level = " " if rng.random() < 0.7 else "7"
    return f"00000{status}{kind}a2200000{level}{'i' if rda else 'a'} 4500"


def _fixed(work: Work, stamp: datetime, rng: DemoRandom) -> str:
    """The 40-character 008: date entered, dates, place, format-specific block, language."""
    entered = f"{rng.randint(5, 23):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    year = f"{work.year:04d}"
    dates = f"c{year}9999" if work.format == "periodical" else f"s{year}    "
    return f"{entered}{dates}{work.country}{_fixed_block(work)}{work.language} d"


def _fixed_block(work: Work) -> str:
    """008/18-34, which means something different for each kind of material."""
    fmt, blank = work.format, " "
    if fmt in ("book", "thesis", "manuscript"):
        nature = "m" if fmt == "thesis" else blank  # 24: m = thesis
        return f"{blank * 6}{nature}{blank * 4}000{blank}{work.literary_form}{blank}"
    if fmt == "map":
        return f"{blank * 7}a{blank * 5}0{blank * 3}"  # 25: a = single map
    if fmt in ("audiobook", "music"):
        text = "f" if fmt == "audiobook" else blank  # 30: f = fiction read aloud
        return f"nnn{blank * 9}{text}{blank * 2}n{blank}"
    if fmt in ("video", "image"):
        minutes = f"{min(work.minutes, 999):03d}" if fmt == "video" else "nnn"
        kind = "vl" if fmt == "video" else "kn"  # 33: v videorecording / k graphic
        return f"{minutes}{blank * 12}{kind}"
    if fmt == "periodical":
        return f"{work.frequency[1] or 'm'}r p{blank * 7}0{blank * 4}0"
    return blank * 17


def _numbers(work: Work, library: str, rng: DemoRandom) -> list[Field]:
    out = []
    bad = work.bad_isbn.get(library)
    form = choose(rng, work, library, "isbn")
    if (work.isbn or bad) and form != "none":
        text = isbn_text(bad, form, valid=False) if bad else isbn_text(work.isbn, form)
        qualifier = "bìa mềm" if rng.random() < 0.2 else ""
        price = f"{rng.randint(3, 40) * 5}.000đ" if rng.random() < 0.5 else ""
        out.append(_f("020", "  ", ("a", text), ("q", qualifier), ("c", price)))
    if work.issn:
        out.append(_f("022", "0 ", ("a", work.issn)))
    return out


def _classification(work: Work, koha: bool, rng: DemoRandom) -> list[Field]:
    shelf_mark = cutter(work)
    out = []
    if not koha and rng.random() < 0.5:
        out.append(_f("050", " 4", ("a", work.lcc), ("b", f"{shelf_mark} {work.year}")))
    if koha or rng.random() < 0.7:
        out.append(_f("082", "04", ("a", work.ddc), ("2", "23")))
    if koha:
        out.append(_f("090", "  ", ("a", work.ddc), ("b", shelf_mark)))
    return out


def _title(work: Work, library: str, form: str, isbd: bool, rng: DemoRandom) -> list[Field]:
    """1XX main entry and 245 (with ISBD punctuation between subfields when `isbd`)."""
    out = []
    if work.authors:
        ind1, parts = marc_name(work.authors[0], form, isbd)
        out.append(_f("100", ind1 + " ", *parts))
    elif work.corporate:
        out.append(_f("110", "2 ", ("a", work.corporate)))
    subtitle = work.subtitle if choose(rng, work, library, "subtitle") == "yes" else ""
    names = [p.name for p in work.authors] or ([work.corporate] if work.corporate else [])
    others = [
        STATEMENT_ROLES.get(p.role, p.role + ": {}").format(p.name) for p in work.contributors
    ]
    statement = " ; ".join(filter(None, [", ".join(names), *others]))
    gmd = GMD.get(work.format, "") if library == v.HANOI else ""
    parts = [("a", work.title), ("h", gmd), ("b", subtitle), ("c", statement)]
    present = [(c, val) for c, val in parts if val]
    if isbd:
        present = _punctuate(present)
    ind = ("1" if out else "0") + str(work.nonfiling)
    out.append(_f("245", ind, *present))
    parallel = PARALLEL_TITLES.get(work.title)
    if parallel:
        out.append(_f("246", "31", ("a", parallel)))
    return out


def _punctuate(parts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """ISBD: each subfield ends with the mark that introduces the next; a final period."""
    marks = {"b": " :", "c": " /"}
    out = []
    for i, (code, value) in enumerate(parts):
        following = parts[i + 1][0] if i + 1 < len(parts) else ""
        out.append((code, value + marks.get(following, "" if following else ".")))
    return out


def _publication(work: Work, rda: bool, isbd: bool, year_form: str) -> list[Field]:
    """250, 255 and 260/264: "Hà Nội : Nxb. Văn học, 2015." in Koha, RDA 264 _1 at VNU."""
    out = []
    if work.edition:
        out.append(_f("250", "  ", ("a", work.edition + ("." if isbd else ""))))
    if work.format == "map":
        out.append(_f("255", "  ", ("a", map_scale(work))))
    year = str(work.year)
    if work.format in ("manuscript", "archival"):
        year = f"[{year}?]"
    elif year_form == "copyright":
        year = f"c{year}"
    elif year_form == "bracket":
        year = f"[{year}]"
    elif year_form == "none":
        year = ""  # only in 008/07-10
    parts = [("a", work.place), ("b", work.publisher), ("c", year)]
    present = [(c, val) for c, val in parts if val]
    if isbd:
        marks = {"b": " :", "c": ","}
        present = [
            (c, val + (marks.get(present[i + 1][0], "") if i + 1 < len(present) else "."))
            for i, (c, val) in enumerate(present)
        ]
    if rda:
        ind2 = "1" if work.publisher else "0"
        out.append(_f("264", " " + ind2, *present))
    else:
        out.append(_f("260", "  ", *present))
    return out


def map_scale(work: Work) -> str:
    """The scale statement (255 $a) for the kind of map the title names: a planning map
    at 1:2.000, a province at 1:100.000. One per work, so every library writes the same."""
    for word, scales in v.MAP_SCALES:
        if word in work.title:
            return scales[work.index % len(scales)]
    return ""


def _description(work: Work, rda: bool, isbd: bool, rng: DemoRandom) -> list[Field]:
    extent, _, size = work.extent.partition(" ; ")
    out = [_f("300", "  ", ("a", extent + (" ;" if size and isbd else "")), ("c", size))]
    if work.frequency[0]:
        out.append(_f("310", "  ", ("a", work.frequency[0])))
        out.append(_f("362", "0 ", ("a", f"Năm 1, số 1 ({work.year})-")))
    if rda:
        content, media, carrier = RDA_TYPES.get(work.format, TEXT_RDA)
        for tag, (term, code), source in (
            ("336", content, "rdacontent"),
            ("337", media, "rdamedia"),
            ("338", carrier, "rdacarrier"),
        ):
            out.append(_f(tag, "  ", ("a", term), ("b", code), ("2", source)))
    if work.series:
        volume = work.volume
        series = work.series + (" ;" if isbd and volume else "")
        out.append(_f("490", "1 ", ("a", series), ("v", volume)))
    return out


def _notes(work: Work, rda: bool) -> list[Field]:
    out = []
    if work.format == "audiobook":
        out.append(_f("500", "  ", ("a", "Sách nói phục vụ bạn đọc khiếm thị.")))
    if work.thesis:
        if rda:
            degree, _, rest = work.thesis.partition(" -- ")
            school, _, year = rest.rpartition(", ")
            out.append(_f("502", "  ", ("b", degree), ("c", school), ("d", year)))
        else:
            out.append(_f("502", "  ", ("a", work.thesis)))
    if work.chapters:
        out.append(_f("505", "0 ", ("a", contents_note(work.chapters))))
    if work.access:
        note, term = terms.ACCESS_NOTES[work.access]
        out.append(_f("506", "1 ", ("a", note), ("f", term)))
    if work.embargo:
        until = f"{work.embargo[:4]}-{work.embargo[4:6]}-{work.embargo[6:]}"
        out.append(
            _f("506", "1 ", ("a", f"Hạn chế truy cập toàn văn đến {until}."), ("g", work.embargo))
        )
    if work.summary:
        out.append(_f("520", "  ", ("a", work.summary)))
    out.append(_f("540", "  ", ("a", terms.RIGHTS_TEXT.get(work.rights, "")), ("u", work.rights)))
    if work.format == "manuscript":
        out.append(_f("546", "  ", ("a", "Chữ Hán" if work.language == "chi" else "Chữ Nôm")))
    return out


def contents_note(chapters: list[tuple[str, int]]) -> str:
    """ "Chương 1. Mở đầu (00:03:12) -- Chương 2. … (00:04:05)": the 505 of an audiobook."""
    return " -- ".join(
        f"{title} ({s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d})" for title, s in chapters
    )


def _access_points(work: Work, form: str, isbd: bool) -> list[Field]:
    """Subjects (600/650/651, local ind2 4), genre 655, added names 700."""
    out = []
    for subject in work.subjects:
        ind1 = "0" if subject.tag == "600" else " "
        parts = list(subject.parts)
        if isbd:
            parts[-1] = (parts[-1][0], parts[-1][1] + ".")
        out.append(_f(subject.tag, ind1 + "4", *parts))
    if work.genre:
        out.append(_f("655", " 4", ("a", work.genre)))
    for p in [*work.authors[1:], *work.contributors]:
        ind1, parts = marc_name(p, form, isbd)
        out.append(_f("700", ind1 + " ", *parts))
    return out


def scan_paths(work: Work, local_id: str) -> list[tuple[str, str, str]]:
    """(relative path, label, mime type) of each page image and audio chapter."""
    out = []
    for page in range(1, work.pages + 1):
        if work.format == "manuscript":
            label = f"Tờ {(page + 1) // 2}{'a' if page % 2 else 'b'}"
        elif work.format == "map":
            label = f"Mảnh {page}"
        else:
            label = f"Trang {page}"
        out.append((f"scans/{local_id}/page-{page:03d}.jpg", label, "image/jpeg"))
    if work.format == "audiobook":
        out += audio_links(work.chapters, local_id)  # files shipped in harvesters/demo/audio
    return out


def _links(work: Work, local_id: str) -> list[Field]:
    out = [
        _f("856", "40", ("3", label), ("u", path), ("q", mime))
        for path, label, mime in scan_paths(work, local_id)
    ]
    if work.external_url:
        out.append(_f("856", "41", ("u", work.external_url), ("y", "Xem toàn văn")))
    return out
