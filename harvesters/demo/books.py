"""Random books, the bulk of the catalogue: fiction, Hà Nội studies, textbooks, foreign
books about the city, and reprints of the showcase's classics.

`book` picks the kind; each domain builder (literature, hanoi, academic) takes the
`WorkFactory` (for its one random stream and its memory of recent titles) and returns
the new work. The other formats are `kinds`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from harvesters.demo import vocab as v
from harvesters.demo.model import Person, Work, make_isbn, new_work, person, place, topic
from harvesters.demo.showcase import SPECS

if TYPE_CHECKING:
    from harvesters.demo.works import WorkFactory

CLASSICS = tuple(s for s in SPECS if s.fmt == "book" and s.lang == "vie" and s.genre)


def book(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Most of the catalogue: Vietnamese books, some foreign ones, reprints, title clashes."""
    rng, roll = f.rng, f.rng.random()
    if roll < 0.08:
        return foreign_book(f, index, "eng" if rng.random() < 0.6 else "fre"), "hanoi"
    if roll < 0.10:
        return reprint(f, index), "literature"
    domain = rng.weighted(("literature", "hanoi", "academic"), (45, 80, 100))
    work = DOMAINS[domain](f, index)
    if roll < 0.13 and f.recent_titles:  # same title, different work
        work.title, work.subtitle, work.summary = rng.choice(f.recent_titles), "", ""
    work.isbn = make_isbn("vie", index) if rng.random() < 0.9 else ""
    return work, domain


def literature(f: WorkFactory, index: int) -> Work:
    """Fiction and poetry, titles built from images of the city ("Mưa bụi trên phố cổ")."""
    rng = f.rng
    genre, ddc, form = rng.choice(v.FICTION_GENRES)
    noun, other = rng.sample(v.FICTION_NOUNS, 2)
    roll, street = rng.random(), rng.choice(v.STREETS)
    if roll < 0.35:
        title = noun
    elif roll < 0.85:
        title = f"{noun} {rng.choice(v.FICTION_LINKS)} {street}"
    else:
        title = f"{noun} và {other[0].lower()}{other[1:]}"
    work = new_work(
        index,
        "book",
        title,
        authors=[f.vn_person()],
        genre=genre,
        ddc=ddc,
        literary_form=form,
        year=rng.randint(1990, 2025),
        subjects=[topic("Văn học Việt Nam", genre)],
    )
    work.summary = rng.choice(v.SUMMARIES["literature"]).format(
        x=f"{noun[0].lower()}{noun[1:]}", p=street
    )
    f.set_publisher(work, v.PUBLISHERS[rng.choice(v.LITERATURE_PUBLISHERS)][0])
    if rng.random() < 0.15:
        work.series, work.volume = v.SERIES[1], str(rng.randint(1, 40))
    return work


def hanoi(f: WorkFactory, index: int) -> Work:
    """Local history, geography and culture: "Lịch sử Thăng Long xưa và nay"."""
    rng = f.rng
    name, ddc = rng.choice(v.HANOI_TOPICS)
    where = rng.choice(v.HANOI_PLACES)
    work = new_work(
        index,
        "book",
        f"{name} {where}{rng.choice(v.HANOI_SUFFIXES)}",
        ddc=ddc,
        year=rng.randint(1995, 2025),
        authors=[f.vn_person() for _ in range(rng.randint(1, 2))],
        subjects=[topic(name, z="Hà Nội"), place("Hà Nội (Việt Nam)", name)],
    )
    if rng.random() < 0.4:
        work.subtitle = rng.choice(v.HANOI_SUBTITLES)
    work.summary = rng.choice(v.SUMMARIES["hanoi"]).format(x=name.lower(), p=where)
    f.set_publisher(work, v.PUBLISHERS[rng.choice(v.HANOI_PUBLISHERS)][0])
    if rng.random() < 0.25:
        work.series = rng.choice((v.SERIES[0], v.SERIES[4]))
        work.volume = str(rng.randint(1, 60))
    return work


def academic(f: WorkFactory, index: int) -> Work:
    """Textbooks and monographs, often in a later edition."""
    rng = f.rng
    name, ddc = rng.choice(v.ACADEMIC_FIELDS)
    upper = name[0].upper() + name[1:]
    title = rng.choice(v.ACADEMIC_PATTERNS).format(f=name, F=upper)
    work = new_work(
        index,
        "book",
        title,
        ddc=ddc,
        year=rng.randint(2000, 2025),
        authors=[f.vn_person() for _ in range(rng.randint(1, 3))],
        subjects=[topic(upper, z="Việt Nam" if rng.random() < 0.4 else "")],
    )
    work.summary = rng.choice(v.SUMMARIES["academic"]).format(x=name)
    if rng.random() < 0.35:
        work.edition = f"Tái bản lần thứ {rng.randint(1, 8)}"
    if rng.random() < 0.2:
        work.series = v.SERIES[2]
    f.set_publisher(work, v.PUBLISHERS[rng.choice(v.ACADEMIC_PUBLISHERS)][0])
    return work


def foreign_book(f: WorkFactory, index: int, lang: str) -> Work:
    """English and French books about Hanoi, with the leading articles filing skips."""
    rng = f.rng
    titles, subtitles = (
        (v.ENGLISH_TITLES, v.ENGLISH_SUBTITLES)
        if lang == "eng"
        else (v.FRENCH_TITLES, v.FRENCH_SUBTITLES)
    )
    article, rest = rng.choice(titles)
    first, last = rng.choice(v.FOREIGN_NAMES[lang])
    colonial = lang == "fre" and rng.random() < 0.4
    year = rng.randint(1890, 1944) if colonial else rng.randint(1960, 2024)
    # One author does not publish two books of one title in one year. Another year is
    # kept on the same side of 1930, where the rights (and the draws they take) change.
    low, high = (1960, 2024) if not colonial else (1890, 1929) if year < 1930 else (1930, 1944)
    name = f"{first} {last}"
    year = f.free_year("edition", article + rest, name, year, low, high)
    dates = f"{year - rng.randint(30, 60)}-" if rng.random() < 0.4 else ""
    work = new_work(
        index,
        "book",
        article + rest,
        language=lang,
        nonfiling=len(article),
        authors=[Person(name, f"{last}, {first}", dates)],
        year=year,
        ddc="959.731",
        subjects=[place("Hà Nội (Việt Nam)", "Lịch sử")],
    )
    if rng.random() < 0.5:
        work.subtitle = rng.choice(subtitles)
    name, city, country = rng.choice(v.FOREIGN_PUBLISHERS[lang])
    work.publisher, work.place, work.country = name, city, country
    if not colonial:
        work.isbn = make_isbn(lang, index)
    return work


def reprint(f: WorkFactory, index: int) -> Work:
    """A new edition of a classic: same title and author, a different work.

    Never in a year the classic already appeared in (in any format): two editions of one
    book in one year, one of them without its ISBN, are not told apart by anyone.
    """
    rng = f.rng
    spec = replace(
        rng.choice(CLASSICS),
        year=rng.randint(1995, 2025),
        holders=(),
        publisher="",
        edition=f"Tái bản lần thứ {rng.randint(2, 12)}",
        variants=(),
        bad_isbn=("", ""),
        deleted_in=(),
        pages=0,
        rights="",
        collection="",
        isbn=False,
    )
    author = person(spec.authors[0]).name if spec.authors else ""
    spec = replace(spec, year=f.free_year("edition", spec.title, author, spec.year, 1995, 2025))
    work = f.scripted(index, spec)
    work.isbn = make_isbn("vie", index)
    return work


DOMAINS: dict[str, Callable[[WorkFactory, int], Work]] = {
    "literature": literature, "hanoi": hanoi, "academic": academic,
}  # fmt: skip
