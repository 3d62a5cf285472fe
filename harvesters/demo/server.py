"""Serve a WSGI app on a real HTTP server on 127.0.0.1: the demo libraries, and tests.

Harvesters must be tested over HTTP (timeouts, redirects, bad bytes), not through
in-process shortcuts. The server is threaded, so slow handlers don't block others,
and its threads are daemons, so shutting down never waits for a handler that sleeps.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr (tests read the fault log instead); errors still show."""

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serve_wsgi(
    app: Callable[..., Any], path: str = "", *, host: str = "127.0.0.1", port: int = 0
) -> Iterator[str]:
    """Yield the base URL (plus `path`) of `app` served on an ephemeral port."""
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    default_handle_error = server.handle_error

    def handle_error(request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            default_handle_error(request, client_address)  # dropped clients are normal here

    server.handle_error = handle_error  # type: ignore[method-assign]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}{path}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
