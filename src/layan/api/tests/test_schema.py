"""The OpenAPI 3 schema validates and is generated without a single warning; the docs page works offline."""

import re

import pytest
from django.contrib.staticfiles import finders
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_endpoint_serves_a_valid_openapi_document(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    validate(schema)
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths) == {
        "/api/v1/agencies/",
        "/api/v1/agencies/{id}/",
        "/api/v1/categories/",
        "/api/v1/categories/{slug}/",
        "/api/v1/regions/",
        "/api/v1/regions/{code}/",
        "/api/v1/reports/",
        "/api/v1/reports/{number}/",
        "/api/v1/reports/{number}/actions/",
        "/api/v1/reports/{number}/actions/{action_name}/",
        "/api/v1/reports/{number}/timeline/",
        "/api/v1/services/",
        "/api/v1/services/{code}/",
        "/api/v1/statistics/",
    }
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["ApiKey"]["description"],
    }
    perform = paths["/api/v1/reports/{number}/actions/{action_name}/"]["post"]
    assert perform["operationId"] == "reports_actions_perform"
    assert perform["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }
    states = schema["components"]["schemas"]["ReportStateEnum"]["enum"]
    assert "terdisposisi" in states


def test_schema_generation_has_no_warnings():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert not GENERATOR_STATS, GENERATOR_STATS._warn_cache or GENERATOR_STATS._error_cache
    validate(schema)


def test_docs_page_uses_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in a for a in assets)
    # the page's configuration is a script of its own (no inline script, for the Content-Security-Policy)
    config = [a for a in assets if a.startswith("/api/docs/?script")]
    assert len(config) == 1 and "/api/schema/" in client.get(config[0]).content.decode()
    for asset in assets:
        if asset in config:
            continue
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "cdn" not in html.lower() and "https://" not in html
