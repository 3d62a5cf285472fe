"""Word lists for the demo catalogues: names, places, title parts, publishers, rights.

Plain tables, so a reader can see what the generated data is made of. All strings are
typed in NFC (tests check it). Nothing here draws random numbers.
"""

from __future__ import annotations

# --- libraries ---------------------------------------------------------------------------

HANOI = "thu-vien-ha-noi"  # Koha, OAI-PMH marc21, items in 952
NATIONAL = "thu-vien-quoc-gia"  # OAI-PMH oai_dc only
VNU = "thu-vien-dhqghn"  # nightly MARC export, items in 852

# --- people ------------------------------------------------------------------------------

SURNAMES = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Hoàng", "Huỳnh",
    "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đinh", "Đào",
    "Trịnh", "Mai", "Tô", "Lương", "Chu", "Kiều", "Tạ", "Hà",
)  # fmt: skip
MIDDLE_NAMES = (
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quang", "Xuân", "Thu", "Hồng",
    "Kim", "Anh", "Bá", "Công", "Đình", "Quốc", "Gia", "Thúy", "Phương", "Mạnh", "Khánh",
)  # fmt: skip
GIVEN_NAMES = (
    "An", "Anh", "Bình", "Châu", "Cường", "Dũng", "Dung", "Giang", "Hà", "Hải", "Hạnh",
    "Hiếu", "Hoa", "Hòa", "Hùng", "Hương", "Huy", "Khánh", "Lan", "Linh", "Long", "Mai",
    "Minh", "Nam", "Nga", "Ngân", "Nghĩa", "Ngọc", "Nhung", "Phong", "Phúc", "Phương",
    "Quân", "Quang", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng", "Thành", "Thủy", "Trang",
    "Trung", "Tuấn", "Tùng", "Vân", "Việt", "Yến", "Đạt", "Đông", "Hằng", "Khoa", "Lộc",
    "Tiến", "Diệp", "Uyên", "Kiên", "Toàn",
)  # fmt: skip
FOREIGN_NAMES = {
    "eng": (
        ("Sarah", "Thompson"), ("David", "Miller"), ("Helen", "Clarke"), ("Michael", "Reid"),
        ("Emily", "Harper"), ("James", "Whitfield"), ("Laura", "Bennett"), ("Peter", "Lowe"),
    ),
    "fre": (
        ("Claire", "Dubois"), ("Henri", "Lefèvre"), ("Jean", "Martin"), ("Élise", "Moreau"),
        ("Paul", "Girard"), ("Hélène", "Rousseau"), ("Louis", "Fabre"), ("Agnès", "Mercier"),
    ),
}  # fmt: skip
NARRATORS = ("Nguyễn Thu Hà", "Trần Văn Bình", "Lê Khanh", "Phạm Minh Nguyệt", "Đỗ Kim Thoa")

# --- places ------------------------------------------------------------------------------

HANOI_PLACES = (
    "Hà Nội", "Thăng Long", "Thăng Long - Hà Nội", "Hà Đông", "Sơn Tây", "Tây Hồ",
    "Long Biên", "Hoàn Kiếm", "Ba Đình", "Đông Anh", "Gia Lâm", "Cổ Loa",
)  # fmt: skip
STREETS = (
    "Hồ Gươm", "Hồ Tây", "phố Hàng Đào", "phố cổ", "làng Bát Tràng", "sông Hồng",
    "cầu Long Biên", "Văn Miếu", "chợ Đồng Xuân", "phố Hàng Mã", "phố Hàng Bạc",
    "đê Yên Phụ", "phố Phan Đình Phùng", "Phủ Tây Hồ", "ga Hàng Cỏ",
)  # fmt: skip
VILLAGES = (
    "Kim Liên", "Yên Phụ", "Nghi Tàm", "Quảng Bá", "Thụy Khuê", "Nhật Tân", "Bát Tràng",
    "Vạn Phúc", "Đường Lâm", "Cự Đà", "Ước Lễ", "Phú Thượng", "Xuân Đỉnh", "Cổ Nhuế",
)  # fmt: skip

# --- title parts ---------------------------------------------------------------------------

FICTION_NOUNS = (
    "Mùa hoa sữa", "Gió mùa đông bắc", "Chiều thu", "Con đò cuối cùng", "Người đàn bà bán hoa",
    "Chuyến tàu đêm", "Giấc mơ tuổi thơ", "Ký ức mùa đông", "Tiếng chuông chiều",
    "Ngôi nhà cũ", "Những cánh diều", "Mưa bụi", "Ánh trăng", "Bến sông", "Cây bàng",
    "Phố vắng", "Ngõ nhỏ", "Chuyện tình", "Khúc hát ru", "Người thầy", "Bức thư cuối cùng",
    "Cánh cửa", "Tuổi hai mươi", "Mùa lúa mới", "Đêm không ngủ", "Gánh hàng rong",
)  # fmt: skip
FICTION_LINKS = ("ở", "trên", "bên", "của")
FICTION_GENRES = (
    ("Tiểu thuyết", "895.9223", "1"),
    ("Truyện ngắn", "895.9223", "j"),
    ("Thơ", "895.9221", "p"),
    ("Tùy bút", "895.9228", "e"),
)
HANOI_TOPICS = (
    ("Lịch sử", "959.731"), ("Địa chí", "915.9731"), ("Văn hóa", "306.09597"),
    ("Kiến trúc", "720.959731"), ("Ẩm thực", "641.59597"), ("Lễ hội", "394.2609597"),
    ("Làng nghề", "680.959731"), ("Phong tục", "390.09597"), ("Di tích", "959.731"),
    ("Đình chùa", "294.3435"), ("Phố cổ", "959.731"), ("Quy hoạch đô thị", "711.409597"),
    ("Giáo dục khoa cử", "370.959731"), ("Tín ngưỡng dân gian", "398.4109597"),
    ("Địa lý", "915.97"),
)  # fmt: skip
HANOI_SUFFIXES = (
    "",
    "",
    " xưa và nay",
    " qua các thời kỳ",
    " thế kỷ XIX",
    " thời Pháp thuộc",
    " trong lịch sử",
    " nghìn năm văn hiến",
)
HANOI_SUBTITLES = (
    "Khảo cứu",
    "Tư liệu và hình ảnh",
    "Sách tham khảo",
    "Kỷ yếu hội thảo khoa học",
    "Những góc nhìn mới",
    "Tập ảnh",
)
ACADEMIC_FIELDS = (
    ("kinh tế học", "330"), ("xã hội học", "301"), ("ngôn ngữ học", "410"),
    ("triết học", "100"), ("tâm lý học", "150"), ("luật dân sự", "346.597"),
    ("quản trị kinh doanh", "658"), ("khoa học môi trường", "363.7"),
    ("công nghệ thông tin", "004"), ("hóa học hữu cơ", "547"), ("vật lý lượng tử", "530.12"),
    ("toán cao cấp", "510"), ("thư viện học", "020"), ("lưu trữ học", "027"),
    ("Hán Nôm học", "495.17"), ("khảo cổ học", "930.1"), ("dân tộc học", "305.8"),
    ("báo chí học", "070"),
)  # fmt: skip
ACADEMIC_PATTERNS = (
    "Giáo trình {f}",
    "{F} đại cương",
    "Cơ sở {f}",
    "Nhập môn {f}",
    "Nghiên cứu {f} ở Việt Nam",
    "Một số vấn đề {f} hiện đại",
)
THESIS_TOPICS = (
    "quá trình đô thị hóa", "biến đổi văn hóa làng", "phát triển du lịch văn hóa",
    "hệ thống chợ truyền thống", "giáo dục Nho học", "kiến trúc nhà ống",
    "ngôn ngữ biển hiệu", "chất lượng không khí", "giao thông công cộng", "quản lý di sản",
    "văn học đô thị", "nghề thủ công truyền thống",
)  # fmt: skip
THESIS_DEGREES = ("Luận án Tiến sĩ", "Luận văn Thạc sĩ")
THESIS_FIELDS = (
    "Lịch sử",
    "Văn hóa học",
    "Xã hội học",
    "Kinh tế",
    "Ngôn ngữ học",
    "Khoa học môi trường",
    "Quy hoạch vùng và đô thị",
)
UNIVERSITIES = (
    "Trường Đại học Khoa học Xã hội và Nhân văn",
    "Trường Đại học Khoa học Tự nhiên",
    "Trường Đại học Kinh tế",
    "Trường Đại học Ngoại ngữ",
    "Trường Đại học Giáo dục",
)
ENGLISH_TITLES = (
    ("The ", "Streets of Hanoi"), ("The ", "Lakes of Hanoi"), ("The ", "Old Quarter"),
    ("The ", "Red River Delta"), ("The ", "Temple of Literature"),
    ("A ", "Short History of Hanoi"), ("An ", "Introduction to Vietnamese Culture"),
    ("", "Hanoi Architecture"), ("The ", "Colonial City"), ("", "Vietnamese Cuisine"),
    ("The ", "Markets of Thang Long"), ("", "Hanoi Street Food"),
)  # fmt: skip
ENGLISH_SUBTITLES = (
    "A Cultural History",
    "Essays",
    "Colonialism and Urban Life",
    "A Guide",
    "Memory and Modernity",
)
FRENCH_TITLES = (
    ("Les ", "Rues de Hanoï"), ("La ", "Ville de Hanoï"), ("Le ", "Fleuve Rouge"),
    ("L'", "Architecture coloniale au Tonkin"), ("Les ", "Pagodes du Tonkin"),
    ("La ", "Citadelle de Hanoï"), ("Le ", "Lac de l'Épée restituée"),
    ("Les ", "Métiers de Hanoï"), ("La ", "Vie quotidienne au Tonkin"),
)  # fmt: skip
FRENCH_SUBTITLES = ("Souvenirs", "Étude historique", "Notes de voyage", "Chroniques")
PERIODICAL_TITLES = (
    "Tạp chí Nghiên cứu Lịch sử", "Tạp chí Văn học", "Tạp chí Hán Nôm", "Tạp chí Xưa và Nay",
    "Tạp chí Kiến trúc", "Tạp chí Thư viện Việt Nam", "Tạp chí Khoa học Xã hội Việt Nam",
    "Tạp chí Ngôn ngữ", "Người Hà Nội", "Văn nghệ", "Hà Nội mới cuối tuần",
    "Tạp chí Du lịch", "Tạp chí Âm nhạc", "Tạp chí Di sản văn hóa",
)  # fmt: skip
PERIODICAL_BODIES = (
    "Viện Sử học",
    "Hội Nhà văn Việt Nam",
    "Viện Nghiên cứu Hán Nôm",
    "Hội Kiến trúc sư Việt Nam",
    "Sở Văn hóa và Thể thao Hà Nội",
)
FREQUENCIES = (("Hàng tháng", "m"), ("2 tháng/kỳ", "b"), ("Hàng tuần", "w"), ("Hàng quý", "q"))
MAP_KINDS = ("hành chính", "du lịch", "giao thông", "địa hình", "quy hoạch")
MAP_AREAS = (
    "thành phố Hà Nội",
    "quận Hoàn Kiếm",
    "quận Ba Đình",
    "huyện Gia Lâm",
    "quận Tây Hồ",
    "thị xã Sơn Tây",
    "Hà Nội và vùng phụ cận",
)
OLD_MAP_TITLES = (
    "Bản đồ thành Hà Nội năm {y}",
    "Plan de la ville de Hanoï ({y})",
    "Hà Nội toàn đồ ({y})",
    "Plan de Hanoï et de ses environs ({y})",
)
MANUSCRIPT_PATTERNS = (
    ("Gia phả họ {s} làng {v}", "Gia phả"),
    ("Thần tích đình {v}", "Thần tích"),
    ("Hương ước làng {v}", "Hương ước"),
    ("Thần sắc làng {v}", "Sắc phong"),
    ("Địa bạ xã {v}", "Địa bạ"),
)
CHAPTER_NAMES = (
    "Mở đầu",
    "Tuổi thơ",
    "Những ngày đầu",
    "Gặp gỡ",
    "Biến cố",
    "Trở về",
    "Mùa đông",
    "Chia ly",
    "Hà Nội những ngày ấy",
    "Lời kết",
)
MUSIC_PATTERNS = (
    "Tuyển tập ca khúc {c}",
    "Ca trù Hà Nội",
    "Hát xẩm Hà thành",
    "Nhạc Tết xưa",
    "Chèo cổ Thăng Long",
    "Ca khúc về Hà Nội",
)
COMPOSERS = (
    "Văn Cao|1923-1995",
    "Trịnh Công Sơn|1939-2001",
    "Phú Quang|1949-2021",
    "Hoàng Hiệp|1931-2013",
    "Nguyễn Văn Tý|1925-2019",
)
IMAGE_MOTIFS = (
    "Đám cưới chuột",
    "Lợn đàn",
    "Hứng dừa",
    "Tố nữ",
    "Ngũ hổ",
    "Cá chép trông trăng",
    "Thầy đồ cóc",
)
IMAGE_PATTERNS = (
    "Tranh Hàng Trống: {m}",
    "Tranh Đông Hồ: {m}",
    "Ảnh {s} năm {y}",
    "Bưu ảnh Hà Nội: {s}",
)
ARCHIVE_PATTERNS = (
    "Hồ sơ quy hoạch {p} giai đoạn {y}-{z}",
    "Hồ sơ trùng tu {s}",
    "Biên bản họp về bảo tồn {s}",
    "Hồ sơ giải phóng mặt bằng {p}",
)
ARCHIVE_BODIES = (
    "Ủy ban nhân dân thành phố Hà Nội",
    "Sở Quy hoạch - Kiến trúc Hà Nội",
    "Ban Quản lý phố cổ Hà Nội",
)
DOCUMENTARY_PATTERNS = ("Phim tài liệu: {t} {p}", "Ký sự truyền hình: {t} {p}")

# --- publishers: (name, place) ---------------------------------------------------------------

PUBLISHERS = (
    ("Nxb. Văn học", "Hà Nội"), ("Nxb. Kim Đồng", "Hà Nội"), ("Nxb. Trẻ", "TP. Hồ Chí Minh"),
    ("Nxb. Hội Nhà văn", "Hà Nội"), ("Nxb. Hà Nội", "Hà Nội"),
    ("Nxb. Chính trị Quốc gia Sự thật", "Hà Nội"), ("Nxb. Đại học Quốc gia Hà Nội", "Hà Nội"),
    ("Nxb. Giáo dục Việt Nam", "Hà Nội"), ("Nxb. Khoa học xã hội", "Hà Nội"),
    ("Nxb. Thế giới", "Hà Nội"), ("Nxb. Lao động", "Hà Nội"),
    ("Nxb. Phụ nữ Việt Nam", "Hà Nội"), ("Nxb. Văn hóa - Thông tin", "Hà Nội"),
)  # fmt: skip
AUDIO_PUBLISHERS = (
    ("Nxb. Trẻ", "TP. Hồ Chí Minh"),
    ("Nxb. Kim Đồng", "Hà Nội"),
    ("Hội Người mù Việt Nam", "Hà Nội"),
    ("Thư viện Hà Nội", "Hà Nội"),
)
MUSIC_LABELS = (
    ("Hãng đĩa Thời Đại", "TP. Hồ Chí Minh"),
    ("Nxb. Âm nhạc", "Hà Nội"),
    ("Viện Âm nhạc", "Hà Nội"),
)
FILM_STUDIOS = (
    ("Hãng phim truyện Việt Nam", "Hà Nội"),
    ("Đài Truyền hình Việt Nam", "Hà Nội"),
    ("Hãng phim Tài liệu và Khoa học Trung ương", "Hà Nội"),
)
LITERATURE_PUBLISHERS = (0, 1, 2, 3, 4)  # indexes into PUBLISHERS
ACADEMIC_PUBLISHERS = (6, 7, 8, 5)
HANOI_PUBLISHERS = (4, 8, 9, 12, 5)
FOREIGN_PUBLISHERS = {
    "eng": (("Oxford University Press", "Oxford", "enk"), ("Routledge", "London", "enk"),
            ("Cornell University Press", "Ithaca, N.Y.", "nyu"),
            ("NIAS Press", "Copenhagen", "dk ")),
    "fre": (("Gallimard", "Paris", "fr "), ("Éditions de l'Aube", "La Tour-d'Aigues", "fr "),
            ("Imprimerie d'Extrême-Orient", "Hanoï", "vm ")),
}  # fmt: skip
SERIES = (
    "Tủ sách Thăng Long ngàn năm văn hiến",
    "Văn học Việt Nam hiện đại",
    "Tủ sách Đại học",
    "Danh tác Việt Nam",
    "Tủ sách Hà Nội học",
)

# --- summaries ------------------------------------------------------------------------------

SUMMARIES = {
    "literature": ("Tác phẩm kể về {x}, với những trang viết giàu cảm xúc về con người và "
                   "cảnh sắc {p}.",
                   "Câu chuyện xoay quanh {x}, tái hiện đời sống thị dân {p} qua nhiều "
                   "thế hệ."),
    "hanoi": ("Cuốn sách giới thiệu {x} {p} qua các thời kỳ, từ thời Lý - Trần đến nay, "
              "kèm nhiều tư liệu, hình ảnh quý.",
              "Tập hợp các nghiên cứu về {x} {p}, dựa trên tư liệu Hán Nôm, tư liệu "
              "lưu trữ thời Pháp thuộc và khảo sát điền dã."),
    "academic": ("Giáo trình trình bày những kiến thức cơ bản về {x}, dùng cho sinh viên "
                 "các trường đại học và cao đẳng.",
                 "Sách tập hợp các bài viết chuyên sâu về {x}, phục vụ công tác nghiên cứu "
                 "và giảng dạy."),
}  # fmt: skip

# --- rights: rightsstatements.org and Creative Commons ------------------------------------------

RS = "http://rightsstatements.org/vocab/{}/1.0/"
IN_COPYRIGHT = RS.format("InC")
IN_COPYRIGHT_EDU = RS.format("InC-EDU")
IN_COPYRIGHT_UNKNOWN_HOLDER = RS.format("InC-RUU")
NO_COPYRIGHT_US = RS.format("NoC-US")
NO_COPYRIGHT_OTHER = RS.format("NoC-OKLR")
UNDETERMINED = RS.format("UND")
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
CC_BY_NC_SA = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
PUBLIC_DOMAIN_MARK = "https://creativecommons.org/publicdomain/mark/1.0/"
RIGHTS_TEXT = {
    IN_COPYRIGHT: "Tài liệu được bảo hộ quyền tác giả.",
    IN_COPYRIGHT_EDU: "Được bảo hộ quyền tác giả; được phép sử dụng cho mục đích giáo dục.",
    IN_COPYRIGHT_UNKNOWN_HOLDER: "Được bảo hộ quyền tác giả; chưa xác định được chủ sở hữu.",
    NO_COPYRIGHT_US: "Không còn bảo hộ quyền tác giả tại Hoa Kỳ.",
    NO_COPYRIGHT_OTHER: "Không còn bảo hộ quyền tác giả; có thể có hạn chế pháp lý khác.",
    UNDETERMINED: "Chưa xác định tình trạng bản quyền.",
    CC_BY: "Giấy phép Creative Commons Ghi công 4.0.",
    CC_BY_NC_SA: "Giấy phép Creative Commons Ghi công - Phi thương mại - Chia sẻ tương tự 4.0.",
    PUBLIC_DOMAIN_MARK: "Tài liệu thuộc phạm vi công cộng.",
}

# --- collections and access -------------------------------------------------------------------

OLD_MAPS = "Bản đồ cổ Hà Nội"
REGISTERED_AUDIO = "Sách nói dành cho bạn đọc đăng ký"
RESTRICTED_ARCHIVE = "Hồ sơ lưu trữ hạn chế"
HAN_NOM = "Tư liệu Hán Nôm"
OLD_POSTCARDS = "Bưu ảnh Hà Nội xưa"
COLLECTION_SETS = {
    OLD_MAPS: "ban-do-co-ha-noi",
    REGISTERED_AUDIO: "sach-noi-ban-doc-dang-ky",
    RESTRICTED_ARCHIVE: "ho-so-luu-tru-han-che",
    HAN_NOM: "tu-lieu-han-nom",
    OLD_POSTCARDS: "buu-anh-ha-noi-xua",
}
# access level → MARC 506 ($a note, $f standardised term)
ACCESS_NOTES = {
    "registered": ("Chỉ dành cho bạn đọc đã đăng ký thẻ thư viện.", "Registered users only"),
    "onsite": ("Chỉ xem tại thư viện.", "Onsite access only"),
    "restricted": (
        "Hạn chế truy cập theo quy định về lưu trữ; cần có giấy giới thiệu.",
        "Restricted",
    ),
}

# --- formats: Record format → (OAI setSpec, set name, DC types) ---------------------------------

FORMAT_SETS = {
    "book": ("books", "Sách", ("Text", "Sách")),
    "periodical": ("periodicals", "Báo, tạp chí", ("Text", "Báo, tạp chí")),
    "thesis": ("theses", "Luận án, luận văn", ("Text", "Luận án")),
    "map": ("maps", "Bản đồ", ("Cartographic", "Map", "Bản đồ")),
    "manuscript": ("manuscripts", "Bản viết tay", ("Text", "Bản viết tay")),
    "audiobook": ("audiobooks", "Sách nói", ("Sound", "Sách nói")),
    "music": ("music", "Âm nhạc", ("Sound", "Âm nhạc")),
    "image": ("images", "Hình ảnh", ("Image", "StillImage", "Tranh ảnh")),
    "video": ("video", "Phim, video", ("MovingImage", "Phim")),
    "archival": ("archives", "Hồ sơ lưu trữ", ("Text", "Hồ sơ lưu trữ")),
}
DC_LANGUAGES = {
    "vie": ("vie", "vi", "Tiếng Việt"),
    "eng": ("eng", "en", "English", "Tiếng Anh"),
    "fre": ("fre", "fr", "Tiếng Pháp"),
    "chi": ("chi", "zh", "Tiếng Trung"),
}
