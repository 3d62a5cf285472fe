"""The OpenAPI document is well-formed, complete, and true: real responses match its schemas."""

from __future__ import annotations

import json
import re
from dataclasses import fields
from typing import Any

import pytest

from catalogue import Holding
from indexer import FACETS, SORTS
from portal import api
from tests.portal.conftest import WITHDRAWN_ID

METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
TYPES = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


@pytest.fixture
def doc(client) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return json.loads(response.get_data(as_text=True))


def resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = doc
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if "$ref" in node else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def is_type(kind: str, value: Any) -> bool:
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[kind])


def check(doc: dict[str, Any], schema: dict[str, Any], value: Any, where: str = "$") -> None:
    """A small JSON Schema check, strict on purpose: an undocumented field fails."""
    if "$ref" in schema:
        return check(doc, resolve(doc, schema["$ref"]), value, where)
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        assert any(is_type(k, value) for k in kinds), f"{where}: {value!r} is not {kinds}"
    if "enum" in schema:
        assert value in schema["enum"], f"{where}: {value!r} not in {schema['enum']}"
    if "minimum" in schema and isinstance(value, int):
        assert value >= schema["minimum"], where
    if "maximum" in schema and isinstance(value, int):
        assert value <= schema["maximum"], where
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            assert name in value, f"{where}: required {name!r} missing"
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            if name in props:
                check(doc, props[name], item, f"{where}.{name}")
            elif isinstance(extra, dict):
                check(doc, extra, item, f"{where}.{name}")
            else:
                assert extra is True, f"{where}: undocumented field {name!r}"
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            check(doc, schema["items"], item, f"{where}[{i}]")
    return None


def response_schema(doc: dict[str, Any], path: str, status: int) -> dict[str, Any]:
    response = doc["paths"][path]["get"]["responses"][str(status)]
    if "$ref" in response:
        response = resolve(doc, response["$ref"])
    return response["content"]["application/json"]["schema"]


def search_parameters(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return doc["paths"]["/api/search"]["get"]["parameters"]


# --- well-formed -----------------------------------------------------------------------


def test_is_openapi_31_with_every_path(doc):
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]
    assert set(doc["paths"]) == {"/api/search", "/api/records/{id}", "/api/openapi.json"}


def test_every_ref_resolves(doc):
    found = refs(doc)
    assert found
    for ref in found:
        resolve(doc, ref)


def test_operations_are_complete(doc):
    ids = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            assert method in METHODS
            ids.append(operation["operationId"])
            assert "200" in operation["responses"]
            for response in operation["responses"].values():
                response = resolve(doc, response["$ref"]) if "$ref" in response else response
                assert response["description"]
            params = operation.get("parameters", [])
            names = [(p["name"], p["in"]) for p in params]
            assert len(names) == len(set(names)), f"duplicate parameter in {path}"
            for p in params:
                assert p["in"] in ("query", "path") and "schema" in p and p["description"]
            templated = set(re.findall(r"{(\w+)}", path))
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert templated == declared, path
            assert all(p["required"] for p in params if p["in"] == "path")
    assert len(ids) == len(set(ids))


def test_errors_are_documented_on_the_endpoints(doc):
    search = doc["paths"]["/api/search"]["get"]["responses"]
    record = doc["paths"]["/api/records/{id}"]["get"]["responses"]
    assert {"400", "503", "500"} <= set(search)
    assert {"404", "410", "503"} <= set(record)


# --- complete: the doc and the endpoint accept the same parameters ---------------------


def test_documented_parameters_are_exactly_the_accepted_ones(doc):
    documented = {p["name"] for p in search_parameters(doc)}
    assert documented == set(api.accepted_search_params())


def test_every_documented_parameter_works_with_its_example(doc, client):
    for param in search_parameters(doc):
        assert "example" in param, param["name"]
        example = param["example"]
        values = example if isinstance(example, list) else [example]
        response = client.get("/api/search", query_string={param["name"]: values})
        assert response.status_code == 200, (param["name"], response.get_json())


@pytest.mark.parametrize(
    "name",
    ["limit", "offset", "start", "rows", "fl", "fq", "callback", "sort_by", "filter", "f_library"],
)
def test_undocumented_parameters_are_rejected(doc, client, name):
    assert name not in {p["name"] for p in search_parameters(doc)}
    response = client.get("/api/search", query_string={name: "1"})
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == name


def test_enums_and_bounds_match_the_code(doc):
    params = {p["name"]: p for p in search_parameters(doc)}
    assert params["sort"]["schema"]["enum"] == list(SORTS)
    assert params["facet"]["schema"]["items"]["enum"] == list(FACETS)
    assert params["per_page"]["schema"]["maximum"] == api.MAX_PER_PAGE
    assert params["facet_limit"]["schema"]["maximum"] == api.MAX_FACET_LIMIT
    assert params["q"]["schema"]["maxLength"] == api.MAX_QUERY_CHARS


def test_record_schema_lists_every_record_field(doc, catalogue):
    props = doc["components"]["schemas"]["Record"]["properties"]
    record = catalogue.store.get_record("hanoi-library:hn-so-do")
    assert set(record.to_dict()) | {"links"} == set(props)


def test_holding_schema_lists_every_holding_field(doc):
    """Every copy field the API hands out (copy_number, barcode, due…) is documented."""
    props = doc["components"]["schemas"]["Holding"]["properties"]
    assert {f.name for f in fields(Holding)} <= set(props)
    assert props["copy_number"]["type"] == "string"


# --- true: real responses validate against the documented schemas ----------------------


@pytest.mark.parametrize(
    "query_string",
    [
        {"q": "truyện kiều"},
        {"q": "đoạn trường", "facet": "library"},
        {"q": "ha noi", "per_page": 2, "page": 2},
        {"q": "kieuu"},  # a suggestion or fuzzy hits
        {"f.online": "true"},
        {"q": "nothing-matches-this-zzqx"},
    ],
)
def test_search_responses_match_the_schema(doc, client, query_string):
    body = client.get("/api/search", query_string=query_string).get_json()
    check(doc, response_schema(doc, "/api/search", 200), body)


@pytest.mark.parametrize(
    "record_id", ["hanoi-library:hn-001", "hanoi-library:hn-so-do", "national-library:nl-tcvh"]
)
def test_record_responses_match_the_schema(doc, client, record_id):
    body = client.get(f"/api/records/{record_id}").get_json()
    check(doc, response_schema(doc, "/api/records/{id}", 200), body)


@pytest.mark.parametrize(
    ("path", "status", "url"),
    [
        ("/api/search", 400, "/api/search?page=0"),
        ("/api/records/{id}", 404, "/api/records/nowhere:1"),
        ("/api/records/{id}", 410, f"/api/records/{WITHDRAWN_ID}"),
    ],
)
def test_error_responses_match_the_schema(doc, client, path, status, url):
    response = client.get(url)
    assert response.status_code == status
    check(doc, response_schema(doc, path, status), response.get_json())


def test_documented_record_example_exists(doc, client):
    param = doc["paths"]["/api/records/{id}"]["get"]["parameters"][0]
    assert client.get(f"/api/records/{param['example']}").status_code == 200
