"""Random works of every format but books, one builder per format, and the table of
builders `WorkFactory` draws from (books are `books`).

Each builder takes the `WorkFactory` (for its one random stream and its memory of recent
titles) and returns the new work and its subject domain (literature, hanoi, academic),
which decides the default classification and summary. Holders, rights, extent and the
random deletions/typos are added afterwards by `WorkFactory`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from harvesters.demo import audio, terms
from harvesters.demo import vocab as v
from harvesters.demo.books import book, literature
from harvesters.demo.model import DemoRandom, Work, new_work, person, place, topic

if TYPE_CHECKING:
    from harvesters.demo.works import WorkFactory


def periodical(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Journals and bulletins, each with its own ISSN."""
    rng = f.rng
    if rng.random() < 0.5:
        title = rng.choice(v.PERIODICAL_TITLES)
    else:
        name = rng.choice(v.ACADEMIC_FIELDS)[0]
        title = f"{rng.choice(('Tạp chí', 'Bản tin', 'Thông tin'))} {name}"
    work = new_work(
        index,
        "periodical",
        title,
        year=rng.randint(1955, 2015),
        corporate=rng.choice(v.PERIODICAL_BODIES),
    )
    return work, "hanoi"


def thesis(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Doctoral and master's theses: 502 note, open licences, sometimes an embargo."""
    rng = f.rng
    subject, where = rng.choice(v.THESIS_TOPICS), rng.choice(v.HANOI_PLACES[:3])
    start = rng.randint(1945, 2005)
    title = rng.choice(
        (
            f"Nghiên cứu {subject} ở {where}",
            f"{subject[0].upper()}{subject[1:]} tại {where} giai đoạn "
            f"{start}-{start + rng.randint(5, 20)}",
        )
    )
    year = rng.randint(2005, 2025)
    degree, field = rng.choice(v.THESIS_DEGREES), rng.choice(v.THESIS_FIELDS)
    work = new_work(
        index,
        "thesis",
        title,
        year=year,
        authors=[f.vn_person(dated=0)],
        contributors=[f.vn_person("người hướng dẫn khoa học", 0)],
        subjects=[topic(subject[0].upper() + subject[1:], z="Hà Nội")],
        thesis=f"{degree} {field} -- {rng.choice(v.UNIVERSITIES)}, ĐHQGHN, {year}",
        rights=rng.choice((terms.CC_BY, terms.IN_COPYRIGHT_EDU, terms.IN_COPYRIGHT)),
    )
    if rng.random() < 0.1:
        work.embargo = f"{rng.randint(2026, 2028)}1231"
    if rng.random() < 0.3:
        work.external_url = f"https://repository.vnu.example/handle/VNU_123/{index}"
    return work, "hanoi"


def map_(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Old maps (public domain, scanned, in "Bản đồ cổ Hà Nội") and modern ones.

    Each names its area and, for many, its year ("Bản đồ hành chính quận Cầu Giấy năm
    2005"); no two maps share a title and year. The main stream draws what it always
    drew, the details (area, publisher, subtitle) come from `f.detail`.
    """
    rng, d = f.rng, f.detail
    if rng.random() < 0.45:
        year = rng.randint(1873, 1945)
        pattern = rng.choice(v.OLD_MAP_TITLES)
        areas = v.OLD_MAP_AREAS[v.OLD_MAP_TITLES.index(pattern)]
        french = not pattern.startswith(("Bản đồ", "{a}"))
        lang = "fre" if french else rng.choice(("vie", "chi"))
        title = f.distinct(
            "map",
            year,
            "",
            lambda _: pattern.format(a=d.choice(areas), y=year),
            ", feuille {}" if french else ", tờ {}",
        )
        work = new_work(
            index,
            "map",
            title,
            language=lang,
            year=year,
            collection=v.OLD_MAPS,
            pages=rng.randint(2, 5),
            rights=rng.choice((terms.PUBLIC_DOMAIN_MARK, terms.NO_COPYRIGHT_US)),
        )
        if french:  # printed, so published; Hán and devised-title maps were drawn by hand
            work.publisher, work.place = d.choice(v.OLD_MAP_PUBLISHERS)
            work.country = "vm "
    else:
        year = rng.randint(1995, 2024)
        kind = rng.choice(v.MAP_KINDS)
        area = rng.choice(v.MAP_AREAS)
        districts = [name for name, since in v.HANOI_DISTRICTS if since <= year]

        def draw(attempt: int) -> str:
            first = attempt == 0
            what = kind if first else d.choice(v.MAP_KINDS)
            where = area if first and d.random() < 0.35 else d.choice(districts)
            dated = f" năm {year}" if d.random() < 0.3 else ""
            return f"Bản đồ {what} {where}{dated}"

        title = f.distinct("map", year, "", draw, ", tờ {}")
        work = new_work(index, "map", title, year=year)
        work.publisher, work.place = _map_publisher(d, year)
        subtitles = next((s for k, s in v.MAP_SUBTITLES.items() if k in title), ())
        if subtitles and d.random() < 0.3:
            work.subtitle = d.choice(subtitles)
    work.subjects = [place("Hà Nội (Việt Nam)", "Bản đồ")]
    return work, "hanoi"


def _map_publisher(d: DemoRandom, year: int) -> tuple[str, str]:
    """Mostly the state map publisher of the day (Nxb. Bản đồ until 2009), else another."""
    state, old, *others = v.MAP_PUBLISHERS
    if d.random() < 0.7:
        return state if year >= 2009 else old
    return d.choice(others)


def manuscript(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Hán Nôm village documents, scanned leaf by leaf; a few viewable on site only."""
    rng = f.rng
    pattern, heading = rng.choice(v.MANUSCRIPT_PATTERNS)
    title = pattern.format(s=rng.choice(v.SURNAMES), v=rng.choice(v.VILLAGES))
    work = new_work(
        index,
        "manuscript",
        title,
        year=rng.randint(1780, 1940),
        language=rng.choice(("chi", "chi", "vie")),
        collection=v.HAN_NOM,
        pages=rng.randint(3, 10),
        rights=terms.PUBLIC_DOMAIN_MARK,
        subjects=[topic(heading, z="Hà Nội")],
        access="onsite" if rng.random() < 0.1 else "",
    )
    return work, "hanoi"


def audiobook(f: WorkFactory, index: int) -> tuple[Work, str]:
    """A novel read aloud, chapter by chapter; a few for registered readers only."""
    rng = f.rng
    work = literature(f, index)
    work.format, work.genre, work.rights = "audiobook", "Sách nói", terms.IN_COPYRIGHT
    work.contributors = [person(rng.choice(v.NARRATORS), "người đọc")]
    work.year, work.publisher = rng.randint(2008, 2025), ""  # _finish draws a producer
    picked = sorted(rng.sample(range(len(v.CHAPTER_NAMES)), rng.randint(4, 8)))
    names = [v.CHAPTER_NAMES[i] for i in picked]  # in story order: Mở đầu … Lời kết
    # Generated audiobooks are read by the shared sample recording, so their chapters
    # last as long as its files do.
    sample = audio.sample_durations()
    work.chapters = []
    for i, name in enumerate(names, 1):
        rng.randint(180, 2400)  # still drawn: the rest of the catalogue stays as it was
        work.chapters.append((f"Chương {i}. {name}", sample[i - 1]))
    if rng.random() < 0.1:
        work.collection, work.access = v.REGISTERED_AUDIO, "registered"
    return work, "literature"


def music(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Song albums and traditional music, each entered under whoever made it.

    A composer's album is named for one of its songs and entered under the composer;
    ca trù, xẩm, chèo and song compilations under the principal performer or troupe
    (AACR2 21.23C), so two recordings of one title differ in who made them. Titles and
    names come from `f.detail`; the main stream draws what it always drew.
    """
    rng, d = f.rng, f.detail
    composer = person(rng.choice(v.COMPOSERS))
    pattern = rng.choice(v.MUSIC_PATTERNS)
    year = rng.randint(1990, 2024)
    performer = f.vn_person("trình bày", 0)
    minutes = rng.randint(40, 75)
    work = new_work(
        index,
        "music",
        "",
        year=year,
        genre=v.MUSIC_GENRES[pattern],
        minutes=minutes,
        subjects=[topic("Âm nhạc", z="Hà Nội")],
    )
    if "{c}" in pattern:
        collection = pattern.format(c=composer.name)
        songs = v.SONGS[composer.name]
        work.authors, work.contributors = [composer], [performer]
        work.title = f.distinct(
            "music",
            year,
            composer.name,
            lambda _: d.choice(songs) if d.random() < 0.8 else collection,
            ". Tập {}",
        )
        work.subtitle = collection if work.title != collection else ""
        return work, "hanoi"
    ensembles = v.MUSIC_ENSEMBLES.get(pattern, ())
    if ensembles and d.random() < 0.35:
        work.corporate, work.contributors = d.choice(ensembles), [performer]
        who = work.corporate
    else:
        work.authors = [replace(performer, role="")]  # main entry: no relator
        who = performer.name
    titles = v.MUSIC_TITLES[pattern]
    work.title = f.distinct("music", year, who, lambda _: d.choice(titles), ". Tập {}")
    if work.title != pattern and not work.title.startswith(pattern.split()[0]):
        work.subtitle = pattern  # "Xẩm tàu điện : Hát xẩm Hà thành"
    return work, "hanoi"


def image(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Folk woodcuts, photographs and colonial-era postcards.

    A woodcut is named for its school and motif, a photograph or postcard for what it
    shows; no two share a title and year. Later woodcuts name their workshop, later
    photographs their photographer. Details come from `f.detail`.
    """
    rng, d = f.rng, f.detail
    year = rng.randint(1890, 1990)
    pattern = rng.choice(v.IMAGE_PATTERNS)
    motif_roll, street = rng.random(), rng.choice(v.STREETS)  # drawn as they always were
    woodcut = pattern.startswith("Tranh")
    school = "Hàng Trống" if "Hàng Trống" in pattern else "Đông Hồ"
    motifs = v.WOODCUT_MOTIFS[school]
    sights = v.STREETS + v.PHOTO_SUBJECTS

    def draw(attempt: int) -> str:
        first = attempt == 0
        if woodcut:
            motif = motifs[int(motif_roll * len(motifs))] if first else d.choice(motifs)
            return pattern.format(m=motif)
        return pattern.format(s=street if first else d.choice(sights), y=year)

    title = f.distinct("image", year, "", draw, ", số {}")
    work = new_work(
        index,
        "image",
        title,
        year=year,
        pages=rng.randint(1, 3),
        subjects=[topic("Tranh ảnh", z="Hà Nội")],
    )
    if title.startswith("Bưu ảnh") and year < 1945:
        work.collection = v.OLD_POSTCARDS
    work.rights = (
        rng.choice((terms.NO_COPYRIGHT_US, terms.PUBLIC_DOMAIN_MARK))
        if year < 1945
        else rng.choice((terms.UNDETERMINED, terms.IN_COPYRIGHT_UNKNOWN_HOLDER))
    )
    if woodcut and year >= 1945:
        work.publisher = d.choice(v.WOODCUT_WORKSHOPS[school])
        work.place = "Hà Nội" if school == "Hàng Trống" else "Bắc Ninh"
    elif title.startswith("Bưu ảnh") and d.random() < 0.8:
        pool = v.POSTCARD_PUBLISHERS if year < 1945 else v.PHOTO_PUBLISHERS
        work.publisher, work.place = d.choice(pool)
    elif title.startswith("Ảnh") and year >= 1945:
        if d.random() < 0.7:
            work.authors = [f.vn_person(rng=d)]  # the photographer
        else:
            work.publisher, work.place = d.choice(v.PHOTO_PUBLISHERS)
    return work, "hanoi"


def video(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Documentaries about the city; no two share a title and year."""
    rng, d = f.rng, f.detail
    name = rng.choice(v.HANOI_TOPICS)[0]
    pattern, where = rng.choice(v.DOCUMENTARY_PATTERNS), rng.choice(v.HANOI_PLACES)
    year = rng.randint(1980, 2024)

    def draw(attempt: int) -> str:
        if attempt == 0:
            return pattern.format(t=name, p=where)
        return d.choice(v.DOCUMENTARY_PATTERNS).format(t=name, p=d.choice(v.HANOI_PLACES))

    work = new_work(
        index,
        "video",
        f.distinct("video", year, "", draw, ", phần {}"),
        year=year,
        genre="Phim tài liệu",
        minutes=rng.randint(25, 95),
        contributors=[f.vn_person("đạo diễn")],
        subjects=[topic(name, z="Hà Nội")],
    )
    return work, "hanoi"


def archival(f: WorkFactory, index: int) -> tuple[Work, str]:
    """Administrative files, most in the restricted archive series; no two files share a
    title and closing year."""
    rng, d = f.rng, f.detail
    start = rng.randint(1960, 2010)
    end = start + rng.randint(1, 8)
    pattern = rng.choice(v.ARCHIVE_PATTERNS)
    area, street = rng.choice(v.MAP_AREAS), rng.choice(v.STREETS)
    areas = v.MAP_AREAS + tuple(name for name, since in v.HANOI_DISTRICTS if since <= end)
    sights = v.STREETS + v.PHOTO_SUBJECTS

    def draw(attempt: int) -> str:
        if attempt == 0:
            return pattern.format(p=area, s=street, y=start, z=end)
        return d.choice(v.ARCHIVE_PATTERNS).format(
            p=d.choice(areas), s=d.choice(sights), y=start, z=end
        )

    work = new_work(
        index,
        "archival",
        f.distinct("archival", end, "", draw, ", tập {}"),
        year=end,
        corporate=rng.choice(v.ARCHIVE_BODIES),
        subjects=[topic("Hồ sơ lưu trữ", z="Hà Nội")],
        rights=terms.IN_COPYRIGHT,
    )
    if rng.random() < 0.7:
        work.collection, work.access = v.RESTRICTED_ARCHIVE, "restricted"
    return work, "hanoi"


Builder = Callable[["WorkFactory", int], tuple[Work, str]]
BUILDERS: dict[str, Builder] = {
    "book": book, "periodical": periodical, "thesis": thesis, "map": map_,
    "manuscript": manuscript, "audiobook": audiobook, "music": music, "image": image,
    "video": video, "archival": archival,
}  # fmt: skip
