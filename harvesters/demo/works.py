"""The stream of works behind a demo catalogue: the showcase first, then random ones.

`WorkFactory(seed).works(count)` yields the same `Work`s, in the same order, every time
for a given seed: two random streams are consumed in order, nothing else. This is what
lets each library's record stream be regenerated on demand instead of kept. The second
stream (`detail`) gives maps, pictures, recordings, films and files what tells different
ones apart (area, publisher, performer, subject), drawn apart from the main stream so
that adding it left every other work as it was.

Different works of those kinds never share a title, year and format (or, for
recordings, a title, main entry and year), and a classic is never reprinted twice in
one year: real catalogues tell such items apart by what they show or who made them, and
a generator repeating them from a short list would make works no cataloguer could
separate. `WorkFactory.distinct` and `WorkFactory.claim` keep that promise.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator

from harvesters.demo import terms
from harvesters.demo import vocab as v
from harvesters.demo.kinds import BUILDERS
from harvesters.demo.model import (
    DemoRandom,
    Person,
    Work,
    make_isbn,
    make_issn,
    person,
)
from harvesters.demo.showcase import SPECS, Spec

H, N, U = v.HANOI, v.NATIONAL, v.VNU

FORMAT_WEIGHTS = {
    "book": 70, "thesis": 7, "periodical": 4, "map": 4, "manuscript": 3, "audiobook": 3,
    "music": 2, "image": 3, "video": 2, "archival": 2,
}  # fmt: skip
# Which libraries hold a work of each format, and how often (weights).
HOLDER_WEIGHTS: dict[str, tuple[tuple[tuple[str, ...], int], ...]] = {
    "book": (((H, N, U), 27), ((H, N), 20), ((H, U), 8), ((N, U), 10), ((H,), 15), ((N,), 10),
             ((U,), 10)),
    "periodical": (((H, N), 50), ((H, N, U), 20), ((N,), 20), ((H,), 10)),
    "thesis": (((U,), 40), ((N, U), 50), ((H, N, U), 10)),
    "map": (((H, N), 40), ((H,), 30), ((N,), 10), ((H, N, U), 20)),
    "manuscript": (((H, N), 40), ((N,), 40), ((H,), 20)),
    "audiobook": (((H, N), 50), ((H,), 30), ((N,), 20)),
    "music": (((H, N), 30), ((H, U), 20), ((H,), 20), ((N,), 20), ((H, N, U), 10)),
    "image": (((H, N), 40), ((H,), 30), ((N,), 30)),
    "video": (((H, N, U), 20), ((H, U), 30), ((H,), 20), ((N,), 10), ((U,), 20)),
    "archival": (((H,), 40), ((N,), 30), ((H, N), 30)),
}  # fmt: skip
LCC = {"literature": "PL4378.9", "hanoi": "DS559.93.H36", "academic": "AS514"}
OAI_LIBRARIES = (H, N)
DELETE_RATE = 0.025
BAD_ISBN_RATE = 0.05
PUBLISHER_POOLS = {"book": v.PUBLISHERS, "audiobook": v.AUDIO_PUBLISHERS,
                   "music": v.MUSIC_LABELS, "video": v.FILM_STUDIOS}  # fmt: skip
PUBLISHER_PLACES = {name: city for pool in PUBLISHER_POOLS.values() for name, city in pool}
DOMAIN_DDC = {"literature": "895.9223", "academic": "001", "hanoi": "959.731"}
FORMAT_DDC = {"video": "791.4372", "music": "781.62009597", "map": "912.597",
              "image": "779.995973", "archival": "352.14"}  # fmt: skip
# Journals are classed by what they are about: 959.731 (history of Hà Nội) only for
# the ones about Hà Nội; a journal named for a field gets that field's number.
PERIODICAL_DDC = {
    "Tạp chí Nghiên cứu Lịch sử": "959.7005", "Tạp chí Văn học": "895.92205",
    "Tạp chí Hán Nôm": "495.1705", "Tạp chí Xưa và Nay": "959.7005",
    "Tạp chí Kiến trúc": "720.5", "Tạp chí Thư viện Việt Nam": "020.5",
    "Tạp chí Khoa học Xã hội Việt Nam": "300.5", "Tạp chí Ngôn ngữ": "410.5",
    "Người Hà Nội": "959.731", "Văn nghệ": "895.92205", "Hà Nội mới cuối tuần": "959.731",
    "Tạp chí Du lịch": "915.97005", "Tạp chí Âm nhạc": "780.5",
    "Tạp chí Di sản văn hóa": "363.6905",
}  # fmt: skip


def periodical_ddc(title: str) -> str | None:
    """The Dewey number of a demo journal, from its title (None if it names no field)."""
    if title in PERIODICAL_DDC:
        return PERIODICAL_DDC[title]
    for name, ddc in v.ACADEMIC_FIELDS:  # "Tạp chí vật lý lượng tử" → 530.12
        if title.endswith(f" {name}"):
            return ddc
    return None


def _cumulative(weights: list[int]) -> list[int]:
    return list(itertools.accumulate(weights))


_FORMATS = list(FORMAT_WEIGHTS)
_FORMAT_CUM = _cumulative(list(FORMAT_WEIGHTS.values()))
_HOLDERS = {
    k: ([h for h, _ in opts], _cumulative([w for _, w in opts]))
    for k, opts in HOLDER_WEIGHTS.items()
}


def death_year(dates: str) -> int | None:
    """1820 for "1766-1820"; None for the living ("1955-") or unknown dates."""
    _, _, died = dates.partition("-")
    return int(died) if died.isdigit() else None


class WorkFactory:
    """Turns one seed into the same sequence of works, showcase then random."""

    def __init__(self, seed: int) -> None:
        self.rng = DemoRandom(seed)
        self.recent_titles: deque[str] = deque(maxlen=64)
        self.recent_isbns: deque[str] = deque(maxlen=64)
        self.isbn_by_index: dict[int, str] = {}  # showcase works only (for "other:N" traps)
        self.detail = DemoRandom(f"{seed}:detail")  # see the module notes
        self.taken: set[tuple[str, str, str, int]] = set()  # `distinct_key`s so far

    def works(self, count: int) -> Iterator[Work]:
        for index in range(count):
            if index < len(SPECS):
                work = self.scripted(index, SPECS[index])
            else:
                work = self.random_work(index)
            if work.isbn:
                self.recent_isbns.append(work.isbn)
            if work.format == "book" and work.language == "vie":
                self.recent_titles.append(work.title)
            if work.format in DISTINCT_FORMATS:
                self.claim(work.format, work.title, _main_entry(work), work.year)
            if index < len(SPECS) and work.authors:  # for `books.reprint`
                self.claim("edition", work.title, work.authors[0].name, work.year)
            yield work

    # --- scripted -------------------------------------------------------------------------

    def scripted(self, index: int, spec: Spec) -> Work:
        """A Work from a Spec; whatever the spec leaves empty is drawn from the rng."""
        rng = self.rng
        work = Work(
            index=index,
            work_id=f"w{index:06d}",
            format=spec.fmt,
            title=spec.title,
            language=spec.lang,
            nonfiling=_nonfiling(spec.title, spec.lang),
            subtitle=spec.subtitle,
            authors=[person(a) for a in spec.authors],
            contributors=[person(p, role) for p, role in spec.contributors],
            corporate=spec.corporate,
            year=spec.year or rng.randint(1995, 2025),
            genre=spec.genre,
            ddc=spec.ddc,
            edition=spec.edition,
            series=spec.series,
            summary=spec.summary,
            subjects=list(spec.subjects),
            original_language=spec.original_language,
            chapters=list(spec.chapters),
            pages=spec.pages,
            thesis=spec.thesis,
            collection=spec.collection,
            rights=spec.rights,
            access=spec.access,
            holders=spec.holders,
            deleted_in=frozenset(spec.deleted_in),
        )
        self.set_publisher(work, spec.publisher, spec.place, spec.country)
        if spec.genre:
            work.literary_form = _literary_form(spec.genre)
        for library, aspect, choice in spec.variants:
            work.variants.setdefault(library, {})[aspect] = choice
        if spec.isbn and spec.fmt == "book":
            work.isbn = make_isbn(work.language, index)
            self.isbn_by_index[index] = work.isbn
        library, kind = spec.bad_isbn
        if library:
            donor = work.isbn if kind == "self" else self.isbn_by_index[int(kind[6:])]
            work.bad_isbn[library] = donor
        self._finish(work, spec.domain, randomise=False)
        return work

    # --- random ---------------------------------------------------------------------------

    def random_work(self, index: int) -> Work:
        fmt = self.rng.weighted(_FORMATS, _FORMAT_CUM)
        work, domain = BUILDERS[fmt](self, index)
        self._finish(work, domain, randomise=True)
        return work

    def claim(self, fmt: str, title: str, who: str, year: int) -> bool:
        """Take the `distinct_key`; False if an earlier work has it."""
        key = distinct_key(fmt, title, who, year)
        if key in self.taken:
            return False
        self.taken.add(key)
        return True

    def free_year(self, fmt: str, title: str, who: str, year: int, low: int, high: int) -> int:
        """`year` if its `distinct_key` is free, else another free year in [low, high]
        (a few random tries, then the first free one); claims what it returns. When every
        year is taken — a classic reprinted every year — `year` stays, unclaimed.
        """
        tries = [self.detail.randint(low, high) for _ in range(8)]
        for candidate in [year, *tries, *range(low, high + 1)]:
            if self.claim(fmt, title, who, candidate):
                return candidate
        return year

    def distinct(
        self, fmt: str, year: int, who: str, draw: Callable[[int], str], volume: str
    ) -> str:
        """A title no earlier work of `fmt` has for `who` and `year`, and claim it.

        `draw(attempt)` is asked a few times for a fresh title; if every one is taken,
        the last gets a number (`volume`, e.g. ", tờ {}" for a map sheet) until free.
        """
        title = ""
        for attempt in range(12):
            title = draw(attempt)
            if self.claim(fmt, title, who, year):
                return title
        number = 2
        while not self.claim(fmt, title + volume.format(number), who, year):
            number += 1
        return title + volume.format(number)

    def vn_person(
        self, role: str = "", dated: float = 0.3, rng: DemoRandom | None = None
    ) -> Person:
        """A Vietnamese name, drawn from the main stream unless `rng` is given."""
        rng = rng or self.rng
        family, middle, given = (
            rng.choice(v.SURNAMES),
            rng.choice(v.MIDDLE_NAMES),
            rng.choice(v.GIVEN_NAMES),
        )
        dates = f"{rng.randint(1940, 1995)}-" if rng.random() < dated else ""
        return Person(f"{family} {middle} {given}", f"{family}, {middle} {given}", dates, role)

    # --- shared finishing -----------------------------------------------------------------

    def set_publisher(self, work: Work, name: str = "", where: str = "", country: str = "") -> None:
        """Publisher, place and 008 country; drawn from the format's pool when not given."""
        if not name and work.format in PUBLISHER_POOLS:
            name, where = self.rng.choice(PUBLISHER_POOLS[work.format])
        work.publisher = name or (work.corporate if work.format == "periodical" else "")
        unplaced = work.format == "manuscript"  # written, not published anywhere
        work.place = "" if unplaced else where or PUBLISHER_PLACES.get(name, "Hà Nội")
        work.country = country or ("vm " if work.language in ("vie", "chi") else work.country)

    def _finish(self, work: Work, domain: str, randomise: bool) -> None:
        """Fill in what every work needs: holders, numbers, rights, extent, deletions."""
        rng = self.rng
        if not work.holders:
            options, cum = _HOLDERS[work.format]
            work.holders = rng.weighted(options, cum)
        if not work.publisher:
            self.set_publisher(work, "", work.place, work.country)
        if work.format == "periodical":
            work.issn = make_issn(work.index)
            work.frequency = rng.choice(v.FREQUENCIES)
        if not work.ddc and work.format == "periodical":
            work.ddc = periodical_ddc(work.title)
        work.ddc = work.ddc or FORMAT_DDC.get(work.format) or DOMAIN_DDC[domain]
        work.lcc = LCC.get(domain, "DS559.93.H36")
        if not work.summary and work.format == "book":
            work.summary = _default_summary(work, domain)
        work.rights = work.rights or self._rights(work)
        work.extent = self._extent(work)
        if randomise:
            self._randomise(work)

    def _randomise(self, work: Work) -> None:
        """Deletions, ISBN typos and speculative scans: only for random works."""
        rng = self.rng
        deleted = [
            lib for lib in work.holders if lib in OAI_LIBRARIES and rng.random() < DELETE_RATE
        ]
        work.deleted_in = frozenset(deleted)
        if work.isbn and rng.random() < BAD_ISBN_RATE:
            borrowed = self.recent_isbns and rng.random() < 0.4
            donor = rng.choice(self.recent_isbns) if borrowed else work.isbn
            work.bad_isbn[rng.choice(work.holders)] = donor
        if work.format == "book" and not work.pages:
            public = work.rights in terms.OUT_OF_COPYRIGHT
            if (public and rng.random() < 0.5) or rng.random() < 0.03:
                work.pages = rng.randint(3, 12)

    def _rights(self, work: Work) -> str:
        deaths = [death_year(p.dates) for p in work.authors]
        dead_long = bool(deaths) and all(d is not None and d < 1975 for d in deaths)
        if work.year < 1930 or dead_long:
            return self.rng.choice(terms.OUT_OF_COPYRIGHT)
        roll = self.rng.random()
        if roll < 0.85:
            return terms.IN_COPYRIGHT
        return terms.OTHER_RIGHTS[int(roll * 20) % 3]

    def _extent(self, work: Work) -> str:
        rng, fmt = self.rng, work.format
        if fmt == "audiobook":
            total = sum(s for _, s in work.chapters) // 60
            return f"1 tệp âm thanh ({total // 60} giờ {total % 60} phút) : MP3"
        if fmt == "music":
            return f"1 đĩa CD ({work.minutes or 60} phút)"
        if fmt == "video":
            work.minutes = work.minutes or rng.randint(80, 120)
            return f"1 đĩa DVD ({work.minutes} phút) : có tiếng, màu"
        if fmt == "map":
            return f"1 bản đồ : màu ; {rng.choice((42, 60, 84))} x {rng.choice((59, 84, 120))} cm"
        if fmt == "image":
            if work.title.startswith("Tranh"):
                return "1 tranh : khắc gỗ, màu ; 40 x 30 cm"
            return "1 ảnh : đen trắng ; 9 x 14 cm"
        if fmt == "manuscript":
            return f"{rng.randint(20, 180)} tờ ; 28 x 16 cm"
        if fmt == "archival":
            return f"1 hộp ({rng.randint(20, 300)} tờ)"
        if fmt == "periodical":
            return "tập : minh họa ; 27 cm"
        return f"{rng.randint(80, 640)} tr. ; {rng.choice((19, 21, 24, 27))} cm"


DISTINCT_FORMATS = frozenset({"map", "image", "music", "video", "archival"})
_WORDS = re.compile(r"\w+")


def distinct_key(fmt: str, title: str, who: str, year: int) -> tuple[str, str, str, int]:
    """What must differ between two works of `fmt`: recordings by title, main entry and
    year; editions of a classic ("edition") by title, author and year; maps, pictures,
    films and files by title and year alone (they seldom name anyone, or name the same
    few bodies).

    Folded more coarsely than any catalogue would fold (no diacritics, đ → d, y → i), so
    that titles apart here are apart everywhere.
    """
    who = who if fmt in ("music", "edition") else ""
    return (fmt, _coarse(title), _coarse(who), year)


def _coarse(text: str) -> str:
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(_WORDS.findall(plain.replace("y", "i")))


def _main_entry(work: Work) -> str:
    """Who a recording is entered under: its first author, its body, else its publisher."""
    if work.authors:
        return work.authors[0].name
    return work.corporate or f"pub:{work.publisher}"


def _default_summary(work: Work, domain: str) -> str:
    """A plain catalogue summary for scripted books that came without one."""
    if domain == "literature" and work.authors:
        return (
            f"Tác phẩm tiêu biểu của {work.authors[0].name}, in lại theo bản "
            f"đã được tuyển chọn, có lời giới thiệu."
        )
    if domain == "academic":
        return f"Sách trình bày những vấn đề cơ bản thuộc chủ đề: {work.title}."
    return f"Sách tập hợp tư liệu, hình ảnh và nghiên cứu về chủ đề: {work.title}."


def _nonfiling(title: str, language: str) -> int:
    """How many characters of a leading article to skip when filing (245 ind2)."""
    articles = {"eng": ("The ", "An ", "A "), "fre": ("Les ", "La ", "Le ", "L'")}
    for article in articles.get(language, ()):
        if title.startswith(article):
            return len(article)
    return 0


def _literary_form(genre: str) -> str:
    """008/33 for a genre word: 1 fiction, p poetry, j short stories, e essays, 0 other."""
    forms = {
        "Tiểu thuyết": "1",
        "Truyện dài": "1",
        "Truyện thiếu nhi": "1",
        "Thơ": "p",
        "Truyện ngắn": "j",
        "Tùy bút": "e",
        "Hồi ký": "m",
        "Nhật ký": "m",
    }
    return forms.get(genre, "0")
