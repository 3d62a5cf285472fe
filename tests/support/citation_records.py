"""Records to cite in tests: a Vietnamese classic, a French novel, an English edition
with two authors, an authorless map and a title alone."""

from __future__ import annotations

from catalogue import Record


def kieu(**changes) -> Record:
    values = dict(
        title="Truyện Kiều /",
        subtitle="",
        authors=["Nguyễn Du, 1766-1820"],
        contributors=["Đào, Duy Anh"],
        year=2015,
        languages=["vie"],
        publisher="Nhà xuất bản Văn học,",
        place="Hà Nội :",
        edition="Tái bản lần thứ 3",
        series=["Văn học cổ điển Việt Nam"],
        subjects=["Văn học Việt Nam -- Thơ"],
        isbns=["9786041234567"],
        call_numbers=["895.9221 NG-D"],
        description="Kiệt tác của Nguyễn Du.",
    )
    values.update(changes)
    return Record("hanoi-library", "hn-001", **values)


def bare() -> Record:
    """No authors, no year, nothing but a title."""
    return Record("vnu-library", "vnu-x", title="Ca dao", format="book")


def hugo(**changes) -> Record:
    values = dict(
        title="Les Misérables",
        authors=["Hugo, Victor, 1802-1885"],
        year=1995,
        publisher="Gallimard",
        place="Paris",
        languages=["fre"],
    )
    values.update(changes)
    return Record("vnu-library", "vnu-les-mis", **values)


def english(**changes) -> Record:
    values = dict(
        title="The Tale of Kieu",
        subtitle="a bilingual edition",
        authors=["Nguyễn Du", "Huỳnh, Sanh Thông"],
        year=1983,
        publisher="Yale University Press",
        place="New Haven",
        languages=["eng"],
    )
    values.update(changes)
    return Record("national-library", "nl-tale", **values)


def map_1873() -> Record:
    return Record(
        "hanoi-library",
        "map",
        title="Bản đồ thành Hà Nội năm 1873",
        year=1873,
        place="Hà Nội",
        publisher="Sở Địa chính",
        format="map",
    )
