"""Languages: Vietnamese by default, English second, with flask-babel.

Message ids are English. Vietnamese translations live in several small catalogues,
`portal/translations/vi/<area>.po` (one per blueprint, so each area owns its file);
they are merged and compiled to one `messages.mo` in a cache folder keyed by their
content, because compiled catalogues are build output and are not committed.

Speed: a results page translates and formats about 150 strings and numbers. flask-babel
looks the locale and the catalogue up through Flask's context on every call and
babel re-reads the number pattern on every number, so templates here get gettext
callables bound to the catalogue once per render (`TRANSLATIONS` in the template
context) and `decimalformat` / `number_text` remember what they formatted per locale.
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations
from flask import Flask, g, has_request_context, redirect, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_babel import format_date as babel_format_date
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import format_decimal as babel_format_decimal
from jinja2 import pass_context
from jinja2.runtime import Context

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
SOURCES = Path(__file__).resolve().parent / "translations"
TRANSLATIONS = "_translations"  # template context: the catalogue of this render's locale
NUMBER_CACHE = 8192  # formatted numbers remembered (per locale and value)

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


def current_language() -> str:
    """The page's language tag ("vi" or "en"), worked out once per request: a results
    page asks it a hundred times or more (every value it shows may be marked lang)."""
    if not has_request_context():
        return str(get_locale() or DEFAULT_LANGUAGE)
    language = g.get("thuvien_language")
    if language is None:
        language = g.thuvien_language = str(get_locale() or DEFAULT_LANGUAGE)
    return language


def number_text(number: Any, language: str | None = None) -> str:
    """A number as the reader writes it: 12.345 in Vietnamese, 12,345 in English.

    Integers (counts, page numbers, years) are cached per language; anything else is
    formatted by babel each time.
    """
    if type(number) is int:
        return _integer_text(language or current_language(), number)
    return str(babel_format_decimal(number))


@lru_cache(maxsize=NUMBER_CACHE)
def _integer_text(language: str, number: int) -> str:
    return numbers.format_decimal(number, locale=language)


# One way to write dates across the portal: a date alone ("status checked", a day) as
# 5/4/2025, and a moment to the minute with its time zone, never seconds and never a
# two-digit year (walkthrough F26). The zone is the app's (BABEL_DEFAULT_TIMEZONE,
# Asia/Ho_Chi_Minh), named because a reader abroad would otherwise read it as theirs.
DATE_PATTERNS = {"vi": "d/M/y", "en": "d MMM y"}
DATETIME_PATTERNS = {"vi": "d/M/y, HH:mm zzzz", "en": "d MMM y, HH:mm zzzz"}


def date_text(value: Any) -> str:
    """A date (or the local day of a moment): 5/4/2025 in Vietnamese, 5 Apr 2025 in English."""
    if value is None or value == "":
        return ""
    pattern = DATE_PATTERNS.get(current_language(), DATE_PATTERNS[DEFAULT_LANGUAGE])
    return str(babel_format_date(value, pattern))


def datetime_text(value: Any) -> str:
    """A moment to the minute in the app's time zone: 5/4/2025, 04:49 GMT+07:00."""
    if value is None or value == "":
        return ""
    pattern = DATETIME_PATTERNS.get(current_language(), DATETIME_PATTERNS[DEFAULT_LANGUAGE])
    return str(babel_format_datetime(value, pattern))


def _datetime_filter(value: Any, format: str | None = None) -> str:  # noqa: A002, ARG001
    """`datetimeformat` in any of its widths ("short", "medium"…) is the one format."""
    return datetime_text(value)


def _date_filter(value: Any, format: str | None = None) -> str:  # noqa: A002, ARG001
    """`dateformat` in any width is the one date format."""
    return date_text(value)


def _decimal_filter(number: Any, format: str | None = None) -> str:  # noqa: A002 — babel's name
    """`decimalformat`, as flask-babel's, with integers cached."""
    if format is None and type(number) is int:
        return number_text(number)
    return str(babel_format_decimal(number, format=format))


def _render_translations(context: Context) -> NullTranslations:
    found = context.get(TRANSLATIONS)
    return found if found is not None else get_translations()


@pass_context
def _template_gettext(context: Context, string: str) -> str:
    return _render_translations(context).ugettext(string)


@pass_context
def _template_ngettext(context: Context, singular: str, plural: str, n: int) -> str:
    return _render_translations(context).ungettext(singular, plural, n)


@pass_context
def _template_pgettext(context: Context, ctx: str, string: str) -> str:
    return _render_translations(context).upgettext(ctx, string)


@pass_context
def _template_npgettext(context: Context, ctx: str, singular: str, plural: str, n: int) -> str:
    return _render_translations(context).unpgettext(ctx, singular, plural, n)


# A form's hidden field: the language of the page the form was on (account forms).
FORM_LANGUAGE = "ui_lang"


def select_locale() -> str:
    """The reader's choice kept in the session; Vietnamese until they choose. A form
    posted without it (the cookies cleared, a session expired) answers in the language
    of the page it came from."""
    chosen = session.get("lang")
    if chosen is None and request.method == "POST":
        chosen = request.form.get(FORM_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def init_i18n(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LANGUAGE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")  # dates as Hanoi reads them
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled_dir())
    Babel(app, locale_selector=select_locale)
    # Same callables and filter flask-babel installs, minus the per-call lookups.
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        newstyle=True,
        pgettext=_template_pgettext,
        npgettext=_template_npgettext,
    )
    app.jinja_env.filters["decimalformat"] = _decimal_filter
    app.jinja_env.filters["datetimeformat"] = _datetime_filter
    app.jinja_env.filters["dateformat"] = _date_filter

    @app.before_request
    def _keep_form_language():  # noqa: ANN202 — Flask hook
        """A form posted from a page in a language the session no longer knows keeps
        that language for the reader (an expired form sent again, then logging in)."""
        if request.method == "POST" and "lang" not in session:
            language = request.form.get(FORM_LANGUAGE)
            if language in LANGUAGES:
                session["lang"] = language

    @app.before_request
    def _switch_language():  # noqa: ANN202 — Flask hook
        """`?lang=en` on any page switches language and comes back to the same page.
        Not on /oai: OAI-PMH owns that query string (a harvester's `lang` is a
        badArgument); portal/oai.py switches a browser's language itself."""
        wanted = request.args.get("lang")
        if wanted is None or request.method != "GET" or request.endpoint == "oai.endpoint":
            return None
        if wanted in LANGUAGES:
            session["lang"] = wanted
        args = request.args.copy()
        args.pop("lang")
        query = args.to_dict(flat=False)
        target = request.path + (f"?{urlencode(query, doseq=True)}" if query else "")
        return redirect(target, code=303)

    # Catalogue text on any page: `{{ value|data }}` is a <span lang="vi"> when it is
    # Vietnamese on a page that is not (WCAG 3.1.2), `data_lang(text)` the attribute's value.
    from portal.record_text import data_lang, data_span  # it imports this module

    app.add_template_filter(data_span, "data")
    app.add_template_global(data_lang, "data_lang")

    @app.context_processor
    def _language_context() -> dict:
        return {
            "current_language": current_language(),
            "languages": LANGUAGES,
            "language_tag": language_tag,
            TRANSLATIONS: get_translations(),
        }
