"""IIIF Presentation API 3.0: a manifest per digitised record, collections to find them.

    /iiif/3/manifest/{record id}               the record's pages as Canvases, in order
    /iiif/3/collection                         every library and named collection
    /iiif/3/collection/library/{source key}    a library's digitised records
    /iiif/3/collection/named/{name}            a collection's digitised records

Built with iiif-prezi3 (its pydantic models are the Presentation 3 schema, so what is
served has passed them). Each Canvas paints one page image whose body carries its
Image API service (`ImageService3`, level 2), so any IIIF viewer deep-zooms it.
Labels for people are in Vietnamese and English; titles and names, which have no
translation, are in the record's own language or "none".

Which records exist, and for whom, is the catalogue's business: the app provides a
`PresentationCatalogue` as config THUVIEN_IIIF_CATALOGUE (the portal's answers the
licence rules: a record the requester may not see is a 404, while a record whose
content is restricted keeps its canvases — the image server then serves previews or
refuses). Without one, these URLs answer 404.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Response, current_app, url_for
from iiif_prezi3 import Collection, Manifest

from catalogue.record import Record
from iiif.info import PROFILE
from iiif.objects import image_identifier, page_images
from iiif.server import bp

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
JSONLD = f'application/ld+json;profile="{CONTEXT}"'
THUMBNAIL_PX = 300
MAX_COLLECTION_ITEMS = 1000
_RIGHTS = re.compile(
    r"^https?://(rightsstatements\.org/vocab/[A-Za-z-]+/[0-9.]+/"
    r"|creativecommons\.org/(?:licenses|publicdomain)/[a-z-]+/(?:[0-9.]+/)?)$"
)
# ISO 639-2 (records) → BCP 47 (language maps) for the languages the catalogue meets most.
_LANGUAGES = {"vie": "vi", "eng": "en", "fre": "fr", "chi": "zh", "rus": "ru", "ger": "de"}
LABELS = {
    "authors": ("Tác giả", "Authors"),
    "contributors": ("Người tham gia", "Contributors"),
    "year": ("Năm", "Year"),
    "publisher": ("Nhà xuất bản", "Publisher"),
    "place": ("Nơi xuất bản", "Place of publication"),
    "subjects": ("Chủ đề", "Subjects"),
    "collections": ("Bộ sưu tập", "Collections"),
    "call_numbers": ("Ký hiệu xếp giá", "Call numbers"),
    "record": ("Biểu ghi", "Record"),
    "held_by": ("Thư viện lưu giữ", "Held by"),
    "libraries": ("Thư viện", "Libraries"),
    "named": ("Bộ sưu tập số", "Digital collections"),
    "all": ("Tài liệu số hoá của thuvien", "thuvien's digitised items"),
}
# Page labels libraries write, and their English.
_PAGE_WORDS = (("Trang", "Page"), ("Mảnh", "Sheet"), ("Tờ", "Folio"), ("Ảnh", "Image"))


class PresentationCatalogue(Protocol):
    """What manifests need from the catalogue, already filtered for the requester."""

    def record(self, record_id: str) -> Record | None:
        """The live record if the requester may see it, else None (404)."""

    def libraries(self, record: Record) -> list[str]:
        """Names of the libraries holding it (for requiredStatement)."""

    def homepage(self, record: Record) -> str:
        """The record page's URL."""

    def digitised(self, *, source_key: str = "", collection: str = "") -> list[Record]:
        """Visible records with stored page images, of one library or one collection."""

    def groups(self) -> tuple[list[tuple[str, str]], list[str]]:
        """([(source key, library name)], [collection name]) that have digitised records."""


def lang_map(vi: str, en: str) -> dict[str, list[str]]:
    return {"vi": [vi], "en": [en]}


def label(key: str) -> dict[str, list[str]]:
    return lang_map(*LABELS[key])


def record_language(record: Record) -> str:
    """The BCP 47 tag of the record's first language, 'none' if unknown."""
    for code in record.languages:
        if code in _LANGUAGES:
            return _LANGUAGES[code]
    return "none"


def page_label(text: str, number: int) -> dict[str, list[str]]:
    """A canvas label in Vietnamese and English ("Trang 3" / "Page 3")."""
    text = text.strip()
    if not text:
        return lang_map(f"Trang {number}", f"Page {number}")
    for vi, en in _PAGE_WORDS:
        if text.startswith(vi + " "):
            return lang_map(text, en + text[len(vi) :])
    return {"none": [text]}


def rights_uri(value: str) -> str:
    """The rights statement if Presentation 3 allows it in `rights`, else ''."""
    value = (value or "").strip()
    if not _RIGHTS.match(value):
        return ""
    # The specifications' own URIs are http://, whatever scheme the record used.
    return "http://" + value.split("://", 1)[1]


@dataclass(frozen=True)
class Urls:
    """How this deployment names things (absolute URLs)."""

    manifest: Callable[[str], str]
    image_service: Callable[[str], str]
    collection: Callable[..., str]


def build_manifest(
    record: Record,
    urls: Urls,
    homepage: str,
    libraries: list[str],
    auth: Callable[[str], dict[str, Any] | None] | None = None,
) -> dict[str, Any]:
    """The Presentation 3 manifest of a record's page images (validated by iiif-prezi3).

    `auth(identifier)`: the Authorization Flow probe service of a restricted page image,
    declared on its Image body next to the image service.
    """
    images = page_images(record)
    manifest_id = urls.manifest(record.id)
    lang = record_language(record)
    title = record.title.strip() or record.id
    canvases = []
    for number, obj in enumerate(images, 1):
        identifier = image_identifier(record.id, number)
        service_id = urls.image_service(identifier)
        canvas_id = f"{manifest_id}/canvas/{number}"
        body = _image_body(service_id, "full/max/0/default.jpg", obj)
        probe = auth(identifier) if auth is not None else None
        if probe:
            body["service"].append(probe)
        width, height = obj.width or 1000, obj.height or 1000
        canvases.append(
            {
                "id": canvas_id,
                "type": "Canvas",
                "label": page_label(obj.label, number),
                "width": width,
                "height": height,
                "items": [
                    {
                        "id": f"{canvas_id}/page",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{canvas_id}/page/image",
                                "type": "Annotation",
                                "motivation": "painting",
                                "target": canvas_id,
                                "body": body,
                            }
                        ],
                    }
                ],
            }
        )
    data: dict[str, Any] = {
        "id": manifest_id,
        "type": "Manifest",
        "label": {lang: [title]},
        "metadata": _metadata(record, lang),
        "requiredStatement": {
            "label": label("held_by"),
            "value": {"none": [", ".join(libraries) or record.source_key]},
        },
        "homepage": [
            {"id": homepage, "type": "Text", "label": {lang: [title]}, "format": "text/html"}
        ],
        "partOf": [
            {
                "id": urls.collection("library", record.source_key),
                "type": "Collection",
            }
        ],
        "items": canvases,
    }
    if record.description:
        data["summary"] = {lang: [record.description]}
    rights = rights_uri(record.rights_statement)
    if rights:
        data["rights"] = rights
    if images:
        first = urls.image_service(image_identifier(record.id, 1))
        data["thumbnail"] = [
            _image_body(first, f"full/!{THUMBNAIL_PX},{THUMBNAIL_PX}/0/default.jpg", None)
        ]
    return _validated(Manifest, data)


def _image_body(service_id: str, path: str, obj) -> dict[str, Any]:  # noqa: ANN001
    body: dict[str, Any] = {
        "id": f"{service_id}/{path}",
        "type": "Image",
        "format": "image/jpeg",
        "service": [{"id": service_id, "type": "ImageService3", "profile": PROFILE}],
    }
    if obj is not None and obj.width and obj.height:
        body["width"], body["height"] = obj.width, obj.height
    return body


def _metadata(record: Record, lang: str) -> list[dict[str, Any]]:
    values = {
        "authors": record.authors,
        "contributors": record.contributors,
        "year": [str(record.year)] if record.year is not None else [],
        "publisher": [record.publisher],
        "place": [record.place],
        "subjects": record.subjects,
        "collections": record.collections,
        "call_numbers": record.call_numbers,
        "record": [record.id],
    }
    out = []
    for key, found in values.items():
        found = [v.strip() for v in found if v and v.strip()]
        if found:
            tag = lang if key in ("subjects", "place", "publisher") else "none"
            out.append({"label": label(key), "value": {tag: found}})
    return out


def build_collection(
    collection_id: str, title: dict[str, list[str]], items: list[dict[str, Any]]
) -> dict[str, Any]:
    return _validated(
        Collection, {"id": collection_id, "type": "Collection", "label": title, "items": items}
    )


def manifest_ref(record: Record, urls: Urls) -> dict[str, Any]:
    title = record.title.strip() or record.id
    return {"id": urls.manifest(record.id), "type": "Manifest", "label": {
        record_language(record): [title]
    }}  # fmt: skip


def _validated(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """Through iiif-prezi3's models and back: what is served is schema-valid JSON-LD."""
    resource = model(**data)
    return json.loads(resource.json())


# -- views ------------------------------------------------------------------------------------


def _catalogue() -> PresentationCatalogue | None:
    return current_app.config.get("THUVIEN_IIIF_CATALOGUE")


def _urls() -> Urls:
    def manifest(record_id: str) -> str:
        return url_for("iiif.manifest", record_id=record_id, _external=True)

    def image_service(identifier: str) -> str:
        return url_for("iiif.base", identifier=identifier, _external=True)

    def collection(kind: str = "", name: str = "") -> str:
        if not kind:
            return url_for("iiif.collections", _external=True)
        return url_for("iiif.collection", kind=kind, name=name, _external=True)

    return Urls(manifest, image_service, collection)


def _json(document: dict[str, Any]) -> Response:
    from iiif.server import _wants_jsonld

    body = json.dumps(document, ensure_ascii=False, indent=2)
    mimetype = JSONLD if _wants_jsonld() else "application/json"
    response = Response(body, status=200, content_type=mimetype)
    response.vary.add("Accept")
    response.vary.add("Cookie")  # the requester decides which records exist
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def _not_found(what: str) -> Response:
    response = Response(f"{what}\n", status=404, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest/<path:record_id>")
def manifest(record_id: str) -> Response:
    catalogue = _catalogue()
    record = catalogue.record(record_id) if catalogue is not None else None
    if record is None or not page_images(record):
        return _not_found(f"there is no digitised record {record_id!r}")
    from iiif.auth import probe_service
    from iiif.server import _access

    access = _access(image_identifier(record.id, 1))
    restricted = access is None or not access.shared
    document = build_manifest(
        record,
        _urls(),
        catalogue.homepage(record),
        catalogue.libraries(record),
        auth=probe_service if restricted else None,
    )
    return _json(document)


@bp.get("/collection")
def collections() -> Response:
    catalogue = _catalogue()
    if catalogue is None:
        return _not_found("there are no collections here")
    urls = _urls()
    libraries, named = catalogue.groups()
    items = [
        {"id": urls.collection("library", key), "type": "Collection", "label": {"none": [name]}}
        for key, name in libraries
    ] + [
        {"id": urls.collection("named", name), "type": "Collection", "label": {"none": [name]}}
        for name in named
    ]
    return _json(build_collection(urls.collection(), label("all"), items))


@bp.get("/collection/<any(library, named):kind>/<path:name>")
def collection(kind: str, name: str) -> Response:
    catalogue = _catalogue()
    if catalogue is None:
        return _not_found("there are no collections here")
    if kind == "library":
        records = catalogue.digitised(source_key=name)
        libraries = dict(catalogue.groups()[0])
        if name not in libraries:
            return _not_found(f"there is no library {name!r} with digitised records")
        title = {"none": [libraries[name]]}
    else:
        records = catalogue.digitised(collection=name)
        title = {"none": [name]}
    if not records:
        return _not_found(f"there is no collection {name!r} with digitised records")
    urls = _urls()
    items = [manifest_ref(r, urls) for r in records[:MAX_COLLECTION_ITEMS]]
    return _json(build_collection(urls.collection(kind, name), title, items))


def manifest_url(record_id: str) -> str:
    """The manifest's address (for record pages and the IIIF drag-and-drop link)."""
    return url_for("iiif.manifest", record_id=record_id, _external=True)
