"""Cataloguing terms the demo records carry: rights statements (rightsstatements.org and
Creative Commons URIs, with the 540 text of each), the OAI sets of the collections and of
each format (with its Dublin Core types), access notes (MARC 506) and the forms Dublin
Core records write languages in.

Plain tables like `vocab`, whose collection names the sets are keyed by.
"""

from __future__ import annotations

from harvesters.demo.vocab import (
    HAN_NOM,
    OLD_MAPS,
    OLD_POSTCARDS,
    REGISTERED_AUDIO,
    RESTRICTED_ARCHIVE,
)

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
# The statements a work out of copyright gets, and the less common ones for a work in
# copyright; the order matters (the generator draws them by position).
OUT_OF_COPYRIGHT = (PUBLIC_DOMAIN_MARK, NO_COPYRIGHT_OTHER, NO_COPYRIGHT_US)
OTHER_RIGHTS = (CC_BY_NC_SA, UNDETERMINED, IN_COPYRIGHT_UNKNOWN_HOLDER)
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
