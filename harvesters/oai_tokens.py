"""Resumption tokens: self-contained and signed, so any process holding the same secret
can continue any list, and a token altered or made for another verb is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from harvesters.oai_request import OaiError


def encode_token(key: bytes, state: dict[str, Any]) -> str:
    payload = json.dumps(state, separators=(",", ":"), sort_keys=True).encode("utf-8")
    mac = hmac.new(key, payload, hashlib.sha256).digest()[:12]
    return f"{_b64(payload)}.{_b64(mac)}"


def decode_token(key: bytes, verb: str, token: str, *, paged: bool = False) -> dict[str, Any]:
    """The state a token carries, if we signed it for this verb; else badResumptionToken."""
    bad = OaiError(("badResumptionToken", "The resumptionToken is invalid or has expired."))
    try:
        payload_part, mac_part = token.split(".")
        payload, mac = _unb64(payload_part), _unb64(mac_part)
        expected = hmac.new(key, payload, hashlib.sha256).digest()[:12]
        state = json.loads(payload) if hmac.compare_digest(mac, expected) else None
    except (ValueError, UnicodeError):
        raise bad from None
    if paged:
        needed, counter = {"m", "f", "u", "s", "p", "n"}, "n"
    else:
        needed = {"o"} if verb == "ListSets" else {"o", "m", "f", "u", "s", "c", "k"}
        counter = "o"
    if not isinstance(state, dict) or state.get("v") != verb or not needed <= state.keys():
        raise bad
    if not isinstance(state[counter], int) or state[counter] < 0:
        raise bad
    if paged and not isinstance(state["p"], str):
        raise bad
    return state


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
