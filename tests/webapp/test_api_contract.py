"""The API contract: the OpenAPI document generated from the route declarations, and
schemathesis (every check) against the live server built on it."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .webapp_world import Live, World

ST_EXAMPLES = 10  # per operation and phase: bounded, so the run stays well within a minute or two


def test_document_is_valid_and_covers_every_route(live: Live) -> None:
    from openapi_spec_validator import validate

    doc = live.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    validate(doc)
    routes = {
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in live.app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert documented == routes
    op_ids = [op["operationId"] for ops in doc["paths"].values() for op in ops.values()]
    assert len(op_ids) == len(set(op_ids))
    # the limits come from the models that validate the requests
    params = {p["name"]: p["schema"] for p in doc["paths"]["/api/products/{product_id}/similar"]["get"]["parameters"]
              if p["in"] == "query"}
    assert (params["k"]["minimum"], params["k"]["maximum"], params["k"]["default"]) == (1, 100, 6)
    assert params["in_stock"]["type"] == "boolean"
    upload = doc["paths"]["/api/search/image"]["post"]
    assert set(upload["responses"]) == {"200", "400", "413", "415", "503"}
    assert "multipart/form-data" in upload["requestBody"]["content"]
    # only routes with inputs can answer 400
    assert "400" not in doc["paths"]["/api/stats"]["get"]["responses"]


def test_a_refused_request_names_the_parameter(live: Live) -> None:
    r = live.get("/api/products/P000001/similar", params={"k": 101})
    assert r.status_code == 400
    assert r.json() == {"error": "k: Input should be less than or equal to 100"}
    r = live.get("/api/graph/neighborhood", params={"id": "P000001", "min_score": "inf"})
    assert r.status_code == 400 and r.json()["error"].startswith("min_score:")


# A photo upload is schema-valid binary that need not decode as an image: the schema cannot
# say "a decodable image", so its documented 415 counts as handling the request. A body over
# the upload limit is refused with 413 before anything reads it. Real product ids let the
# requests reach the queries (random ids only ever find 404s). The app has no write token,
# so the curation writes are answered 401 (no token) or 403 (any token): never stored.
# This app serves no inspection classifier (STYLEGRAPH_INSPECT_RUN is empty), so
# POST /api/images/inspect can only answer its documented 503; test_inspection.py runs it
# against an app with a classifier.
ST_CONFIG = """
[[operations]]
include-path = "/api/images/inspect"
enabled = false
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "415"]
[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "413", "415"]
[parameters]
"path.product_id" = "{pid}"
"query.id" = "{pid}"
"""


def test_schemathesis_finds_nothing(live: Live, world: World, tmp_path: Path) -> None:
    st = Path(sys.executable).with_name("st")
    config = tmp_path / "schemathesis.toml"
    config.write_text(ST_CONFIG.format(pid=world.catalog.products[0].product_id))
    command = [
        str(st), "--config-file", str(config), "run", live.url + "/api/openapi.json",
        "--checks", "all", "--max-examples", str(ST_EXAMPLES), "--seed", "11", "--workers", "1", "--suppress-health-check", "filter_too_much",
        "--generation-database", "none", "--no-color", "--request-timeout", "30", "--output-truncate", "true",
        "--report", "junit", "--report-dir", str(tmp_path),
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": ""}
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=tmp_path)
    Path(os.environ.get("ST_LOG", str(tmp_path / "st.log"))).write_text(done.stdout + done.stderr)
    report = done.stdout[-12000:] + done.stderr[-3000:]
    assert done.returncode == 0, report
    assert "No issues found" in done.stdout or " passed" in done.stdout, report
