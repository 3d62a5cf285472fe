"""IIIF for thuvien: the Image API 3.0 server (level 2) over the scans of digitised items.

- `image_api`: parse a request's region/size/rotation/quality.format and plan the image
  (pure; every limit is checked here, before any pixel is decoded)
- `info`: the info.json document
- `render`: pyvips rendering from pyramidal TIFFs (or JPEG shrink-on-load), and the
  conversion to pyramidal TIFF done at ingest
- `cache`: the bounded on-disk derivative cache
- `source`: identifier → image file, with identifiers checked against path traversal
- `server`: the Flask blueprint at /iiif/3/ (`init_app(app, settings)`)
"""
