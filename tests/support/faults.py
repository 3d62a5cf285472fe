"""A WSGI middleware that makes a real OAI-PMH endpoint misbehave on cue.

Harvesters meet overloaded servers, broken pages and hostile XML in the wild; this
lets a test script those per request and read back what the harvester asked for:

    faults = Faults(make_wsgi_app(repo))
    faults.on_request(1, "503", times=2, retry_after=1)
    faults.when(lambda env: "resumptionToken" in args_of(env), "oai_error")
    with serve_wsgi(faults) as url: ...
    assert [r.fault for r in faults.log] == ["503", "503", None, "oai_error"]

Kinds: "503", "500", "hang", "redirect_loop", "truncate", "bad_utf8", "oai_error",
"xxe_file", "xxe_http", "body". Requests under /_faults/ (the redirect loop, the
XXE canary) are not numbered; canary fetches land in `canary_hits`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
LOOP = "/_faults/loop"
CANARY = "/_faults/canary"
# Where injected text goes: inside the first title, MARC subfield $a or name seen.
_ANCHORS = (b"<dc:title>", b'<subfield code="a">', b"<repositoryName>", b"<setName>")


@dataclass
class Fault:
    kind: str
    retry_after: int | None = None  # "503": the Retry-After header, if any
    seconds: float = 3.0  # "hang": how long before answering normally
    code: str = "badResumptionToken"  # "oai_error": the OAI error code
    body: bytes = b""  # "body": the exact bytes to send

    def __post_init__(self) -> None:
        if self.kind not in _APPLY:
            raise ValueError(f"unknown fault kind {self.kind!r}; known: {sorted(_APPLY)}")


@dataclass
class LoggedRequest:
    number: int
    method: str
    path: str
    args: dict[str, str]
    fault: str | None


@dataclass
class _Rule:
    matches: Callable[[int, Environ], bool]
    fault: Fault
    remaining: int | None  # None: forever


def args_of(environ: Environ) -> dict[str, str]:
    """The request's OAI arguments (query string, or form body for POST)."""
    return environ.get("faults.args", {})


class Faults:
    """Wrap `app`; numbered requests (from 1) get the first matching scripted fault."""

    def __init__(self, app: Callable[[Environ, StartResponse], Iterable[bytes]]) -> None:
        self.app = app
        self.log: list[LoggedRequest] = []
        self.canary_hits: list[str] = []
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._released = threading.Event()

    def on_request(self, number: int, kind: str, *, times: int = 1, **options: Any) -> None:
        """Fault requests number .. number + times - 1."""
        fault = Fault(kind, **options)
        with self._lock:
            self._rules.append(_Rule(lambda n, _e: number <= n < number + times, fault, None))

    def when(
        self,
        predicate: Callable[[Environ], bool],
        kind: str,
        *,
        times: int | None = 1,
        **options: Any,
    ) -> None:
        """Fault the next `times` requests (None: all) for which predicate(environ) holds."""
        fault = Fault(kind, **options)
        with self._lock:
            self._rules.append(_Rule(lambda _n, env: predicate(env), fault, times))

    def release(self) -> None:
        """Let hanging handlers finish now (call at teardown)."""
        self._released.set()

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith(LOOP):
            target = LOOP + ("/b" if path.endswith("/a") else "/a")
            return _redirect(environ, start_response, target)
        if path.startswith(CANARY):
            with self._lock:
                self.canary_hits.append(path)
            return _send(start_response, "200 OK", b'<!ENTITY canary "fetched">', "text/plain")
        environ["faults.args"] = _read_args(environ)
        fault = self._record(environ, path)
        if fault is None:
            return self.app(environ, start_response)
        return _APPLY[fault.kind](self, fault, environ, start_response)

    def _record(self, environ: Environ, path: str) -> Fault | None:
        with self._lock:
            number = len(self.log) + 1
            fault = None
            for rule in self._rules:
                if rule.remaining != 0 and rule.matches(number, environ):
                    if rule.remaining is not None:
                        rule.remaining -= 1
                    fault = rule.fault
                    break
            method = environ.get("REQUEST_METHOD", "GET")
            kind = fault.kind if fault else None
            self.log.append(LoggedRequest(number, method, path, args_of(environ), kind))
            return fault

    def _call_app(self, environ: Environ) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: list[Any] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> None:
            captured[:] = [status, headers]

        chunks = self.app(environ, start)
        try:
            body = b"".join(chunks)
        finally:
            getattr(chunks, "close", lambda: None)()
        return captured[0], captured[1], body


def _read_args(environ: Environ) -> dict[str, str]:
    """Parse the arguments, leaving a fresh body stream for the wrapped app."""
    text = environ.get("QUERY_STRING", "").encode("latin-1")
    if environ.get("REQUEST_METHOD") == "POST":
        text = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(text)
    pairs = parse_qsl(text.decode("utf-8", "replace"), keep_blank_values=True)
    return dict(pairs)


def _send(start_response: StartResponse, status: str, body: bytes, ctype: str, extra=()):
    headers = [("Content-Type", ctype), ("Content-Length", str(len(body))), *extra]
    start_response(status, headers)
    return [body]


def _redirect(environ: Environ, start_response: StartResponse, path: str) -> list[bytes]:
    query = environ.get("QUERY_STRING", "")
    location = f"{_host(environ)}{path}" + (f"?{query}" if query else "")
    return _send(start_response, "302 Found", b"", "text/plain", [("Location", location)])


def _host(environ: Environ) -> str:
    return f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"


def _status(code: str) -> Callable[..., list[bytes]]:
    def apply(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
        extra = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        reason = {"503": "Service Unavailable", "500": "Internal Server Error"}[code]
        return _send(start, f"{code} {reason}", f"{reason}\n".encode(), "text/plain", extra)

    return apply


def _hang(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
    faults._released.wait(fault.seconds)
    return faults.app(environ, start)


def _redirect_loop(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
    return _redirect(environ, start, LOOP + "/a")


def _rewrite(change: Callable[[bytes, Environ], bytes]) -> Callable[..., list[bytes]]:
    """A fault that alters the real page's bytes but keeps its status and content type."""

    def apply(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
        status, headers, body = faults._call_app(environ)
        ctype = dict((k.lower(), v) for k, v in headers).get("content-type", "text/xml")
        return _send(start, status, change(body, environ), ctype)

    return apply


def _inject(body: bytes, text: bytes) -> bytes:
    """Put `text` inside the first anchor element found, else before </request>."""
    for anchor in _ANCHORS:
        at = body.find(anchor)
        if at >= 0:
            at += len(anchor)
            return body[:at] + text + body[at:]
    at = body.find(b"</request>")
    return body[:at] + text + body[at:]


def _with_doctype(body: bytes, doctype: bytes) -> bytes:
    """Insert a DOCTYPE after the XML declaration and use its entity in the page."""
    body = _inject(body, b"&xxe;")
    end = body.find(b"?>") + 2 if body.startswith(b"<?xml") else 0
    return body[:end] + b"\n" + doctype + body[end:]


def _xxe_http(body: bytes, environ: Environ) -> bytes:
    canary = f"{_host(environ)}{CANARY}".encode()
    doctype = (
        b'<!DOCTYPE OAI-PMH SYSTEM "' + canary + b'/dtd" [\n'
        b'  <!ENTITY % remote SYSTEM "' + canary + b'/parameter"> %remote;\n'
        b'  <!ENTITY xxe SYSTEM "' + canary + b'/entity">\n]>\n'
    )
    return _with_doctype(body, doctype)


_XXE_FILE = b'<!DOCTYPE OAI-PMH [\n  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'

_ERROR_PAGE = """<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ \
http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2000-01-01T00:00:00Z</responseDate>
<request>{url}</request>
<error code="{code}">Injected by tests.support.faults</error>
</OAI-PMH>
"""


def _oai_error(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
    page = _ERROR_PAGE.format(
        url=f"{_host(environ)}{environ.get('PATH_INFO', '')}", code=fault.code
    )
    return _send(start, "200 OK", page.encode("utf-8"), "text/xml; charset=utf-8")


def _body(faults: Faults, fault: Fault, environ: Environ, start: StartResponse):
    return _send(start, "200 OK", fault.body, "text/xml; charset=utf-8")


_APPLY: dict[str, Callable[[Faults, Fault, Environ, StartResponse], Iterable[bytes]]] = {
    "503": _status("503"),
    "500": _status("500"),
    "hang": _hang,
    "redirect_loop": _redirect_loop,
    "truncate": _rewrite(lambda body, _env: body[: len(body) // 2]),
    "bad_utf8": _rewrite(lambda body, _env: _inject(body, b"\xff\xfe\xc3\x28")),
    "oai_error": _oai_error,
    "xxe_file": _rewrite(lambda body, _env: _with_doctype(body, _XXE_FILE)),
    "xxe_http": _rewrite(_xxe_http),
    "body": _body,
}
