"""A small Hanoi catalogue for search tests: realistic records, a few deliberate traps."""

from __future__ import annotations

from datetime import datetime

from catalogue import DigitalObject, Holding, Record

HN = "Thư viện Hà Nội"
NL = "Thư viện Quốc gia Việt Nam"
VNU = "Thư viện ĐHQG Hà Nội"
SECRET = "Kho lưu trữ mật"

KIEU_ISBN = "9786041234567"  # ISBN-10: 604-1-23456-7
TALE_ISBN = "9780300040517"
VAN_HOC_ISSN = "0866-7373"

HIDDEN_IDS = {"archive:secret-1", "archive:kieu-secret"}


def _holding(
    library: str, call_number: str, status: str = "available", location: str = ""
) -> Holding:
    return Holding(
        library=library,
        location=location or "Kho mở",
        call_number=call_number,
        status=status,
        status_read_at=datetime(2024, 5, 1, 8, 0),
    )


def sample_records() -> list[Record]:
    records = [
        # One work held by three libraries, author written three ways.
        Record(
            "hanoi-library",
            "hn-001",
            title="Truyện Kiều",
            authors=["Nguyễn Du"],
            year=2015,
            languages=["vie"],
            publisher="Nhà xuất bản Văn học",
            isbns=[KIEU_ISBN],
            subjects=["Văn học Việt Nam -- Thơ", "Truyện thơ"],
            description=(
                "Kiệt tác của đại thi hào Nguyễn Du: số phận Thúy Kiều qua mười lăm năm "
                "<đoạn trường> & lưu lạc."
            ),
            call_numbers=["895.9221 NG-D"],
            holdings=[_holding(HN, "895.9221 NG-D", "available", "Kho mở tầng 2")],
        ),
        Record(
            "national-library",
            "nl-778",
            title="Truyện Kiều /",
            authors=["Nguyễn, Du"],
            year=2015,
            languages=["vie"],
            isbns=[KIEU_ISBN],
            subjects=["Văn học Việt Nam -- Thơ"],
            holdings=[_holding(NL, "VV 12345", "on_loan", "Kho đọc")],
        ),
        Record(
            "vnu-library",
            "vnu-5",
            title="Truyện Kiều",
            authors=["Nguyễn Du, 1766-1820"],
            year=2015,
            languages=["vie"],
            isbns=[KIEU_ISBN],
            holdings=[_holding(VNU, "895.922 NGU", "reference_only", "Phòng đọc")],
        ),
        # A hidden record of the same work: must never lend it holdings or facet values.
        Record(
            "archive",
            "kieu-secret",
            title="Truyện Kiều",
            authors=["Nguyễn Du"],
            year=2015,
            isbns=[KIEU_ISBN],
            holdings=[_holding(SECRET, "MẬT-01")],
        ),
        Record(
            "national-library",
            "nl-tale",
            title="The Tale of Kieu",
            authors=["Nguyễn Du"],
            contributors=["Huỳnh, Sanh Thông"],
            year=1983,
            languages=["eng"],
            publisher="Yale University Press",
            isbns=[TALE_ISBN],
            subjects=["Vietnamese poetry"],
            holdings=[_holding(NL, "NV 3321")],
        ),
        # Mentions the Kiều only in its description: must rank below title matches.
        Record(
            "hanoi-library",
            "hn-210",
            title="Nghiên cứu văn học trung đại",
            authors=["Lê, Trí Viễn"],
            year=2001,
            languages=["vie"],
            subjects=["Văn học trung đại"],
            description="Tập hợp các bài nghiên cứu về Truyện Kiều và thơ Nôm.",
            holdings=[_holding(HN, "895.922 LE-V")],
        ),
        # Exact-diacritics pair: same words once folded.
        Record(
            "hanoi-library",
            "hn-300",
            title="Hà Nội trong mắt tôi",
            authors=["Băng Sơn"],
            year=2004,
            languages=["vie"],
            holdings=[_holding(HN, "895.9228 BS")],
        ),
        Record(
            "vnu-library",
            "vnu-301",
            title="Hạ Nổi trong mắt tôi",
            authors=["Đỗ, Chu"],
            year=2006,
            languages=["vie"],
            holdings=[_holding(VNU, "895.9228 DC")],
        ),
        Record(
            "hanoi-library",
            "hn-036",
            title="Hà Nội ba mươi sáu phố phường",
            authors=["Thạch Lam"],
            year=1943,
            languages=["vie"],
            subjects=["Hà Nội -- Văn hóa", "Phố cổ"],
            holdings=[_holding(HN, "895.9228 TL")],
        ),
        Record(
            "vnu-library",
            "vnu-thang-long",
            title="Thăng Long ngàn năm văn hiến",
            authors=["Trần, Quốc Vượng"],
            year=2010,
            languages=["vie"],
            subjects=["Hà Nội -- Lịch sử"],
            description="Lịch sử kinh thành Thăng Long – Hà Nội từ thời Lý.",
            holdings=[_holding(VNU, "959.731 TR-V")],
        ),
        Record(
            "national-library",
            "nl-dvsktt",
            title="Đại Việt sử ký toàn thư",
            authors=["Ngô, Sĩ Liên"],
            year=1998,
            languages=["vie"],
            publisher="Khoa học xã hội",
            subjects=["Việt Nam -- Lịch sử"],
            holdings=[_holding(NL, "959.7 NG-L")],
        ),
        Record(
            "national-library",
            "nl-lsvn",
            title="Lịch sử Việt Nam",
            authors=["Phan, Huy Lê"],
            year=1991,
            languages=["vie"],
            subjects=["Việt Nam -- Lịch sử"],
            holdings=[_holding(NL, "959.7 PH-L")],
        ),
        Record(
            "vnu-library",
            "vnu-les-mis",
            title="Les Misérables",
            authors=["Hugo, Victor, 1802-1885"],
            year=1995,
            languages=["fre"],
            subjects=["Văn học Pháp -- Tiểu thuyết"],
            holdings=[_holding(VNU, "843 HUG")],
        ),
        Record(
            "hanoi-library",
            "hn-so-do",
            title="Số đỏ",
            authors=["Vũ, Trọng Phụng"],
            year=1936,
            languages=["vie"],
            format="audiobook",
            collections=["Sách nói"],
            digital_objects=[
                DigitalObject("image", "https://example.org/so-do/cover.jpg", order=0),
                DigitalObject("audio", "https://example.org/so-do/01.mp3", order=1),
            ],
            holdings=[_holding(HN, "SN 0001")],
        ),
        Record(
            "national-library",
            "nl-tcvh",
            title="Tạp chí Văn học",
            year=1960,
            languages=["vie"],
            format="periodical",
            issns=[VAN_HOC_ISSN],
            subjects=["Văn học -- Tạp chí"],
            holdings=[_holding(NL, "TC 12")],
        ),
        Record(
            "hanoi-library",
            "hn-map-1873",
            title="Bản đồ Hà Nội năm 1873",
            year=1873,
            format="map",
            languages=["vie"],
            holdings=[_holding(HN, "BĐ 1873")],
        ),
        # Words "văn học" and "Việt Nam" in its subject, but not the phrase "văn học Việt Nam".
        Record(
            "vnu-library",
            "vnu-co-tich",
            title="Truyện cổ tích Việt Nam",
            authors=["Nguyễn, Đổng Chi"],
            year=2000,
            languages=["vie"],
            subjects=["Việt Nam -- Văn học dân gian"],
            holdings=[_holding(VNU, "398.2 NG-C")],
        ),
        Record(
            "archive",
            "secret-1",
            title="Hồ sơ nội bộ Zyzzyva",
            year=2020,
            languages=["vie"],
            subjects=["Tài liệu mật"],
            holdings=[_holding(SECRET, "MẬT-02")],
        ),
    ]
    for number in range(1, 26):  # 25 volumes for paging and sorting
        records.append(
            Record(
                "vnu-library",
                f"vnu-tt-{number:02d}",
                title=f"Tuyển tập thơ Việt Nam tập {number}",
                authors=["Hội Nhà văn Việt Nam"],
                year=1979 + number,
                languages=["vie"],
                subjects=["Thơ Việt Nam"],
                holdings=[_holding(VNU, f"895.9221 TT{number}")],
            )
        )
    return records


def visibility_of(record: Record) -> str:
    return "hidden" if record.id in HIDDEN_IDS else "public"


def public_records() -> list[Record]:
    return [r for r in sample_records() if r.id not in HIDDEN_IDS]


def big_catalogue(works: int, copies: int) -> list[Record]:
    """`works` works of `copies` records each, one per library, clustered as works (a
    shared author): large results for the sampling and paging tests."""
    records = []
    for w in range(works):
        for c in range(copies):
            records.append(
                Record(
                    f"lib{c}",
                    f"{w}",
                    title=f"Tuyển tập truyện ngắn {w}",
                    authors=["Nguyễn Văn An"],
                    year=1900 + w % 120,
                    languages=["vie"],
                    holdings=[Holding(f"Thư viện {c}", call_number=f"{w}.{c}")],
                )
            )
    return records
