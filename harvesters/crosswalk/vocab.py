"""Vocabularies both crosswalks share: languages, file kinds, rights URIs.

Each is a plain table a librarian can extend without reading the code around it.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

# ISO 639-2/B is the target (what MARC uses): vie, eng, fre, chi, ger…
# Left: what catalogues actually contain — ISO 639-1, 639-2/T, bad local codes, names.
LANGUAGE_ALIASES: dict[str, str] = {
    # Vietnamese
    "vi": "vie",
    "vn": "vie",
    "vie": "vie",
    "viet": "vie",
    "tieng viet": "vie",
    "vietnamese": "vie",
    "viet nam": "vie",
    "vietnamien": "vie",
    # English
    "en": "eng",
    "eng": "eng",
    "english": "eng",
    "tieng anh": "eng",
    "anglais": "eng",
    # French
    "fr": "fre",
    "fra": "fre",
    "fre": "fre",
    "french": "fre",
    "francais": "fre",
    "tieng phap": "fre",
    # Chinese (incl. Hán / Nôm script notes as typed by Vietnamese libraries)
    "zh": "chi",
    "zho": "chi",
    "chi": "chi",
    "chinese": "chi",
    "tieng trung": "chi",
    "tieng hoa": "chi",
    "chu han": "chi",
    # Others seen in Hanoi collections
    "ru": "rus",
    "rus": "rus",
    "russian": "rus",
    "tieng nga": "rus",
    "de": "ger",
    "deu": "ger",
    "ger": "ger",
    "german": "ger",
    "tieng duc": "ger",
    "ja": "jpn",
    "jpn": "jpn",
    "japanese": "jpn",
    "tieng nhat": "jpn",
    "ko": "kor",
    "kor": "kor",
    "korean": "kor",
    "tieng han": "kor",
    "lo": "lao",
    "lao": "lao",
    "km": "khm",
    "khm": "khm",
    "th": "tha",
    "tha": "tha",
    "es": "spa",
    "spa": "spa",
    "it": "ita",
    "ita": "ita",
    "la": "lat",
    "lat": "lat",
    "nom": "vie",  # chữ Nôm writes Vietnamese; MARC has no separate code
}

# Codes that say nothing about the language: dropped rather than shown as a facet.
NO_LANGUAGE = frozenset({"", "und", "|||", "xxx", "   ", "n/a"})

# File extension → (object kind, mime type). Kinds are catalogue.record.OBJECT_KINDS.
FILE_KINDS: dict[str, tuple[str, str]] = {
    "jpg": ("image", "image/jpeg"),
    "jpeg": ("image", "image/jpeg"),
    "png": ("image", "image/png"),
    "tif": ("image", "image/tiff"),
    "tiff": ("image", "image/tiff"),
    "jp2": ("image", "image/jp2"),
    "gif": ("image", "image/gif"),
    "webp": ("image", "image/webp"),
    "mp3": ("audio", "audio/mpeg"),
    "ogg": ("audio", "audio/ogg"),
    "oga": ("audio", "audio/ogg"),
    "opus": ("audio", "audio/ogg"),
    "m4a": ("audio", "audio/mp4"),
    "m4b": ("audio", "audio/mp4"),
    "wav": ("audio", "audio/wav"),
    "flac": ("audio", "audio/flac"),
    "pdf": ("pdf", "application/pdf"),
    "txt": ("text", "text/plain"),
    "html": ("text", "text/html"),
    "htm": ("text", "text/html"),
    "xml": ("text", "application/xml"),
    "epub": ("text", "application/epub+zip"),
}

# Mime type prefix → object kind, when a feed names the type but the URL has no extension.
MIME_KINDS: tuple[tuple[str, str], ...] = (
    ("image/", "image"),
    ("audio/", "audio"),
    ("application/pdf", "pdf"),
)

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Lowercase, diacritics removed (đ → d): for matching vocabulary, never for storing."""
    decomposed = unicodedata.normalize("NFD", text.translate(_FOLD_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", stripped).strip().casefold()


def language_code(value: str) -> str | None:
    """ISO 639-2/B for a code or a language name in Vietnamese, English or French."""
    key = fold(value).strip(" .;,")
    key = re.split(r"[-_]", key)[0] if re.fullmatch(r"[a-z]{2,3}[-_][a-z]{2,4}", key) else key
    if key in NO_LANGUAGE:
        return None
    if key in LANGUAGE_ALIASES:
        return LANGUAGE_ALIASES[key]
    return key if re.fullmatch(r"[a-z]{3}", key) else None


def split_language_codes(value: str) -> list[str]:
    """ "vieeng" (an old packed 041 $a) → ["vie", "eng"]; "vi; en" → ["vi", "en"]."""
    value = value.strip()
    if fold(value) in LANGUAGE_ALIASES:  # "French", "korean": names, not packed codes
        return [value]
    if re.fullmatch(r"[a-zA-Z]{6,}", value) and len(value) % 3 == 0:
        return [value[i : i + 3] for i in range(0, len(value), 3)]
    parts = re.split(r"\s*[;,/]\s*", value)
    return [p for p in parts if p]


def object_kind(location: str, mime_hint: str = "") -> tuple[str, str]:
    """(kind, mime type) of a file from its mime type if given, else its extension.

    Unknown files are "text": the reading surfaces show them as a link, nothing worse.
    """
    hint = mime_hint.strip().lower()
    if "/" in hint:
        for prefix, kind in MIME_KINDS:
            if hint.startswith(prefix):
                return kind, hint
        return "text", hint
    if hint.lstrip(".") in FILE_KINDS:  # "$q JPEG" instead of a mime type
        return FILE_KINDS[hint.lstrip(".")]
    return FILE_KINDS.get(file_extension(location), ("text", ""))


def file_extension(location: str) -> str:
    """Lowercase extension of a URL's or path's last segment, '' when it has none."""
    path = urlsplit(location.strip()).path if "://" in location else location.strip()
    name = path.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def has_file_extension(location: str) -> bool:
    """True when the URL names a file type we know (so it is a file, not a web page)."""
    return file_extension(location) in FILE_KINDS


# Where a rights statement may come from, and the one spelling we store for each.
_RIGHTS_URI = re.compile(
    r"https?://(?:www\.)?(rightsstatements\.org|creativecommons\.org)/[^\s<>\"')\]]*",
    re.IGNORECASE,
)


def rights_uri(text: str) -> str | None:
    """The canonical rightsstatements.org or Creative Commons URI mentioned in `text`.

    Licence rules compare URIs as strings, so "https://rightsstatements.org/page/InC/1.0/?
    language=vi" and "http://rightsstatements.org/vocab/InC/1.0/" must become one value:
    rightsstatements.org → its http://…/vocab/ form; Creative Commons → https://, no
    "deed.vi"/"legalcode" suffix. Both end with "/".
    """
    match = _RIGHTS_URI.search(text or "")
    if not match:
        return None
    host = match.group(1).lower()
    path = urlsplit(match.group()).path.rstrip(".,;")
    parts = [p for p in path.split("/") if p]
    if host == "rightsstatements.org":
        if parts and parts[0] in ("page", "vocab", "data"):
            parts[0] = "vocab"
        parts = parts[:3]
        return "http://rightsstatements.org/" + "/".join(parts) + "/"
    if parts and (parts[-1].startswith("deed") or parts[-1].startswith("legalcode")):
        parts = parts[:-1]
    return "https://creativecommons.org/" + "/".join(parts) + "/"


def looks_like_url(value: str) -> bool:
    """http(s) URLs only: other schemes (urn:, info:) are identifiers, not locations."""
    return bool(re.match(r"https?://\S+$", value.strip(), re.IGNORECASE))
