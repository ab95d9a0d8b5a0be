"""The app factory as a caller sees it: problems, request ids, paging, health, metrics."""

from __future__ import annotations

import json
import logging

import pytest
from httpx import AsyncClient

PROBLEM = "application/problem+json"


class TestProblems:
    async def test_validation_lists_each_field(self, client: AsyncClient):
        response = await client.post("/v1/things", json={"name": "", "count": -1, "extra": 1})
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["status"] == 422
        assert body["type"].endswith("/validation-failed")
        assert {e["field"] for e in body["errors"]} == {"body.name", "body.count", "body.extra"}

    async def test_malformed_json(self, client: AsyncClient):
        response = await client.post(
            "/v1/things", content=b"{nope", headers={"content-type": "application/json"}
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM

    async def test_not_found_and_unknown_route(self, client: AsyncClient):
        missing = await client.get("/v1/things/6b1f5a52-58d4-4c39-9b55-1f1a3c1e2f00")
        assert missing.status_code == 404
        assert missing.json()["code"] == "not-found"
        assert missing.json()["instance"] == "/v1/things/6b1f5a52-58d4-4c39-9b55-1f1a3c1e2f00"
        unknown = await client.get("/nowhere")
        assert unknown.status_code == 404
        assert unknown.headers["content-type"] == PROBLEM

    async def test_method_not_allowed_is_a_problem(self, client: AsyncClient):
        response = await client.delete("/v1/things")
        assert response.status_code == 405
        assert response.headers["content-type"] == PROBLEM

    async def test_conflict(self, client: AsyncClient):
        assert (await client.post("/v1/things", json={"name": "a"})).status_code == 201
        again = await client.post("/v1/things", json={"name": "a"})
        assert again.status_code == 409
        assert again.headers["content-type"] == PROBLEM

    async def test_database_unique_violation_becomes_409_and_keeps_data(self, client: AsyncClient):
        assert (await client.post("/v1/things-unchecked", json={"name": "b"})).status_code == 201
        again = await client.post("/v1/things-unchecked", json={"name": "b"})
        assert again.status_code == 409
        assert (await client.get("/v1/things")).json()["total"] == 1

    async def test_crash_is_a_500_problem_without_internals(
        self, client: AsyncClient, caplog: pytest.LogCaptureFixture
    ):
        with caplog.at_level(logging.ERROR):
            response = await client.get("/v1/boom", headers={"X-Request-ID": "crash-123"})
        assert response.status_code == 500
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["x-request-id"] == "crash-123"
        assert "hunter2" not in response.text
        assert "Traceback" not in response.text
        assert response.json()["request_id"] == "crash-123"
        assert any("hunter2" in (r.exc_text or "") or r.exc_info for r in caplog.records)


class TestRequestIds:
    async def test_echoes_a_plain_id(self, client: AsyncClient):
        response = await client.get("/healthz", headers={"X-Request-ID": "abc-123"})
        assert response.headers["x-request-id"] == "abc-123"

    async def test_makes_one_when_missing_or_unsafe(self, client: AsyncClient):
        made = await client.get("/healthz")
        assert len(made.headers["x-request-id"]) == 32
        unsafe = await client.get("/healthz", headers={"X-Request-ID": "x" * 500})
        assert unsafe.headers["x-request-id"] != "x" * 500

    async def test_log_lines_are_json_with_the_request_id(self, client: AsyncClient):
        from servicekit.logs import JsonFormatter
        from servicekit.requestid import set_request_id

        set_request_id("log-test-1")
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "hello %s", ("you",), None)
        line = json.loads(JsonFormatter("sample").format(record))
        assert line["message"] == "hello you"
        assert line["request_id"] == "log-test-1"
        assert line["service"] == "sample"


class TestPaging:
    async def test_limit_offset_total(self, client: AsyncClient):
        for name in ("c", "a", "b"):
            await client.post("/v1/things", json={"name": name})
        page = (await client.get("/v1/things", params={"limit": 2, "offset": 1})).json()
        assert page["total"] == 3
        assert [t["name"] for t in page["items"]] == ["b", "c"]
        assert (page["limit"], page["offset"]) == (2, 1)

    @pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"offset": -1}])
    async def test_bad_paging(self, client: AsyncClient, params: dict[str, int]):
        response = await client.get("/v1/things", params=params)
        assert response.status_code == 422


class TestHealth:
    async def test_healthz_and_readyz(self, client: AsyncClient):
        assert (await client.get("/healthz")).json() == {"status": "ok"}
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["database"] == "ok"

    async def test_metrics_count_by_route_template(self, client: AsyncClient):
        await client.get("/v1/things/6b1f5a52-58d4-4c39-9b55-1f1a3c1e2f00")
        text = (await client.get("/metrics")).text
        assert 'route="/v1/things/{thing_id}"' in text
        assert "http_request_duration_seconds_bucket" in text
        assert "6b1f5a52" not in text
