"""Languages: Vietnamese by default, English second, with flask-babel.

Message ids are English. Vietnamese translations live in several small catalogues,
`portal/translations/vi/<area>.po` (one per blueprint, so each area owns its file);
they are merged and compiled to one `messages.mo` in a cache folder keyed by their
content, because compiled catalogues are build output and are not committed.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, redirect, request, session
from flask_babel import Babel, get_locale

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
SOURCES = Path(__file__).resolve().parent / "translations"

# ISO 639-2 (what records carry) to BCP 47 (what the `lang` attribute wants).
_BCP47 = {
    "vie": "vi",
    "eng": "en",
    "fre": "fr",
    "fra": "fr",
    "chi": "zh",
    "zho": "zh",
    "rus": "ru",
    "ger": "de",
    "deu": "de",
    "jpn": "ja",
    "kor": "ko",
    "lao": "lo",
    "khm": "km",
    "tha": "th",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "lat": "la",
}


def language_tag(codes: list[str] | str | None) -> str:
    """The BCP 47 tag for a record's first language ('' when unknown)."""
    code = codes[0] if isinstance(codes, list) and codes else codes
    if not code or not isinstance(code, str):
        return ""
    return _BCP47.get(code.lower(), "")


def compiled_dir(sources: Path = SOURCES) -> Path:
    """Merge each language's .po files into one compiled catalogue; return its folder.

    The folder name carries a hash of the sources, so an edited .po compiles again
    and an unchanged one costs a stat per file.
    """
    files = sorted(sources.glob("*/*.po"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(sources)).encode())
        digest.update(path.read_bytes())
    target = Path(tempfile.gettempdir()) / f"thuvien-i18n-{digest.hexdigest()[:16]}"
    if not (target / "done").exists():
        for lang in sorted({p.parent.name for p in files}):
            merged = merge_catalogues(sorted((sources / lang).glob("*.po")), lang)
            out = target / lang / "LC_MESSAGES"
            out.mkdir(parents=True, exist_ok=True)
            with open(out / "messages.mo", "wb") as fh:
                write_mo(fh, merged)
        target.mkdir(parents=True, exist_ok=True)
        (target / "done").touch()
    return target


def merge_catalogues(paths: list[Path], lang: str) -> Catalog:
    """One catalogue from several; a message defined twice must agree."""
    merged = Catalog(locale=lang)
    for path in paths:
        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=lang)
        for message in catalog:
            if not message.id:
                continue
            known = merged.get(message.id, message.context)
            if known is not None and known.string != message.string:
                raise ValueError(
                    f"{path.name}: {message.id!r} is translated differently in another file"
                )
            merged[message.id] = message
    return merged


def select_locale() -> str:
    """The reader's choice kept in the session; Vietnamese until they choose."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")  # dates as Hanoi reads them
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_dir())
    Babel(app, locale_selector=select_locale)

    @app.before_request
    def _switch_language():  # noqa: ANN202 — Flask hook
        """`?lang=en` on any page switches language and comes back to the same page."""
        wanted = request.args.get("lang")
        if wanted is None or request.method != "GET":
            return None
        if wanted in LANGUAGES:
            session["lang"] = wanted
        args = request.args.copy()
        args.pop("lang")
        query = args.to_dict(flat=False)
        target = request.path + (f"?{urlencode(query, doseq=True)}" if query else "")
        return redirect(target, code=303)

    @app.context_processor
    def _language_context() -> dict:
        return {
            "current_language": str(get_locale() or DEFAULT_LANGUAGE),
            "languages": LANGUAGES,
            "language_tag": language_tag,
        }
