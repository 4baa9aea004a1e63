"""/api/openapi.json and /api/docs: the document lists every operation with
every answer it can give, and the docs page loads only this site's files."""

import re

import pytest

from redrive.api import api

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/flashcards/due/"),
    ("post", "/api/flashcards/reviews/"),
    ("post", "/api/labs/{slug}/submissions/"),
    ("get", "/api/submissions/{submission_id}/"),
    ("post", "/api/classes/"),
    ("post", "/api/classes/join/"),
    ("post", "/api/classes/{class_id}/assignments/"),
    ("get", "/api/classes/{class_id}/gradebook/"),
}


def test_the_document_lists_every_operation_with_its_error_answers(client):
    document = client.get("/api/openapi.json").json()
    found = {(method, path) for path, item in document["paths"].items() for method in item}
    assert found == OPERATIONS
    for path, item in document["paths"].items():
        for method, operation in item.items():
            statuses = operation["responses"]
            assert "401" in statuses, (method, path)
            if method == "post":
                assert {"400", "413"} <= set(statuses), (method, path)
            for status, answer in statuses.items():
                if status.startswith("4"):
                    assert answer["content"]["application/json"]["schema"]["$ref"].endswith("/ApiError"), (method, path, status)
    assert document["components"]["securitySchemes"]["BearerToken"] == {"type": "http", "scheme": "bearer"}


def test_the_docs_page_runs_only_this_sites_scripts(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts if "src=" in attrs]
    assert sources and all(src.startswith("/static/ninja/") for src in sources)
    # The one script element without src is the settings as data, which a strict CSP does not run.
    inline = [attrs for attrs, body in scripts if "src=" not in attrs]
    assert inline == [' type="application/json" id="swagger-settings"']
    assert not re.search(r'(src|href)="https?://', html)
    for src in sources:
        assert client.get(src).status_code == 200


def test_openapi_json_is_what_the_api_object_builds(client):
    assert client.get("/api/openapi.json").json()["paths"].keys() == api.get_openapi_schema()["paths"].keys()
