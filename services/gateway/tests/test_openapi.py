"""One OpenAPI 3.1 document for the platform: every service's paths, nothing colliding, valid."""

from __future__ import annotations

from typing import Any

import httpx
from openapi_spec_validator import validate

from gateway.openapi import merge
from tests.conftest import Gateway, GatewayFactory, Upstreams


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        for key, value in node.items():
            if key == "mapping" and isinstance(value, dict):
                found += [v for v in value.values() if isinstance(v, str)]
            found += refs(value)
        return found
    if isinstance(node, list):
        return [r for item in node for r in refs(item)]
    return []


def resolves(document: dict[str, Any], ref: str) -> bool:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def service_doc(course: dict[str, Any], **extra: Any) -> dict[str, Any]:
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "a service", "version": "1.0.0"},
        "paths": {
            "/v1/courses/{course_id}": {
                "get": {
                    "tags": ["courses"],
                    "operationId": "courses-get_course",
                    "parameters": [
                        {
                            "name": "course_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        }
                    ],
                    "security": [{"HTTPBearer": []}],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Course"}
                                }
                            },
                        },
                        "404": {"$ref": "#/components/responses/NotFound"},
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Course": course,
                "Problem": {"type": "object", "properties": {"title": {"type": "string"}}},
            },
            "responses": {
                "NotFound": {
                    "description": "not found",
                    "content": {
                        "application/problem+json": {
                            "schema": {"$ref": "#/components/schemas/Problem"}
                        }
                    },
                }
            },
            "securitySchemes": {"HTTPBearer": {"type": "http", "scheme": "bearer"}},
        },
    }
    doc.update(extra)
    return doc


class TestMerge:
    def test_two_services_course_schemas_never_collide(self) -> None:
        catalogue = service_doc(
            {"type": "object", "properties": {"title": {"type": "string"}}},
        )
        partnerships = service_doc(
            {
                "oneOf": [{"$ref": "#/components/schemas/Problem"}],
                "discriminator": {
                    "propertyName": "kind",
                    "mapping": {"problem": "#/components/schemas/Problem"},
                },
            }
        )
        merged = merge({"catalogue": catalogue, "partnerships": partnerships})
        validate(merged)
        schemas = merged["components"]["schemas"]
        assert schemas["catalogue.Course"]["properties"]["title"] == {"type": "string"}
        assert "oneOf" in schemas["partnerships.Course"]
        assert "Course" not in schemas
        # Every reference points at the right service's component, and resolves.
        all_refs = refs(merged)
        assert all_refs
        assert all(resolves(merged, r) for r in all_refs)
        mapping = schemas["partnerships.Course"]["discriminator"]["mapping"]
        assert mapping == {"problem": "#/components/schemas/partnerships.Problem"}
        catalogue_op = merged["paths"]["/api/catalogue/v1/courses/{course_id}"]["get"]
        ok = catalogue_op["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok == {"$ref": "#/components/schemas/catalogue.Course"}
        assert catalogue_op["responses"]["404"] == {
            "$ref": "#/components/responses/catalogue.NotFound"
        }

    def test_operation_ids_and_tags_are_per_service(self) -> None:
        merged = merge({"catalogue": service_doc({}), "partnerships": service_doc({})})
        ids = [
            op["operationId"]
            for item in merged["paths"].values()
            for op in item.values()
            if isinstance(op, dict) and "operationId" in op
        ]
        assert sorted(ids) == ["catalogue-courses-get_course", "partnerships-courses-get_course"]
        assert [t["name"] for t in merged["tags"]] == ["catalogue-courses", "partnerships-courses"]
        assert merged["x-tagGroups"] == [
            {"name": "catalogue", "tags": ["catalogue-courses"]},
            {"name": "partnerships", "tags": ["partnerships-courses"]},
        ]

    def test_shared_security_schemes_merge_and_different_ones_are_namespaced(self) -> None:
        odd = service_doc({})
        odd["components"]["securitySchemes"]["HTTPBearer"] = {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "opaque",
        }
        merged = merge({"catalogue": service_doc({}), "partnerships": service_doc({}), "x": odd})
        validate(merged)
        schemes = merged["components"]["securitySchemes"]
        assert set(schemes) == {"HTTPBearer", "x.HTTPBearer"}
        op = merged["paths"]["/api/x/v1/courses/{course_id}"]["get"]
        assert op["security"] == [{"x.HTTPBearer": []}]
        same = merged["paths"]["/api/partnerships/v1/courses/{course_id}"]["get"]
        assert same["security"] == [{"HTTPBearer": []}]

    def test_oauth2_token_urls_become_gateway_paths(self) -> None:
        identity = service_doc({})
        identity["components"]["securitySchemes"] = {
            "OAuth2PasswordBearer": {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "v1/token", "scopes": {}}},
            },
            "Elsewhere": {
                "type": "oauth2",
                "flows": {
                    "clientCredentials": {"tokenUrl": "https://idp.example/token", "scopes": {}}
                },
            },
        }
        merged = merge({"identity": identity})
        schemes = merged["components"]["securitySchemes"]
        password = schemes["OAuth2PasswordBearer"]["flows"]["password"]
        assert password["tokenUrl"] == "/api/identity/v1/token"
        elsewhere = schemes["Elsewhere"]["flows"]["clientCredentials"]
        assert elsewhere["tokenUrl"] == "https://idp.example/token"

    def test_without_oauth2_from_identity_the_platform_sign_in_is_offered(self) -> None:
        merged = merge({"catalogue": service_doc({}), "identity": service_doc({})})
        validate(merged)
        oauth2 = merged["components"]["securitySchemes"]["OAuth2"]
        assert oauth2["flows"]["password"]["tokenUrl"] == "/api/identity/v1/token"
        assert oauth2["flows"]["clientCredentials"]["tokenUrl"] == "/api/identity/v1/token"
        op = merged["paths"]["/api/catalogue/v1/courses/{course_id}"]["get"]
        assert op["security"] == [{"HTTPBearer": []}, {"OAuth2": []}]
        # Without identity there is nowhere to sign in: nothing is added.
        alone = merge({"catalogue": service_doc({})})
        assert "OAuth2" not in alone["components"]["securitySchemes"]

    def test_nothing_available_is_still_a_valid_document(self) -> None:
        merged = merge({}, unavailable={"catalogue": "connection refused"})
        validate(merged)
        assert merged["x-unavailable-services"] == ["catalogue"]
        assert "connection refused" in merged["info"]["description"]


async def test_the_served_document_has_every_services_paths_and_validates(
    gateway: Gateway, upstreams: Upstreams
) -> None:
    response = await gateway.client.get("/openapi.json")
    assert response.status_code == 200
    merged = response.json()
    validate(merged)
    assert merged["openapi"].startswith("3.1")
    async with httpx.AsyncClient() as client:
        for name in ("catalogue", "partnerships", "identity"):
            own = (await client.get(getattr(upstreams, name).url + "/openapi.json")).json()
            assert own["paths"], name
            for path, item in own["paths"].items():
                merged_item = merged["paths"][f"/api/{name}{path}"]
                assert set(merged_item) == set(item), path
            for schema in own["components"]["schemas"]:
                assert f"{name}.{schema}" in merged["components"]["schemas"]
    # Each service's own Course, side by side.
    schemas = merged["components"]["schemas"]
    assert "level" in schemas["catalogue.Course"]["properties"]
    assert "sponsored" in schemas["partnerships.Course"]["properties"]
    # Identity's OAuth2 schemes, pointing at the token endpoint through the gateway.
    schemes = merged["components"]["securitySchemes"]
    assert schemes["OAuth2PasswordBearer"]["flows"]["password"]["tokenUrl"] == (
        "/api/identity/v1/token"
    )
    credentials = schemes["ClientCredentials"]["flows"]["clientCredentials"]
    assert credentials["tokenUrl"] == "/api/identity/v1/token"
    assert schemes["HTTPBearer"] == {"type": "http", "scheme": "bearer"}
    assert merged["x-unavailable-services"] == []
    assert {g["name"] for g in merged["x-tagGroups"]} == {"catalogue", "partnerships", "identity"}


async def test_a_service_that_is_down_is_skipped_and_named(
    start_gateway: GatewayFactory,
) -> None:
    async with start_gateway(applications_url="http://127.0.0.1:9") as gateway:
        merged = (await gateway.client.get("/openapi.json")).json()
        validate(merged)
        assert merged["x-unavailable-services"] == ["applications"]
        assert not any(p.startswith("/api/applications/") for p in merged["paths"])
        assert any(p.startswith("/api/catalogue/") for p in merged["paths"])
