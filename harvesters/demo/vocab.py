"""Word lists for the demo catalogues: names, places, title parts, publishers, collections.

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
# Old maps: one pattern per tradition (in this order: the draw picks the language), each
# naming an area of its time. Devised Vietnamese titles, French plans, Hán "toàn đồ".
OLD_MAP_TITLES = (
    "Bản đồ {a} năm {y}",
    "Plan de {a} ({y})",
    "{a} toàn đồ ({y})",
    "Carte de {a} ({y})",
)
OLD_MAP_AREAS = (
    ("thành Hà Nội", "thành phố Hà Nội", "tỉnh Hà Đông", "tỉnh Sơn Tây", "tỉnh Bắc Ninh",
     "huyện Thọ Xương", "huyện Vĩnh Thuận", "phủ Hoài Đức", "khu phố cổ Hà Nội",
     "đê sông Hồng đoạn Hà Nội", "khu nhượng địa Pháp ở Hà Nội", "Hồ Tây và vùng phụ cận"),
    ("la ville de Hanoï", "Hanoï et de ses environs", "la Concession française de Hanoï",
     "la citadelle de Hanoï", "la ville de Hanoï et du quartier de la gare",
     "la ville de Hà Đông", "la ville de Sơn Tây", "Hanoï, quartier du Grand Lac"),
    ("Hà Nội", "Hà Nội tỉnh", "Hoài Đức phủ", "Thọ Xương huyện", "Vĩnh Thuận huyện",
     "Thăng Long thành", "Sơn Tây tỉnh", "Từ Liêm huyện", "Thanh Trì huyện"),
    ("la province de Hà Đông", "la province de Sơn Tây", "la province de Bắc Ninh",
     "la région de Hanoï", "la province de Phúc Yên", "la province de Hưng Yên",
     "la ville de Hanoï et de ses environs", "la route mandarine de Hanoï à Sơn Tây"),
)  # fmt: skip
OLD_MAP_PUBLISHERS = (  # French plans and maps were printed; Hán and devised ones were not
    ("Service géographique de l'Indochine", "Hanoï"),
    ("Imprimerie d'Extrême-Orient", "Hanoï"),
    ("Direction des Travaux publics du Tonkin", "Hanoï"),
)
# Modern maps: the districts (with the year each became one of Hà Nội's), the publishers
# (Nxb. Bản đồ was merged into Nxb. Tài nguyên - Môi trường và Bản đồ Việt Nam in 2009).
HANOI_DISTRICTS = (
    ("quận Hoàn Kiếm", 0), ("quận Ba Đình", 0), ("quận Đống Đa", 0), ("quận Hai Bà Trưng", 0),
    ("quận Tây Hồ", 1995), ("quận Thanh Xuân", 1996), ("quận Cầu Giấy", 1997),
    ("quận Hoàng Mai", 2003), ("quận Long Biên", 2003), ("quận Hà Đông", 2009),
    ("quận Bắc Từ Liêm", 2014), ("quận Nam Từ Liêm", 2014),
    ("huyện Gia Lâm", 0), ("huyện Đông Anh", 0), ("huyện Sóc Sơn", 0), ("huyện Thanh Trì", 0),
    ("huyện Mê Linh", 2008), ("huyện Ba Vì", 2008), ("huyện Thạch Thất", 2008),
    ("huyện Quốc Oai", 2008), ("huyện Chương Mỹ", 2008), ("huyện Thanh Oai", 2008),
    ("huyện Thường Tín", 2008), ("huyện Phú Xuyên", 2008), ("huyện Ứng Hòa", 2008),
    ("huyện Mỹ Đức", 2008), ("huyện Phúc Thọ", 2008), ("huyện Đan Phượng", 2008),
    ("huyện Hoài Đức", 2008), ("thị xã Sơn Tây", 2008),
)  # fmt: skip
MAP_SUBTITLES = {  # kind of map → subtitles some of them carry (often left out by a library)
    "du lịch": ("Song ngữ Việt - Anh", "Có chỉ dẫn đường phố"),
    "giao thông": ("Có chỉ dẫn đường phố", "Các tuyến xe buýt"),
    "quy hoạch": ("Hiện trạng sử dụng đất", "Định hướng phát triển không gian"),
    "hành chính": ("Ranh giới hành chính đến cấp phường, xã",),
    "địa hình": ("Khu vực nội thành",),
}
MAP_PUBLISHERS = (
    ("Nxb. Tài nguyên - Môi trường và Bản đồ Việt Nam", "Hà Nội"),  # from 2009
    ("Nxb. Bản đồ", "Hà Nội"),  # until 2009
    ("Công ty Bản đồ - Tranh ảnh giáo khoa", "Hà Nội"),
    ("Nxb. Hà Nội", "Hà Nội"),
)
# Scales (MARC 255 $a) by the kind of map a title names; the first match wins.
MAP_SCALES = (
    ("quy hoạch", ("Tỷ lệ 1:2.000", "Tỷ lệ 1:5.000", "Tỷ lệ 1:10.000")),
    ("địa hình", ("Tỷ lệ 1:25.000", "Tỷ lệ 1:50.000")),
    ("du lịch", ("Tỷ lệ 1:12.000", "Tỷ lệ 1:15.000", "Tỷ lệ 1:20.000")),
    ("giao thông", ("Tỷ lệ 1:25.000", "Tỷ lệ 1:35.000")),
    ("hành chính", ("Tỷ lệ 1:10.000", "Tỷ lệ 1:50.000", "Tỷ lệ 1:100.000")),
    ("toàn đồ", ("Không rõ tỷ lệ",)),
    ("Plan de", ("Échelle 1:5.000", "Échelle 1:10.000")),
    ("Carte de", ("Échelle 1:25.000", "Échelle 1:50.000", "Échelle 1:100.000")),
    ("", ("Tỷ lệ 1:5.000", "Tỷ lệ 1:10.000", "Tỷ lệ 1:25.000", "Tỷ lệ 1:50.000")),
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
MUSIC_PATTERNS = (  # the kind of recording; `MUSIC_TITLES` holds the titles of each
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
# A composer's album is named for one of the songs on it (245 $a), the collection in $b.
SONGS = {
    "Văn Cao": ("Thiên Thai", "Trương Chi", "Suối mơ", "Buồn tàn thu", "Mùa xuân đầu tiên",
                "Làng tôi", "Tiến về Hà Nội", "Đàn chim Việt"),
    "Trịnh Công Sơn": ("Diễm xưa", "Hạ trắng", "Biển nhớ", "Nối vòng tay lớn", "Mưa hồng",
                       "Ru em từng ngón xuân nồng", "Cát bụi", "Một cõi đi về"),
    "Phú Quang": ("Em ơi Hà Nội phố", "Hà Nội ngày trở về", "Nỗi nhớ mùa đông",
                  "Biển, nỗi nhớ và em", "Đâu phải bởi mùa thu", "Mơ về nơi xa lắm"),
    "Hoàng Hiệp": ("Nhớ về Hà Nội", "Câu hò bên bờ Hiền Lương", "Cô gái vót chông",
                   "Trường Sơn Đông Trường Sơn Tây", "Ngọn đèn đứng gác", "Lá đỏ"),
    "Nguyễn Văn Tý": ("Dư âm", "Mẹ yêu con", "Tấm áo chiến sĩ mẹ vá năm xưa",
                      "Người đi xây hồ Kẻ Gỗ", "Bài ca năm tấn"),
}  # fmt: skip
# The other kinds: titles (the kind's own name among them) and the pieces recorded.
MUSIC_TITLES = {
    "Ca trù Hà Nội": ("Ca trù Hà Nội", "Ca trù Thăng Long", "Ca trù: Tỳ bà hành",
                      "Ca trù: Hồng Hồng Tuyết Tuyết", "Ca trù: Bắc phản", "Ca trù: Gửi thư",
                      "Ca trù: Hát nói"),
    "Hát xẩm Hà thành": ("Hát xẩm Hà thành", "Xẩm chợ", "Xẩm tàu điện", "Xẩm Hà Nội",
                         "Thập ân", "Mục hạ vô nhân"),
    "Nhạc Tết xưa": ("Nhạc Tết xưa", "Ly rượu mừng", "Xuân và tuổi trẻ", "Mùa xuân Hà Nội",
                     "Tết quê hương"),
    "Chèo cổ Thăng Long": ("Chèo cổ Thăng Long", "Quan Âm Thị Kính", "Lưu Bình Dương Lễ",
                           "Trương Viên", "Kim Nham", "Tấm Cám", "Chu Mãi Thần"),
    "Ca khúc về Hà Nội": ("Ca khúc về Hà Nội", "Hà Nội mùa thu", "Nhớ về Hà Nội",
                          "Hướng về Hà Nội", "Người Hà Nội", "Hà Nội niềm tin và hy vọng",
                          "Hà Nội mùa vắng những cơn mưa"),
}  # fmt: skip
MUSIC_GENRES = {  # kind of recording → 655 genre
    "Tuyển tập ca khúc {c}": "Ca khúc", "Ca trù Hà Nội": "Ca trù",
    "Hát xẩm Hà thành": "Hát xẩm", "Nhạc Tết xưa": "Ca khúc", "Chèo cổ Thăng Long": "Chèo",
    "Ca khúc về Hà Nội": "Ca khúc",
}  # fmt: skip
MUSIC_ENSEMBLES = {  # traditional music is often entered under the troupe that plays it
    "Ca trù Hà Nội": ("Câu lạc bộ Ca trù Thăng Long", "Giáo phường Ca trù Thái Hà"),
    "Hát xẩm Hà thành": ("Nhóm Xẩm Hà thành", "Trung tâm Phát triển nghệ thuật âm nhạc Việt Nam"),
    "Chèo cổ Thăng Long": ("Nhà hát Chèo Hà Nội", "Nhà hát Chèo Việt Nam"),
}  # fmt: skip
IMAGE_MOTIFS = (  # drawn once; the school's own list (below) says which print it is
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
WOODCUT_MOTIFS = {
    "Hàng Trống": ("Tố nữ", "Ngũ hổ", "Cá chép trông trăng", "Tứ bình", "Thất đồng",
                   "Phật Bà Quan Âm", "Chợ quê", "Tam đa", "Hổ phù",
                   "Bà Triệu cưỡi voi", "Hai Bà Trưng", "Cá chép vượt vũ môn"),
    "Đông Hồ": ("Đám cưới chuột", "Lợn đàn", "Hứng dừa", "Thầy đồ cóc", "Đánh ghen",
                "Vinh hoa", "Phú quý", "Gà đàn", "Chăn trâu thổi sáo", "Đấu vật",
                "Bịt mắt bắt dê", "Rước rồng", "Múa rồng", "Cóc đi học"),
}  # fmt: skip
WOODCUT_WORKSHOPS = {  # prints made after 1945 name the workshop that printed them
    "Hàng Trống": ("Xưởng tranh Hàng Trống Lê Đình Nghiên",),
    "Đông Hồ": ("Xưởng tranh Đông Hồ Nguyễn Đăng Chế", "Xưởng tranh Đông Hồ Nguyễn Hữu Sam",
                "Hợp tác xã tranh Đông Hồ"),
}  # fmt: skip
PHOTO_SUBJECTS = (  # what photographs and postcards show, besides the `STREETS`
    "Nhà hát Lớn", "Tháp Rùa", "Đền Ngọc Sơn", "Cột cờ Hà Nội", "Chùa Một Cột",
    "Nhà thờ Lớn", "ga Hà Nội", "phố Tràng Tiền", "Cửa Bắc", "Ô Quan Chưởng",
    "Khách sạn Métropole", "phố Hàng Ngang", "Phủ Toàn quyền", "Bờ Hồ", "chùa Trấn Quốc",
    "phố Hàng Gai", "Quốc Tử Giám", "đường tàu điện Bờ Hồ", "trường Bưởi", "Ngã Tư Sở",
)  # fmt: skip
POSTCARD_PUBLISHERS = (
    ("Collection P. Dieulefils", "Hanoï"),
    ("Imprimerie d'Extrême-Orient", "Hanoï"),
)
PHOTO_PUBLISHERS = (("Thông tấn xã Việt Nam", "Hà Nội"), ("Nxb. Văn hóa - Thông tin", "Hà Nội"))
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

# --- collections (their OAI sets are in `terms`) ----------------------------------------------

OLD_MAPS = "Bản đồ cổ Hà Nội"
REGISTERED_AUDIO = "Sách nói dành cho bạn đọc đăng ký"
RESTRICTED_ARCHIVE = "Hồ sơ lưu trữ hạn chế"
HAN_NOM = "Tư liệu Hán Nôm"
OLD_POSTCARDS = "Bưu ảnh Hà Nội xưa"
