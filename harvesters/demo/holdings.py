"""The demo libraries' copies: Koha items (952) and MARC holdings (852), their statuses
and the call numbers they are shelved under.

Thư viện Hà Nội's Koha writes one 952 per item: $a/$b branch codes, $c location, $o call
number, $p barcode, $t copy number and the status subfields ($7 not for loan, $q date due,
$s date checked out, $4 damaged, $1 lost; loans are dated by `loans`). The university
writes 852s without copy numbers, and a few of its older books have copies never
barcoded that read exactly alike.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from pymarc import Field

from harvesters.demo.loans import loan
from harvesters.demo.marc_fields import data_field as _f
from harvesters.demo.model import DemoRandom, Work

HANOI_BRANCHES = ("TVHN-BT", "TVHN-HD", "TVHN-TN")  # Bà Triệu, Hà Đông, Thiếu nhi
HANOI_LOCATIONS = ("Kho mượn", "Phòng đọc tổng hợp", "Phòng đọc Thiếu nhi")
HANOI_SPECIAL_LOCATIONS = {
    "audiobook": "Phòng đa phương tiện", "music": "Phòng đa phương tiện",
    "video": "Phòng đa phương tiện", "manuscript": "Kho sách quý hiếm",
    "archival": "Kho lưu trữ", "map": "Kho bản đồ", "image": "Kho sách quý hiếm",
    "periodical": "Phòng báo, tạp chí",
}  # fmt: skip
VNU_BRANCHES = (
    "Thư viện Khoa học Xã hội và Nhân văn",
    "Thư viện Khoa học Tự nhiên",
    "Thư viện Ngoại ngữ",
    "Thư viện Trung tâm",
)
BARCODE_PREFIX = {"book": "VV", "thesis": "LA", "map": "BD", "periodical": "TC"}
RARE = frozenset({"manuscript", "archival", "periodical", "image"})
UNBARCODED_BEFORE = 1995  # older books the university never barcoded (see holdings_852)
COPIES, COPY_WEIGHTS = (1, 2, 3, 4), (50, 80, 95, 100)  # most titles: one or two copies
_FOLD = str.maketrans({"đ": "d", "Đ": "D"})


def cutter(work: Work) -> str:
    """A Vietnamese-library cutter: two letters of the main entry, one of the title."""
    if not work.cutter:
        work.cutter = _make_cutter(work)
    return work.cutter


def _make_cutter(work: Work) -> str:
    head = work.authors[0].inverted if work.authors else work.corporate or work.title
    letters = unicodedata.normalize("NFD", f"{head[:3]}|{work.title[:2]}".translate(_FOLD))
    plain = "".join(c for c in letters if not unicodedata.combining(c)).upper()
    first, _, title = plain.partition("|")
    return f"{first[:2]}-{title[:1]}"


def _statuses(work: Work, barcode: str, today: date, rng: DemoRandom) -> tuple[str, ...]:
    """Koha item status subfields: $7 not for loan, $q due, $s checked out, $4 damaged,
    $1 lost. A copy on loan is due back as `loans.loan` has it on `today`."""
    if work.format in RARE or work.collection:
        return "1", "", "", "", ""
    roll = rng.random()
    if roll < 0.6:
        return "0", "", "", "", ""
    if roll < 0.85:
        on_loan = loan(rng.randint(0, 60), barcode, today)
        return "0", on_loan.due.isoformat(), on_loan.borrowed.isoformat(), "", ""
    if roll < 0.93:
        return "1", "", "", "", ""
    if roll < 0.97:
        return "0", "", "", "1", ""
    return "0", "", "", "", "1"


def holdings_952(work: Work, local_id: str, today: date, rng: DemoRandom) -> list[Field]:
    """Koha items: $a home, $b holding branch, $c location, $o call number, $p barcode,
    $t copy number, and the status subfields as they stand on `today`."""
    copies = 1 if work.format in RARE else rng.weighted(COPIES, COPY_WEIGHTS)
    call_number = f"{work.ddc} {cutter(work)}"
    out = []
    for copy in range(1, copies + 1):
        home = rng.choice(HANOI_BRANCHES)
        held = home if rng.random() < 0.9 else rng.choice(HANOI_BRANCHES)
        location = HANOI_SPECIAL_LOCATIONS.get(work.format) or rng.choice(HANOI_LOCATIONS)
        barcode = f"HN{local_id}{copy:02d}"
        not_for_loan, due, borrowed, damaged, lost = _statuses(work, barcode, today, rng)
        accessioned = f"{max(work.year, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        out.append(
            _f(
                "952",
                "  ",
                ("a", home),
                ("b", held),
                ("c", location),
                ("d", accessioned),
                ("o", call_number),
                ("p", barcode),
                ("t", str(copy)),
                ("y", item_type(work)),
                ("7", not_for_loan),
                ("q", due),
                ("s", borrowed),
                ("4", damaged),
                ("1", lost),
            )
        )
    return out


def holdings_852(work: Work, rng: DemoRandom) -> list[Field]:
    """MARC holdings: $a institution, $b branch, $c shelving, $h class, $i item, $p barcode.

    Books published before UNBARCODED_BEFORE with several copies were never barcoded:
    their copies stand together in one branch's closed stacks and read exactly alike, so
    the record page shows them as one row of "2 copies" (as a retro-converted catalogue
    does). The random draws are made all the same, so the rest of the demo is unchanged.
    """
    copies = 1 if work.format in RARE else rng.weighted(COPIES[:3], COPY_WEIGHTS[:3])
    prefix = BARCODE_PREFIX.get(work.format, "AV")
    initial = cutter(work).replace("-", "")
    unbarcoded = copies > 1 and work.format == "book" and work.year < UNBARCODED_BEFORE
    out = []
    first: tuple[str, str] | None = None
    for copy in range(1, copies + 1):
        shelf = "Kho luận án" if work.format == "thesis" else rng.choice(("Kho mở", "Kho đóng"))
        branch = rng.choice(VNU_BRANCHES)
        if unbarcoded:
            first = first or (branch, "Kho đóng")
            branch, shelf = first
        out.append(
            _f(
                "852",
                "  ",
                ("a", "VNU"),
                ("b", branch),
                ("c", shelf),
                ("h", work.ddc[:7]),
                ("i", f"{initial}{work.year % 100:02d}"),
                ("p", "" if unbarcoded else f"{prefix}.{work.index:07d}{copy}"),
                ("z", "Chỉ đọc tại chỗ" if shelf != "Kho mở" else ""),
            )
        )
    return out


def item_type(work: Work) -> str:
    return {
        "book": "SACH",
        "periodical": "BAO-TC",
        "map": "BAN-DO",
        "audiobook": "SACH-NOI",
        "manuscript": "HAN-NOM",
        "thesis": "LUAN-AN",
        "archival": "HO-SO",
    }.get(work.format, "AV")
