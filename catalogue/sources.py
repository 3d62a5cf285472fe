"""Harvest sources: the `Source` dataclass and its TOML form (`[[source]]` tables)."""

from __future__ import annotations

import json
import re
import string
import tomllib
from dataclasses import dataclass, fields
from pathlib import Path
from urllib.parse import SplitResult, quote, urlsplit

SOURCE_TYPES = ("oai", "marc")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")

# What a record URL template (`Source.opac_url`) may name: the record's id in its own
# library (Koha's biblionumber, 001) and, for a link to one copy, the copy's barcode.
OPAC_PLACEHOLDERS = ("local_id", "barcode")
OPAC_URL_MAX = 2000

# What a reader is told about the library itself (the browse page's library profile):
# the most characters each field may hold, checked where a source is made.
PROFILE_MAX = {"website": 2000, "address": 300, "hours": 500, "contact": 300}
# Control characters (a line break is kept: hours are often one line per day; a tab is a
# space) and the invisible direction controls that would flip the text around them.
_PROFILE_UNWANTED = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


class SourceError(ValueError):
    """A source definition that cannot be used, with the reason."""


class OpacUrlError(SourceError):
    """A record URL template that cannot be used; `problem` names what is wrong, so the
    console can say it in the librarian's language."""

    MESSAGES = {
        "too_long": f"is longer than {OPAC_URL_MAX} characters",
        "scheme": "must start with http:// or https:// and name a host",
        "space": "must not contain spaces or control characters",
        "syntax": "has an unmatched { or }, or a placeholder with a format",
        "unknown": "uses an unknown placeholder",
        "host": "may use placeholders only after the host name (in the path or query)",
        "missing": "must contain {local_id} (or {barcode})",
    }

    def __init__(self, problem: str, placeholder: str = "") -> None:
        self.problem, self.placeholder = problem, placeholder
        detail = f" {{{placeholder}}}" if placeholder else ""
        known = ", ".join(f"{{{name}}}" for name in OPAC_PLACEHOLDERS)
        super().__init__(
            f"the record URL template {self.MESSAGES[problem]}{detail} (placeholders: {known})"
        )


def check_opac_url(template: str) -> None:
    """Refuse a record URL template that could not make a working, safe link."""
    _check_length_and_characters(template, OPAC_URL_MAX, OpacUrlError)
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        raise OpacUrlError("syntax") from None
    names = []
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in OPAC_PLACEHOLDERS:
            raise OpacUrlError("unknown" if name else "syntax", name)
        if spec or conversion:
            raise OpacUrlError("syntax")
        names.append(name)
    split = _web_address(template, OpacUrlError)
    if "{" in split.netloc or "}" in split.netloc:
        raise OpacUrlError("host")
    if not names:
        raise OpacUrlError("missing")


class WebsiteError(SourceError):
    """A library website address that cannot be a safe link; `problem` names what is wrong."""

    MESSAGES = {
        "too_long": f"is longer than {PROFILE_MAX['website']} characters",
        "scheme": "must start with http:// or https:// and name a host",
        "space": "must not contain spaces or control characters",
    }

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"the website {self.MESSAGES[problem]}")


def check_website(url: str) -> None:
    """Refuse a website address a reader's click could not safely follow (javascript:,
    data:, a bare host name, a line break hidden inside)."""
    _check_length_and_characters(url, PROFILE_MAX["website"], WebsiteError)
    _web_address(url, WebsiteError)


def _check_length_and_characters(url: str, limit: int, error: type[SourceError]) -> None:
    """A link's first two checks, shared by record URL templates and websites: its
    length, then no space, line break or control character (C0, DEL or C1) anywhere."""
    if len(url) > limit:
        raise error("too_long")
    if any(ch.isspace() or ord(ch) < 32 or 127 <= ord(ch) < 160 for ch in url):
        raise error("space")


def _web_address(url: str, error: type[SourceError]) -> SplitResult:
    """The link split into parts, refused unless it is http(s) and names a host."""
    try:
        split = urlsplit(url)
        host = split.hostname
    except ValueError:  # such as an unclosed [ of an IPv6 host
        raise error("scheme") from None
    if split.scheme.lower() not in ("http", "https") or not host:
        raise error("scheme")
    return split


def clean_profile_text(value: str) -> str:
    """Free text about a library as it should be kept: control and direction characters
    dropped, line breaks made plain, each line trimmed, blank lines left out."""
    plain = value.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    lines = _PROFILE_UNWANTED.sub("", plain)
    return "\n".join(line.strip() for line in lines.split("\n") if line.strip())


def fill_opac_url(template: str, local_id: str, barcode: str = "") -> str:
    """The link a template makes for one record (and copy); "" when the template needs a
    value the record or copy lacks. Values are percent-encoded, so an id with spaces,
    '&' or '/' stays one value and cannot add parameters or path segments."""
    if not template or not local_id:
        return ""
    if "{barcode}" in template and not barcode:
        return ""
    return template.format(local_id=quote(local_id, safe=""), barcode=quote(barcode, safe=""))


@dataclass
class Source:
    key: str
    name: str
    type: str
    url: str
    metadata_prefix: str = ""
    set: str = ""
    schedule: str = ""
    enabled: bool = True
    # The record's page in the library's own catalogue (OPAC), where a reader can place a
    # hold, e.g. https://opac.example.vn/cgi-bin/koha/opac-detail.pl?biblionumber={local_id}.
    opac_url: str = ""
    # The library as a reader visits it (the browse page shows these): its website,
    # street address, opening hours and contact (phone, email), all free text but the
    # website; "" for none.
    website: str = ""
    address: str = ""
    hours: str = ""
    contact: str = ""

    def __post_init__(self) -> None:
        if not KEY_PATTERN.match(self.key):
            raise SourceError(
                f"source key {self.key!r} must be lowercase letters, digits, '-' or '_'"
            )
        if self.type not in SOURCE_TYPES:
            raise SourceError(f"source {self.key}: type must be one of {SOURCE_TYPES}")
        if not self.url:
            raise SourceError(f"source {self.key}: url is required")
        if self.type == "oai" and not self.metadata_prefix:
            self.metadata_prefix = "oai_dc"
        if self.schedule:
            _check_cron(self.key, self.schedule)
        if self.opac_url:
            try:
                check_opac_url(self.opac_url)
            except OpacUrlError as exc:
                exc.args = (f"source {self.key}: {exc}",)
                raise
        self._check_profile()

    def _check_profile(self) -> None:
        self.website = self.website.strip()
        if self.website:
            try:
                check_website(self.website)
            except WebsiteError as exc:
                exc.args = (f"source {self.key}: {exc}",)
                raise
        for name in ("address", "hours", "contact"):
            value = clean_profile_text(getattr(self, name))
            if len(value) > PROFILE_MAX[name]:
                raise SourceError(
                    f"source {self.key}: {name} is longer than {PROFILE_MAX[name]} characters"
                )
            setattr(self, name, value)

    @property
    def has_profile(self) -> bool:
        """Whether anything is known about the library beyond its name."""
        return any((self.website, self.address, self.hours, self.contact))

    def record_url(self, local_id: str, barcode: str = "") -> str:
        """This source's OPAC page for a record (or one copy of it); "" without a template."""
        return fill_opac_url(self.opac_url, local_id, barcode)


def _check_cron(key: str, schedule: str) -> None:
    from croniter import croniter

    if not croniter.is_valid(schedule):
        raise SourceError(f"source {key}: schedule {schedule!r} is not valid cron syntax")


def load_sources_toml(path: Path) -> list[Source]:
    """Read a sources file; every error names the source and the problem."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from exc
    known = {f.name for f in fields(Source)}
    sources = []
    for i, table in enumerate(data.get("source", []), start=1):
        unknown = set(table) - known
        if unknown:
            raise SourceError(f"{path}: source #{i} has unknown keys: {', '.join(sorted(unknown))}")
        missing = {"key", "name", "type", "url"} - set(table)
        if missing:
            raise SourceError(f"{path}: source #{i} lacks {', '.join(sorted(missing))}")
        sources.append(Source(**table))
    keys = [s.key for s in sources]
    if len(set(keys)) != len(keys):
        raise SourceError(f"{path}: a source key is used twice")
    return sources


def dump_sources_toml(sources: list[Source]) -> str:
    """The TOML text for sources, readable by `load_sources_toml`."""
    out = []
    for source in sources:
        out.append("[[source]]")
        for f in fields(Source):
            value = getattr(source, f.name)
            if value in ("", None) or (f.name == "enabled" and value):
                continue
            # JSON strings are valid TOML basic strings; ensure_ascii keeps Vietnamese readable.
            text = (
                json.dumps(value, ensure_ascii=False)
                if isinstance(value, str)
                else str(value).lower()
            )
            out.append(f"{f.name} = {text}")
        out.append("")
    return "\n".join(out)
