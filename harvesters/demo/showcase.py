"""The hand-written first works of every demo catalogue: classics, traps and one of each kind.

They come first so that even a small catalogue has every format, the audiobooks, the
collections, the dedup traps (same title by different authors, an ISBN typo borrowed from
another work, words that differ only by diacritics) and records catalogued differently
by each library. Fields left empty are filled in by `works.WorkFactory`.
"""

from __future__ import annotations

from dataclasses import dataclass

from harvesters.demo import audio
from harvesters.demo.model import Subject, about, place, topic
from harvesters.demo.terms import (
    CC_BY,
    CC_BY_NC_SA,
    IN_COPYRIGHT,
    NO_COPYRIGHT_OTHER,
    NO_COPYRIGHT_US,
    PUBLIC_DOMAIN_MARK,
    UNDETERMINED,
)
from harvesters.demo.vocab import (
    HAN_NOM,
    HANOI,
    NATIONAL,
    OLD_MAPS,
    OLD_POSTCARDS,
    REGISTERED_AUDIO,
    RESTRICTED_ARCHIVE,
    VNU,
)

H, N, V = HANOI, NATIONAL, VNU
ALL = (H, N, V)


@dataclass(frozen=True)
class Spec:
    """A scripted work. Zero/empty fields mean "let the factory choose"."""

    fmt: str
    title: str
    authors: tuple[str, ...] = ()  # "Nguyễn Du|1766-1820" (see model.person)
    year: int = 0
    holders: tuple[str, ...] = ()
    subtitle: str = ""
    lang: str = "vie"
    domain: str = "literature"  # literature | hanoi | academic: summary, ddc, lcc
    genre: str = ""
    ddc: str = ""
    publisher: str = ""
    place: str = ""
    country: str = ""
    contributors: tuple[tuple[str, str], ...] = ()  # (person spec, role)
    subjects: tuple[Subject, ...] = ()
    collection: str = ""
    rights: str = ""
    access: str = ""
    pages: int = 0
    chapters: tuple[tuple[str, int], ...] = ()
    isbn: bool = True
    bad_isbn: tuple[str, str] = ("", "")  # (library, "self" | "other:<work index>")
    deleted_in: tuple[str, ...] = ()
    variants: tuple[tuple[str, str, str], ...] = ()  # (library, aspect, choice)
    summary: str = ""
    edition: str = ""
    series: str = ""
    original_language: str = ""
    thesis: str = ""
    corporate: str = ""


LIT_VN = topic("Văn học Việt Nam")
HANOI_HISTORY = place("Hà Nội (Việt Nam)", "Lịch sử")
KIEU = "Nguyễn Du|1766-1820"
TO_HOAI = "Tô Hoài|1920-2014"
NNA = "Nguyễn Nhật Ánh|1955-"
THACH_LAM = "Thạch Lam|1910-1942"
BAO_NINH = "Bảo Ninh|1952-"


def _sample_chapters(*titles: str) -> tuple[tuple[str, int], ...]:
    """Chapters read by the shared sample recording (harvesters/demo/audio/mau)."""
    return tuple(zip(titles, audio.sample_durations(), strict=False))


# fmt: off
SPECS: tuple[Spec, ...] = (
    # 0: the same work, catalogued three ways (author form, ISBN form, subtitle).
    Spec("book", "Truyện Kiều", (KIEU,), 2015, ALL, subtitle="Đoạn trường tân thanh",
         genre="Thơ", ddc="895.9221", publisher="Nxb. Văn học", series="Danh tác Việt Nam",
         subjects=(topic("Văn học Việt Nam", "Thơ"), topic("Truyện thơ Nôm")),
         summary="Truyện thơ Nôm gồm 3.254 câu lục bát, kể về mười lăm năm lưu lạc "
                 "của Thúy Kiều.",
         variants=((H, "author", "direct"), (H, "isbn", "hyph13"), (H, "subtitle", "yes"),
                   (N, "author", "inverted"), (N, "isbn", "none"), (N, "subtitle", "no"),
                   (V, "author", "dated"), (V, "isbn", "isbn10"), (V, "subtitle", "no"))),
    Spec("map", "Bản đồ thành Hà Nội năm 1873", (), 1873, (H, N), domain="hanoi",
         collection=OLD_MAPS, rights=PUBLIC_DOMAIN_MARK, pages=4, isbn=False,
         subjects=(place("Hà Nội (Việt Nam)", "Bản đồ"), HANOI_HISTORY)),
    Spec("audiobook", "Dế Mèn phiêu lưu ký", (TO_HOAI,), 2019, (H, N),
         publisher="Nxb. Kim Đồng", contributors=(("Nguyễn Thu Hà", "người đọc"),),
         genre="Sách nói", isbn=False, rights=CC_BY_NC_SA,  # the library's own reading
         chapters=audio.chapters("de-men")),  # one MP3 per chapter
    Spec("audiobook", "Tôi thấy hoa vàng trên cỏ xanh", (NNA,), 2020, (H, N),
         publisher="Nxb. Trẻ", contributors=(("Trần Văn Bình", "người đọc"),),
         genre="Sách nói", isbn=False, collection=REGISTERED_AUDIO, access="registered",
         rights=IN_COPYRIGHT,
         chapters=audio.chapters("hoa-vang")),  # one MP3, ID3 chapters
    Spec("audiobook", "Hà Nội băm sáu phố phường", (THACH_LAM,), 2021, (H,),
         contributors=(("Lê Khanh", "người đọc"),), genre="Sách nói", isbn=False,
         rights=CC_BY, domain="hanoi",  # a public-domain text, an openly licensed reading
         chapters=audio.chapters("ha-noi")),  # one MP3, chapters nested in parts
    Spec("periodical", "Tạp chí Xưa và Nay", (), 1994, ALL, domain="hanoi",
         corporate="Hội Khoa học Lịch sử Việt Nam", isbn=False,
         subjects=(topic("Lịch sử", z="Việt Nam"),)),
    Spec("thesis", "Quá trình đô thị hóa ở Hà Nội giai đoạn 1986-2010",
         ("Đỗ Thị Thanh Loan",), 2016, (V, N), domain="hanoi", rights=CC_BY, isbn=False,
         thesis="Luận án Tiến sĩ Lịch sử -- Trường Đại học Khoa học Xã hội và Nhân văn, "
                "ĐHQGHN, 2016",
         contributors=(("Nguyễn Văn Kim", "người hướng dẫn khoa học"),),
         subjects=(topic("Đô thị hóa", z="Hà Nội"),)),
    Spec("manuscript", "Đại Việt sử ký toàn thư", ("Ngô Sĩ Liên",), 1800, (N, H),
         lang="chi", domain="hanoi", collection=HAN_NOM, rights=PUBLIC_DOMAIN_MARK,
         pages=10, isbn=False, subjects=(place("Việt Nam", "Lịch sử"),)),
    Spec("music", "Ca trù Hà Nội", (), 2005, (H, V), domain="hanoi", isbn=False,
         contributors=(("Quách Thị Hồ|1909-2001", "trình bày"),), genre="Ca trù",
         subjects=(topic("Ca trù", z="Hà Nội"),)),
    Spec("image", "Bưu ảnh Hà Nội: Hồ Hoàn Kiếm và Tháp Rùa", (), 1910, (H, N),
         domain="hanoi", collection=OLD_POSTCARDS, rights=NO_COPYRIGHT_US, pages=2,
         isbn=False, subjects=(topic("Hồ Hoàn Kiếm", "Ảnh"),)),
    Spec("video", "Hà Nội mùa đông năm 46", (), 1997, ALL, isbn=False,
         contributors=(("Đặng Nhật Minh|1938-", "đạo diễn"),), genre="Phim truyện",
         subjects=(topic("Chiến tranh Đông Dương", z="Hà Nội"),)),
    Spec("video", "L'Odeur de la papaye verte", (), 1993, (H, V), lang="fre", isbn=False,
         contributors=(("Trần Anh Hùng|1962-", "réalisateur"),), genre="Phim truyện",
         country="fr ", publisher="Les Productions Lazennec", place="Paris"),
    Spec("archival", "Hồ sơ quy hoạch khu phố cổ Hà Nội giai đoạn 1995-2000", (), 2000,
         (H, N), domain="hanoi", corporate="Ủy ban nhân dân thành phố Hà Nội", isbn=False,
         collection=RESTRICTED_ARCHIVE, access="restricted", rights=IN_COPYRIGHT,
         subjects=(topic("Quy hoạch đô thị", z="Hà Nội"),)),
    # the classics, most held in more than one place
    Spec("book", "Dế Mèn phiêu lưu ký", (TO_HOAI,), 2020, ALL, publisher="Nxb. Kim Đồng",
         genre="Truyện thiếu nhi", bad_isbn=(V, "self"), variants=((V, "isbn", "isbn10"),),
         subjects=(LIT_VN, topic("Truyện thiếu nhi"))),
    Spec("book", "Số đỏ", ("Vũ Trọng Phụng|1912-1939",), 2016, ALL, subtitle="Tiểu thuyết",
         genre="Tiểu thuyết", publisher="Nxb. Văn học"),
    Spec("book", "Chí Phèo", ("Nam Cao|1915-1951",), 2017, (H, N), subtitle="Tập truyện ngắn",
         genre="Truyện ngắn", publisher="Nxb. Văn học"),
    Spec("book", "Nỗi buồn chiến tranh", (BAO_NINH,), 2011, ALL, genre="Tiểu thuyết",
         publisher="Nxb. Trẻ", subjects=(LIT_VN, topic("Chiến tranh", z="Việt Nam"))),
    Spec("book", "The Sorrow of War", (BAO_NINH,), 1994, (N, V), lang="eng",
         subtitle="A Novel of North Vietnam", original_language="vie",
         publisher="Pantheon Books", place="New York", country="nyu",
         contributors=(("Phan Thanh Hảo", "translator"),), genre="Tiểu thuyết"),
    Spec("book", "The Tale of Kieu", (KIEU,), 1983, (N, V), lang="eng",
         original_language="vie", publisher="Yale University Press", place="New Haven",
         country="ctu", contributors=(("Huỳnh Sanh Thông|1926-2008", "translator"),),
         genre="Thơ"),
    Spec("book", "The Quiet American", ("Graham Greene|1904-1991|Greene, Graham",), 2004,
         (H, V), lang="eng", publisher="Penguin Books", place="London", country="enk",
         genre="Tiểu thuyết", subjects=(place("Việt Nam", "Lịch sử"),)),
    Spec("book", "L'Amant", ("Marguerite Duras|1914-1996|Duras, Marguerite",), 1984, (N, H),
         lang="fre", publisher="Éditions de Minuit", place="Paris", country="fr ",
         genre="Tiểu thuyết"),
    Spec("book", "Việt Nam sử lược", ("Trần Trọng Kim|1883-1953",), 1920, ALL,
         domain="hanoi", publisher="Trung Bắc tân văn", isbn=False, pages=8,
         rights=NO_COPYRIGHT_OTHER, ddc="959.7", subjects=(place("Việt Nam", "Lịch sử"),)),
    Spec("book", "Hà Nội băm sáu phố phường", (THACH_LAM,), 1943, (N, H), domain="hanoi",
         publisher="Đời nay", isbn=False, pages=6, rights=PUBLIC_DOMAIN_MARK,
         genre="Tùy bút", subjects=(HANOI_HISTORY, topic("Ẩm thực", z="Hà Nội"))),
    Spec("book", "Vang bóng một thời", ("Nguyễn Tuân|1910-1987",), 2018, ALL, genre="Tùy bút"),
    Spec("book", "Thương nhớ mười hai", ("Vũ Bằng|1913-1984",), 2017, (H, N), genre="Tùy bút",
         subjects=(LIT_VN, topic("Phong tục", z="Hà Nội"))),
    Spec("book", "Tắt đèn", ("Ngô Tất Tố|1893-1954",), 2015, (N, V), genre="Tiểu thuyết"),
    Spec("book", "Thơ Hồ Xuân Hương", ("Hồ Xuân Hương|1772-1822",), 2012, ALL, genre="Thơ",
         ddc="895.9221"),
    Spec("book", "Thơ thơ", ("Xuân Diệu|1916-1985",), 2016, (H, N), genre="Thơ",
         ddc="895.9221"),
    Spec("book", "Tôi thấy hoa vàng trên cỏ xanh", (NNA,), 2018, ALL, publisher="Nxb. Trẻ",
         genre="Truyện dài"),
    Spec("book", "Mắt biếc", (NNA,), 2019, (H, N), publisher="Nxb. Trẻ", genre="Truyện dài",
         deleted_in=(N,)),
    Spec("book", "Nhật ký Đặng Thùy Trâm", ("Đặng Thùy Trâm|1942-1970",), 2005, ALL,
         publisher="Nxb. Hội Nhà văn", genre="Nhật ký"),
    Spec("book", "Chinh phụ ngâm", ("Đặng Trần Côn",), 2010, (N, V), genre="Thơ",
         contributors=(("Đoàn Thị Điểm|1705-1748", "dịch"),), ddc="895.9221"),
    Spec("book", "Lục Vân Tiên", ("Nguyễn Đình Chiểu|1822-1888",), 2014, (N,), genre="Thơ"),
    Spec("book", "Những ngày thơ ấu", ("Nguyên Hồng|1918-1982",), 2017, (H, V),
         genre="Hồi ký"),
    Spec("book", "Việt Nam phong tục", ("Phan Kế Bính|1875-1921",), 2014, (N, V),
         domain="hanoi", ddc="390.09597", subjects=(topic("Phong tục", z="Việt Nam"),)),
    Spec("book", "Thép đã tôi thế đấy",
         ("Nikolai Ostrovsky|1904-1936|Ostrovsky, Nikolai",), 2015, (H, N),
         original_language="rus", contributors=(("Thép Mới", "dịch"),), genre="Tiểu thuyết"),
    Spec("book", "Hà Nội nghìn xưa", ("Trần Quốc Vượng|1934-2005", "Vũ Tuấn Sán"), 2011, ALL,
         domain="hanoi", publisher="Nxb. Hà Nội", subjects=(HANOI_HISTORY,)),
    Spec("book", "Cơ sở văn hóa Việt Nam", ("Trần Ngọc Thêm|1952-",), 1999, ALL,
         domain="academic", publisher="Nxb. Giáo dục Việt Nam", ddc="306.09597",
         subjects=(topic("Văn hóa", z="Việt Nam"),)),
    Spec("book", "Việt Nam văn hóa sử cương", ("Đào Duy Anh|1904-1988",), 2014, (N, V),
         domain="academic", ddc="306.09597", subjects=(topic("Văn hóa", z="Việt Nam"),)),
    Spec("book", "Hanoi", ("William S. Logan||Logan, William S.",), 2000, (N, V),
         lang="eng", subtitle="Biography of a City", domain="hanoi",
         publisher="University of Washington Press", place="Seattle", country="wau",
         subjects=(HANOI_HISTORY, topic("Architecture", z="Vietnam"))),
    Spec("book", "Nguyễn Du", ("Nguyễn Quang Huy",), 2008, (H, V), domain="academic",
         subtitle="Cuộc đời và tác phẩm", ddc="895.92209",
         subjects=(about("Nguyễn Du", "1766-1820", "Phê bình và chú giải"),)),
    Spec("book", "Phố phường Hà Nội xưa", ("Hoàng Đạo Thúy|1900-1994",), 2017, ALL,
         domain="hanoi", deleted_in=(H,), subjects=(HANOI_HISTORY,)),
    # traps: same title, different work
    Spec("book", "Truyện Kiều", (KIEU,), 2002, (V,), publisher="Nxb. Giáo dục Việt Nam",
         edition="Tái bản lần thứ 3", genre="Thơ", ddc="895.9221"),
    Spec("book", "Hà Nội trong mắt tôi", ("Nguyễn Văn Hùng",), 2010, (H, N), domain="hanoi",
         publisher="Nxb. Hà Nội"),
    Spec("book", "Hà Nội trong mắt tôi", ("Lê Thị Mai",), 2018, (N, V), domain="hanoi",
         publisher="Nxb. Thế giới"),
    Spec("book", "Mùa thu Hà Nội", ("Trần Quang Minh",), 2015, (H,), genre="Thơ"),
    Spec("book", "Mùa thu Hà Nội", ("Phạm Thu Hương",), 2015, (N,), genre="Tiểu thuyết"),
    # traps: folds to "ha noi" but is not about Hà Nội
    Spec("book", "Mùa hạ nổi gió", ("Vũ Thị Lan",), 2019, ALL, genre="Tiểu thuyết"),
    Spec("book", "Những ngày hạ nổi loạn", ("Đỗ Minh Khoa",), 2021, (H, N),
         genre="Truyện dài"),
    # trap: an ISBN typo that "repairs" to Truyện Kiều's number
    Spec("book", "Ẩm thực Hà Nội xưa và nay", ("Nguyễn Thị Hằng",), 2016, (V,),
         domain="hanoi", bad_isbn=(V, "other:0"), variants=((V, "isbn", "hyph13"),),
         subjects=(topic("Ẩm thực", z="Hà Nội"),)),
    # more of the special kinds
    Spec("map", "Plan de la ville de Hanoï", (), 1902, ALL, lang="fre", domain="hanoi",
         collection=OLD_MAPS, rights=PUBLIC_DOMAIN_MARK, pages=3, isbn=False, country="vm ",
         publisher="Service géographique de l'Indochine", place="Hanoï",
         subjects=(place("Hà Nội (Việt Nam)", "Bản đồ"),)),
    Spec("map", "Bản đồ hành chính thành phố Hà Nội", (), 2010, (H, N), domain="hanoi",
         publisher="Nxb. Tài nguyên - Môi trường và Bản đồ Việt Nam", rights=IN_COPYRIGHT,
         subjects=(place("Hà Nội (Việt Nam)", "Bản đồ hành chính"),)),
    Spec("manuscript", "Hà Nội địa dư", (), 1851, (N, H), lang="chi", domain="hanoi",
         collection=HAN_NOM, access="onsite", pages=6, rights=PUBLIC_DOMAIN_MARK, isbn=False,
         subjects=(place("Hà Nội (Việt Nam)", "Địa lý"),)),
    Spec("manuscript", "Kim Vân Kiều tân truyện", (KIEU,), 1870, (N, H), collection=HAN_NOM,
         pages=6, rights=PUBLIC_DOMAIN_MARK, isbn=False, genre="Truyện thơ Nôm"),
    Spec("audiobook", "Số đỏ", ("Vũ Trọng Phụng|1912-1939",), 2022, (N,), isbn=False,
         contributors=(("Phạm Minh Nguyệt", "người đọc"),), genre="Sách nói",
         rights=IN_COPYRIGHT,
         chapters=_sample_chapters("Chương 1. Hạnh phúc của một tang gia",
                                   "Chương 2. Xuân Tóc Đỏ", "Chương 3. Âu hóa")),
    Spec("image", "Tranh Đông Hồ: Đám cưới chuột", (), 1960, (H, N), domain="hanoi",
         rights=UNDETERMINED, pages=1, isbn=False, subjects=(topic("Tranh dân gian"),)),
    Spec("music", "Tuyển tập ca khúc Văn Cao", ("Văn Cao|1923-1995",), 2003, ALL,
         isbn=False, genre="Ca khúc"),
    Spec("periodical", "Tạp chí Hán Nôm", (), 1990, (N, V), domain="academic",
         corporate="Viện Nghiên cứu Hán Nôm", isbn=False),
    Spec("thesis", "Ngôn ngữ biển hiệu thương mại ở phố cổ Hà Nội", ("Phạm Thị Thu Trang",),
         2020, (V,), domain="hanoi", isbn=False,
         thesis="Luận văn Thạc sĩ Ngôn ngữ học -- Trường Đại học Khoa học Xã hội và "
                "Nhân văn, ĐHQGHN, 2020"),
    Spec("book", "Hà Nội qua những trang ảnh", ("Lê Văn Đạt",), 2008, (H, N),
         domain="hanoi", deleted_in=(H, N)),
)
# fmt: on
