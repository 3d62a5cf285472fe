"""Serve the portal under waitress, a production WSGI server (pure Python, no build step)."""

from __future__ import annotations

from catalogue.settings import Settings
from catalogue.store import Store


def serve_portal(
    settings: Settings, *, host: str = "127.0.0.1", port: int = 5000, store: Store | None = None
) -> None:
    import waitress

    from portal.app import create_app

    app = create_app(settings, store=store)
    print(f"thuvien is serving on http://{host}:{port}/ (Ctrl-C stops it)", flush=True)
    waitress.serve(app, host=host, port=port, threads=8, ident="thuvien")
