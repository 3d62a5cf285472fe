"""IIIF for thuvien: Image API 3.0 (level 2), Presentation 3.0 and Authorization Flow 2.0
over the scans of digitised items.

- `image_api`: parse a request's region/size/rotation/quality.format and plan the image
  (pure; every limit is checked here, before any pixel is decoded)
- `info`: the info.json document
- `render`: pyvips rendering from pyramidal TIFFs (or JPEG shrink-on-load), and reading
  back the pyramidal TIFFs ingest makes (harvesters.ingest.write_pyramid)
- `tiles`: requests that are exactly one stored JPEG tile of a pyramid, answered with
  that tile's bytes (no decoding); the tile size info.json advertises for a pyramid
- `cache`: the bounded on-disk derivative cache
- `source`: identifier → image file, with identifiers checked against path traversal
- `objects`: ingested page scans as images: identifiers `{record id}~{page}` (or
  `b64.{base64url(record id)}~{page}`), the store-backed image source
- `server`: the Flask blueprint at /iiif/3/ (`init_app(app, settings)`)
- `presentation`: manifests (/iiif/3/manifest/{record id}) and collections, iiif-prezi3
- `auth`: the Authorization Flow 2.0 probe, access, token and logout services
"""
