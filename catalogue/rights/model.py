"""The access policy's vocabulary: who asks (`Actor`), what rules say (`LicenceRule`),
and what the policy answers (`AccessDecision`).

Everything here is a frozen dataclass validated on construction, so a rule that
exists is a rule that can be evaluated: a bad level, CIDR or year fails with a
`RuleError` naming the field, when the librarian saves it, not when a reader asks.
Rules travel as plain dicts (`to_dict`/`from_dict`): that is what the store's JSON
columns, the presets file and the console exchange.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from catalogue.record import FORMATS, normalise_text

# The same values, in the same order, as indexer.protocol.VISIBILITY_LEVELS (the
# catalogue may not import from the indexer; a test keeps the two equal).
LEVELS = ("public", "registered", "onsite", "staff", "hidden")
ROLES = ("anonymous", "reader", "librarian", "admin")
STAFF_ROLES = frozenset({"librarian", "admin"})
ACTIONS = ("see_record", "view_content", "download", "view_preview")

MAX_PREVIEW_PX = 10_000
MIN_YEAR, MAX_YEAR = -3000, 3000  # negative: years BCE

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class RuleError(ValueError):
    """A licence rule (or one of its parts) that cannot be used; `field` says where."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.message = message


# -- helpers -----------------------------------------------------------------------


def _strings(value: Any, field_name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise RuleError(field_name, f"must be a list of text values, not {value!r}")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not normalise_text(item):
            raise RuleError(field_name, f"{item!r} is not a non-empty text value")
        text = normalise_text(item)
        if text not in out:
            out.append(text)
    return tuple(out)


def _check_int(value: Any, field_name: str, low: int, high: int, what: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise RuleError(field_name, f"{value!r} is not a whole {what}")
    if not low <= value <= high:
        raise RuleError(field_name, f"{value} is out of range ({low}–{high})")


# -- who asks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is asking: a role, an account name, the client address and the moment.

    `now=None` means "the current time" (the server's local time zone, which should be
    the library's: embargo dates and the copyright year are read in it).
    """

    role: str = "anonymous"
    username: str = ""
    ip: str = ""
    now: datetime | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r} (expected one of {', '.join(ROLES)})")

    @classmethod
    def anonymous(cls, ip: str = "", now: datetime | None = None) -> Actor:
        return cls("anonymous", "", ip, now)

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_registered(self) -> bool:
        """Logged in with any account (staff included)."""
        return self.role != "anonymous"

    @property
    def address(self) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
        """The client address parsed, or None when absent or unreadable (never on site)."""
        return parse_address(self.ip)

    def moment(self) -> datetime:
        return self.now if self.now is not None else datetime.now().astimezone()


def parse_address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = (ip or "").strip()
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # "::ffff:10.0.0.5" behind a dual-stack proxy
    return address


def parse_networks(values: Iterable[str], field_name: str) -> tuple[Network, ...]:
    """CIDR strings (or single addresses) to networks; host bits set are tolerated."""
    networks = []
    for value in values:
        text = str(value).strip()
        try:
            networks.append(ipaddress.ip_network(text, strict=False))
        except ValueError:
            raise RuleError(
                field_name, f"{value!r} is not an IP range (CIDR such as 10.20.0.0/16)"
            ) from None
    return tuple(networks)


def in_networks(address: Any, networks: Iterable[Network]) -> bool:
    if address is None:
        return False
    return any(address.version == n.version and address in n for n in networks)


# -- rules -------------------------------------------------------------------------


@dataclass(frozen=True)
class Conditions:
    """What a rule matches. Every condition given must hold (AND); a list matches when
    any of its values does (OR); an empty list or None does not constrain.

    - `sources`, `collections`, `formats`: the record's source key, any of its
      collections (compared case- and normalisation-blind), its format.
    - `rights_statements`: URI prefixes of the record's rights statement, compared
      without scheme, "www." or query, and with rightsstatements.org's /page/ read as
      /vocab/: "http://rightsstatements.org/vocab/InC/" matches InC/1.0 but not InC-EDU.
    - `year_from` <= publication year < `year_before`; a record without a year fails.
    - `author_died_before_years` = N: every author and contributor has a known death
      year, at least N full calendar years ago (death year <= this year - N - 1).
      Vietnamese copyright lasts 50 years after death, to the end of that year.
      A record without creators, or with any creator whose death year is unknown,
      does not match: public domain is never assumed.
    - `embargo_active`: True matches records whose `embargo_until` is after today,
      False records with no embargo or one that has ended.
    - `ip_ranges`: the client's address is in one of these CIDR ranges (a reading room).
    - `onsite`: True matches clients on the library network (the policy's
      `onsite_networks`), False clients elsewhere.
    `ip_ranges` and `onsite` are the only conditions about the actor, not the record.
    """

    sources: tuple[str, ...] = ()
    collections: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    rights_statements: tuple[str, ...] = ()
    year_from: int | None = None
    year_before: int | None = None
    author_died_before_years: int | None = None
    embargo_active: bool | None = None
    ip_ranges: tuple[str, ...] = ()
    onsite: bool | None = None
    networks: tuple[Network, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("sources", "collections", "formats", "rights_statements", "ip_ranges"):
            object.__setattr__(self, name, _strings(getattr(self, name), f"conditions.{name}"))
        unknown = [f for f in self.formats if f not in FORMATS]
        if unknown:
            raise RuleError(
                "conditions.formats",
                f"unknown format {unknown[0]!r} (expected one of {', '.join(FORMATS)})",
            )
        for name in ("year_from", "year_before"):
            _check_int(getattr(self, name), f"conditions.{name}", MIN_YEAR, MAX_YEAR, "year")
        if (
            self.year_from is not None
            and self.year_before is not None
            and self.year_from >= self.year_before
        ):
            raise RuleError(
                "conditions.year_before",
                f"must be after year_from ({self.year_before} <= {self.year_from}): "
                "no year could match",
            )
        _check_int(
            self.author_died_before_years,
            "conditions.author_died_before_years",
            0,
            500,
            "number of years",
        )
        for name in ("embargo_active", "onsite"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, bool):
                raise RuleError(f"conditions.{name}", f"must be true or false, not {value!r}")
        networks = parse_networks(self.ip_ranges, "conditions.ip_ranges")
        object.__setattr__(self, "ip_ranges", tuple(str(n) for n in networks))
        object.__setattr__(self, "networks", networks)

    @property
    def about_actor(self) -> bool:
        """True when matching also depends on who asks (their address)."""
        return bool(self.ip_ranges) or self.onsite is not None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):
            if f.name == "networks":
                continue
            value = getattr(self, f.name)
            if value is None or value == ():
                continue
            out[f.name] = list(value) if isinstance(value, tuple) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Conditions:
        data = dict(data or {})
        names = {f.name for f in fields(cls) if f.init}
        unknown = sorted(set(data) - names)
        if unknown:
            raise RuleError(
                f"conditions.{unknown[0]}",
                f"unknown condition (expected one of {', '.join(sorted(names))})",
            )
        return cls(**data)


@dataclass(frozen=True)
class Outcomes:
    """The access level a matching rule sets for each action, and the preview size.

    `view_preview` None means "as `see_record`": whoever may see the record may see a
    preview no larger than `preview_max_px` on its longest side; 0 means no preview.
    Whatever an action's level, it is never allowed to someone who may not see the
    record itself.
    """

    see_record: str = "public"
    view_content: str = "staff"
    download: str = "staff"
    view_preview: str | None = None
    preview_max_px: int = 400

    def __post_init__(self) -> None:
        for name in ACTIONS:
            value = getattr(self, name)
            if name == "view_preview" and value is None:
                continue
            if value not in LEVELS:
                raise RuleError(
                    f"outcomes.{name}",
                    f"unknown level {value!r} (expected one of {', '.join(LEVELS)})",
                )
        _check_int(self.preview_max_px, "outcomes.preview_max_px", 0, MAX_PREVIEW_PX, "size")

    def level(self, action: str) -> str:
        if action == "view_preview":
            return self.view_preview or self.see_record
        return getattr(self, action)

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        if out["view_preview"] is None:
            del out["view_preview"]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Outcomes:
        """Missing keys take the safe defaults above (record public, content staff only)."""
        data = dict(data or {})
        names = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - names)
        if unknown:
            raise RuleError(
                f"outcomes.{unknown[0]}",
                f"unknown outcome (expected one of {', '.join(sorted(names))})",
            )
        return cls(**data)


# When no rule matches. Metadata is what a catalogue exists to publish, so the record
# is public; scans, audio and downloads of unknown status are what a wrong guess would
# leak, so they stay with staff until a rule says otherwise; a 400-pixel thumbnail is
# the usual catalogue illustration and is shown to whoever sees the record.
DEFAULT_OUTCOMES = Outcomes(
    see_record="public", view_content="staff", download="staff", preview_max_px=400
)
DEFAULT_RULE_NAME = "Default (no rule matched)"
DEFAULT_REASON = (
    "No licence rule matched this record: the description is public, the content and "
    "downloads are for staff only until a rule says otherwise, previews up to 400 px."
)


@dataclass(frozen=True)
class LicenceRule:
    """One row of the ordered rule list: first enabled rule whose conditions match wins."""

    name: str
    conditions: Conditions = field(default_factory=Conditions)
    outcomes: Outcomes = field(default_factory=Outcomes)
    reason: str = ""
    enabled: bool = True
    preset: str = ""
    id: int | None = None
    position: int | None = None
    updated_at: datetime | None = field(default=None, compare=False)
    updated_by: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        name = normalise_text(self.name) if isinstance(self.name, str) else ""
        if not name:
            raise RuleError("name", "a rule needs a name")
        if len(name) > 300:
            raise RuleError("name", "at most 300 characters")
        object.__setattr__(self, "name", name)
        if not isinstance(self.reason, str):
            raise RuleError("reason", "must be text")
        object.__setattr__(self, "reason", normalise_text(self.reason))
        if not isinstance(self.enabled, bool):
            raise RuleError("enabled", f"must be true or false, not {self.enabled!r}")
        if not isinstance(self.preset, str) or len(self.preset) > 100:
            raise RuleError("preset", "must be a key of at most 100 characters")
        if isinstance(self.conditions, Mapping):
            object.__setattr__(self, "conditions", Conditions.from_dict(self.conditions))
        if isinstance(self.outcomes, Mapping):
            object.__setattr__(self, "outcomes", Outcomes.from_dict(self.outcomes))
        if not isinstance(self.conditions, Conditions):
            raise RuleError("conditions", "must be a table of conditions")
        if not isinstance(self.outcomes, Outcomes):
            raise RuleError("outcomes", "must be a table of outcomes")

    def to_dict(self) -> dict[str, Any]:
        """The rule as JSON-ready data (the console's and the presets file's form)."""
        return {
            "id": self.id,
            "position": self.position,
            "name": self.name,
            "enabled": self.enabled,
            "conditions": self.conditions.to_dict(),
            "outcomes": self.outcomes.to_dict(),
            "reason": self.reason,
            "preset": self.preset,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LicenceRule:
        allowed = {"id", "position", "name", "enabled", "conditions", "outcomes", "reason"}
        allowed |= {"preset", "updated_at", "updated_by"}
        unknown = sorted(set(data) - allowed)
        if unknown:
            raise RuleError(unknown[0], "unknown key in a licence rule")
        return cls(
            name=data.get("name", ""),
            conditions=Conditions.from_dict(data.get("conditions")),
            outcomes=Outcomes.from_dict(data.get("outcomes")),
            reason=data.get("reason", ""),
            enabled=data.get("enabled", True),
            preset=data.get("preset", ""),
            id=data.get("id"),
            position=data.get("position"),
            updated_at=data.get("updated_at"),
            updated_by=data.get("updated_by", ""),
        )


# -- answers -----------------------------------------------------------------------


@dataclass(frozen=True)
class AccessDecision:
    """The policy's answer, always with the rule that decided and its reason.

    `rule_id` is None (and `rule_name` DEFAULT_RULE_NAME) when no rule matched.
    `preview_max_px` is the longest side a preview may have, for `view_preview`
    decisions; None means no limit (staff) or an action that is not a preview.
    """

    allowed: bool
    level: str
    action: str
    rule_id: int | None
    rule_name: str
    reason: str
    preview_max_px: int | None = None
    preset: str = ""

    @property
    def not_found(self) -> bool:
        """Refused `see_record` on a record kept from everyone but staff: the portal must
        answer as if it did not exist (404, never 403), so that it is not revealed."""
        return (
            self.action == "see_record" and not self.allowed and self.level in ("staff", "hidden")
        )

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True)
class RuleCheck:
    """One line of `explain`: did this rule match the record, and if not, why not."""

    rule_id: int | None
    position: int | None
    name: str
    enabled: bool
    matched: bool
    winner: bool
    failed: str = ""  # the condition that failed ("collections", …), or "enabled"
    detail: str = ""  # in words, for the librarian
