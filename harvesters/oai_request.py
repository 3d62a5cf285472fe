"""One OAI-PMH request as the provider's verbs see it: the protocol errors, the check
of a verb's arguments (presence, repetition, syntax) and the context handed to each
verb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from harvesters.oai_repository import SECONDS, OaiRepository, PagedOaiRepository, xml_safe


class OaiError(Exception):
    """One or more protocol errors, each (code, message)."""

    def __init__(self, *errors: tuple[str, str]) -> None:
        super().__init__("; ".join(f"{c}: {m}" for c, m in errors))
        self.errors = list(errors)


def bad_argument(message: str) -> OaiError:
    return OaiError(("badArgument", message))


# verb -> (required args, optional args, accepts resumptionToken)
_VERBS: dict[str, tuple[set[str], set[str], bool]] = {
    "Identify": (set(), set(), False),
    "ListMetadataFormats": (set(), {"identifier"}, False),
    "ListSets": (set(), set(), True),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, True),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, True),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), False),
}
_SET_SPEC = re.compile(r"[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_SECONDS_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def multi(args: Mapping[str, Any]) -> dict[str, list[str]]:
    """Values as lists, so repeated arguments stay visible (werkzeug MultiDicts too)."""
    if hasattr(args, "getlist"):
        return {k: list(args.getlist(k)) for k in args}
    return {k: [v] if isinstance(v, str) else list(v) for k, v in args.items()}


def validate(args: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    """Check the verb and its arguments' presence, repetition and syntax."""
    verbs = args.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in _VERBS:
        what = "missing" if not verbs else "repeated" if len(verbs) > 1 else "illegal"
        raise OaiError(("badVerb", f"The verb argument is {what}."))
    verb = verbs[0]
    required, optional, resumable = _VERBS[verb]
    allowed = required | optional | ({"resumptionToken"} if resumable else set())
    params: dict[str, str] = {}
    for name, values in args.items():
        if name == "verb":
            continue
        if name not in allowed:
            raise bad_argument(f"Illegal argument for {verb}: {xml_safe(name)[:40]}")
        if len(values) != 1:
            raise bad_argument(f"Repeated argument: {name}")
        if not values[0] or xml_safe(values[0]) != values[0]:
            raise bad_argument(f"Empty or illegal value for {name}")
        params[name] = values[0]
    if "resumptionToken" in params:
        if len(params) > 1:
            raise bad_argument("resumptionToken is exclusive: no other argument may be given.")
    elif missing := sorted(required - params.keys()):
        raise bad_argument(f"Missing required argument(s): {', '.join(missing)}")
    if "set" in params and not _SET_SPEC.fullmatch(params["set"]):
        raise bad_argument("Illegal setSpec syntax.")
    return verb, params


def parse_bound(value: str | None, name: str, granularity: str):
    """(start instant, is-day-granularity) of a from/until value, or badArgument."""
    if value is None:
        return None
    if _DAY_RE.fullmatch(value):
        fmt, day = "%Y-%m-%d", True
    elif _SECONDS_RE.fullmatch(value):
        if granularity != SECONDS:
            raise bad_argument(
                f"{name} is finer than this repository's granularity ({granularity})."
            )
        fmt, day = "%Y-%m-%dT%H:%M:%SZ", False
    else:
        raise bad_argument(f"{name} is not a UTCdatetime.")
    try:
        return datetime.strptime(value, fmt).replace(tzinfo=UTC), day
    except ValueError as err:
        raise bad_argument(f"{name} is not a valid date.") from err


Repository = OaiRepository | PagedOaiRepository


@dataclass
class Context:
    """What every verb handler is given: the repository and this request's settings."""

    repo: Repository
    base_url: str
    now: datetime
    page_size: int
    key: bytes
