"""A IIIF Presentation 3 manifest for an audiobook: Sound canvases, chapters as Ranges.

One canvas per file (a book delivered one file per chapter has as many canvases as
chapters, played in order: `auto-advance`); each chapter is a Range pointing at its
stretch of a canvas with a media fragment (`canvas#t=start,end`), parts are Ranges
holding Ranges. Built with iiif-prezi3, which validates the shape as it goes.

Audio a licence restricts carries the IIIF Authorization Flow 2.0 probe service on its
Sound body, as restricted page images do on their Image body (iiif.auth), so a IIIF
client elsewhere knows to ask the reader to log in before it plays.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import iiif_prezi3 as prezi
from flask import has_request_context

from accessibility.chapters import AudioBook, Chapter
from catalogue.record import Record

RIGHTS_PREFIXES = ("http://rightsstatements.org/vocab/", "http://creativecommons.org/")


def _label(text: str, lang: str) -> dict[str, list[str]]:
    return {lang or "none": [text]}


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".") or "0"


def request_probe(record_id: str) -> dict[str, Any] | None:
    """The Authorization Flow probe service of a record's audio, as the current request's
    app and requester see it: None outside a request, without auth set up, or when the
    audio is everyone's."""
    if not has_request_context():
        return None
    from iiif.auth import audio_probe_service

    return audio_probe_service(record_id)


def audio_manifest(
    record: Record,
    book: AudioBook,
    *,
    manifest_url: str,
    file_url: Callable[[int], str],
    lang: str = "",
    labels: dict[str, str] | None = None,
    probe: Callable[[str], dict[str, Any] | None] | None = request_probe,
) -> dict[str, Any]:
    """The manifest as a JSON-ready dict. `file_url(i)` is where file i is streamed;
    `labels` carries the UI language's words for the metadata ("Author", "Narrator");
    `probe(record id)`: the auth probe service to declare on every Sound body, None when
    listening is not restricted."""
    labels = labels or {}
    service = probe(record.id) if probe is not None else None
    base = manifest_url.rsplit("/", 1)[0]
    manifest = prezi.Manifest(id=manifest_url, label=_label(record.title or record.id, lang))
    metadata = []
    for key, values in (("author", record.authors), ("narrator", record.contributors)):
        if values:
            metadata.append(
                prezi.KeyValueString(
                    label=_label(labels.get(key, key.title()), "none"),
                    value=_label("; ".join(values), lang),
                )
            )
    if metadata:
        manifest.metadata = metadata
    if record.rights_statement.startswith(RIGHTS_PREFIXES):
        manifest.rights = record.rights_statement
    if len(book.files) > 1:
        manifest.behavior = ["auto-advance"]
    canvases = []
    for f in book.files:
        canvas_id = f"{base}/canvas/{f.index + 1}"
        duration = round(f.duration, 3) or None
        body = prezi.AnnotationBody(
            id=file_url(f.index), type="Sound", format=f.mime_type or "audio/mpeg"
        )
        if duration:
            body.duration = duration
        if service:
            body.service = [service]
        annotation = prezi.Annotation(
            id=f"{canvas_id}/annotation/1", motivation="painting", target=canvas_id, body=body
        )
        canvas = prezi.Canvas(
            id=canvas_id,
            label=_label(f.object.label or str(f.index + 1), lang),
            items=[prezi.AnnotationPage(id=f"{canvas_id}/page/1", items=[annotation])],
        )
        if duration:
            canvas.duration = duration
        canvases.append(canvas)
    manifest.items = canvases
    if book.files and book.chapters:
        counter = iter(range(1, 10_000))
        manifest.structures = [
            _range(c, book, base, counter, lang) for c in book.chapters if c.duration > 0
        ]
    return json.loads(manifest.jsonld())


def _range(
    chapter: Chapter, book: AudioBook, base: str, counter: Iterator[int], lang: str
) -> prezi.Range:
    ident = f"{base}/range/{next(counter)}"
    if chapter.children:
        items = [_range(c, book, base, counter, lang) for c in chapter.children if c.duration > 0]
    else:
        f = book.files[chapter.file]
        start, end = chapter.start - f.offset, min(chapter.end - f.offset, f.duration)
        canvas = f"{base}/canvas/{f.index + 1}#t={_seconds(start)},{_seconds(end)}"
        items = [prezi.CanvasRef(id=canvas, type="Canvas")]
    return prezi.Range(id=ident, label=_label(chapter.title, lang), items=items)
