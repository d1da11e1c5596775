import re


def test_openapi_is_public_and_3_1(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")


def _flask_to_openapi(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_every_api_route_is_documented_and_every_path_is_a_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items()
                  for method in ops if method in ("get", "post", "put", "patch", "delete")}
    routes = {(_flask_to_openapi(r.rule), m) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1") for m in r.methods - {"HEAD", "OPTIONS"}}
    assert routes - documented == set(), "routes missing from openapi.yaml"
    assert documented - routes == set(), "documented paths that are not routes"


def test_served_document_is_a_valid_openapi_3_1_document(client):
    from openapi_spec_validator import OpenAPIV31SpecValidator

    doc = client.get("/api/v1/openapi.json").get_json()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == []


def _operations(doc):
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield f"{method.upper()} {path}", op


def test_every_error_answer_has_the_error_body(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    shared = doc["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
    assert shared == {"$ref": "#/components/schemas/Error"}
    wrong = []
    for label, op in _operations(doc):
        for status, response in op["responses"].items():
            if not status.startswith("4"):
                continue
            ref = response.get("$ref")
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if ref != "#/components/responses/Error" and \
                    schema != {"$ref": "#/components/schemas/Error"}:
                wrong.append(f"{label} {status}")
    assert wrong == []


def test_common_errors_are_documented_everywhere(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    missing = []
    for label, op in _operations(doc):
        expected = {"400"}
        if op.get("security", doc["security"]):
            expected.add("401")
        if "requestBody" in op:
            expected.add("413")
        missing += [f"{label} {s}" for s in sorted(expected - set(op["responses"]))]
    assert missing == []
    public = dict(_operations(doc))["GET /api/v1/openapi.json"]
    assert "401" not in public["responses"]
