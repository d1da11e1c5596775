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
