"""The Solr configset (config/solr/conf) against the documents and the tantivy schema.

Nothing here fakes Solr's answers: these tests read exactly what would go over the wire.
"""

from __future__ import annotations

from indexer import documents_for, tantivy_schema
from indexer.solr_schema import COPY_FIELDS, FACET_FIELDS, INTERNAL_FIELDS, to_solr
from indexer.tantivy_query import FIELD_GROUPS
from tests.indexer.sample_records import sample_records, visibility_of
from tests.support.solr_params import _schema_fields, _xml

# --- the configset ------------------------------------------------------------------------


def test_configset_declares_every_field_documents_use():
    fields = _schema_fields()
    docs = documents_for(sample_records(), visibility=visibility_of)
    for doc in docs:
        for key, value in to_solr(doc).items():
            assert key in fields, key
            if isinstance(value, list):
                assert fields[key].get("multiValued") == "true", key
    searched = {f for group in FIELD_GROUPS.values() for f, _a, _w in group}
    assert searched <= set(fields)
    assert set(FACET_FIELDS.values()) <= set(fields)
    assert set(COPY_FIELDS) | set(COPY_FIELDS.values()) | set(INTERNAL_FIELDS) <= set(fields)


class _RecordingSchemaBuilder:
    """Stands in for tantivy.SchemaBuilder to list the fields build_schema declares."""

    names: list[str] = []

    def __init__(self) -> None:
        type(self).names = []

    def __getattr__(self, method: str):
        def add(name: str, *args, **kwargs) -> None:
            type(self).names.append(name)

        return add

    def build(self) -> list[str]:
        return type(self).names


def test_configset_mirrors_tantivy_fields(monkeypatch):
    monkeypatch.setattr(tantivy_schema.tantivy, "SchemaBuilder", _RecordingSchemaBuilder)
    names = set(tantivy_schema.build_schema())
    assert "title_exact" in names and "payload" in names
    # work_num is tantivy's numeric twin of work_key (Solr collapses on work_key itself);
    # sample selects works for tantivy's estimated counts and `any` is tantivy's cheap
    # match-only twin of the text fields (Solr counts facets itself, in the same request)
    assert names - {"work_num", "sample", "any"} <= set(_schema_fields())


def test_configset_copy_fields_and_key():
    root = _xml("managed-schema.xml")
    copies = {(c.get("source"), c.get("dest")) for c in root.iter("copyField")}
    assert copies == set(COPY_FIELDS.items())
    assert root.findtext("uniqueKey") == "id"
    assert root.get("version") in ("1.6", "1.7")


def test_configset_types():
    root = _xml("managed-schema.xml")
    types = {t.get("name"): t for t in root.iter("fieldType")}
    fields = _schema_fields()

    def filters(name):
        return [f.get("class") for f in types[name].iter("filter")]

    assert "solr.ASCIIFoldingFilterFactory" in filters("vi_fold")
    assert "solr.ASCIIFoldingFilterFactory" not in filters("vi_exact")
    for name in [*FACET_FIELDS.values(), "work_key", "title_sort", "id", "suggest", "spell"]:
        ftype = types[fields[name].get("type")]
        assert ftype.get("docValues") == "true", name  # facets, sort, collapse
    assert fields["work_key"].get("multiValued") == "false"  # collapse needs one value
    assert fields["body"].get("stored") == "true"  # highlighting
    assert fields["_version_"] is not None


def test_solrconfig():
    root = _xml("solrconfig.xml")
    assert root.findtext("luceneMatchVersion").startswith("9.")
    factory = root.find("schemaFactory")
    assert factory.get("class") == "ManagedIndexSchemaFactory"
    assert factory.findtext("str[@name='managedSchemaResourceName']") == "managed-schema.xml"
    assert root.find("updateHandler/updateLog") is not None
    assert "-1" in root.findtext("updateHandler/autoSoftCommit/maxTime")
    assert root.findtext("updateHandler/autoCommit/openSearcher") == "false"
    select = root.find("requestHandler[@name='/select']")
    assert select.findtext("lst[@name='invariants']/str[@name='expandMacros']") == "false"
    assert select.findtext("arr[@name='last-components']/str") == "spellcheck"
    spell = root.find("searchComponent[@name='spellcheck']/lst[@name='spellchecker']")
    assert spell.findtext("str[@name='field']") in _schema_fields()
    assert root.find(".//lib") is None  # usable as an untrusted configset
