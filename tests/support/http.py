"""Real HTTP servers for tests: the same threaded server the demo libraries run on."""

from harvesters.demo.server import serve_wsgi

__all__ = ["serve_wsgi"]
