"""The proxy through real HTTP: routing, headers, streaming, and what a failing service does."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

from tests.conftest import Gateway, GatewayFactory, Upstreams
from tests.servers import fake_service, raw_request, read_response, serve


def marker() -> str:
    return uuid.uuid4().hex


class TestRouting:
    async def test_a_request_reaches_its_service_with_method_path_query_and_body(
        self, gateway: Gateway, upstreams: Upstreams
    ) -> None:
        m = marker()
        response = await gateway.client.post(
            f"/api/partnerships/echo/{m}/a%20b?x=1&y=%C3%A9",
            content=b'{"amount_pence": 500}',
            headers={"Content-Type": "application/json", "X-Custom": "kept"},
        )
        assert response.status_code == 200
        echoed = response.json()
        assert echoed["service"] == "partnerships"
        assert echoed["method"] == "POST"
        assert echoed["raw_path"] == f"/echo/{m}/a%20b"
        assert echoed["query"] == "x=1&y=%C3%A9"
        assert echoed["body_bytes"] == len(b'{"amount_pence": 500}')
        headers = dict(echoed["headers"])
        assert headers["x-custom"] == "kept"
        assert headers["content-type"] == "application/json"
        # Nothing went to the other services.
        assert not upstreams.catalogue.seen.find(m)

    async def test_an_unknown_or_switched_off_service_is_a_404_problem(
        self, gateway: Gateway
    ) -> None:
        for path in ("/api/nosuch/v1/x", "/api/applications/v1/applications"):
            response = await gateway.client.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"] == "application/problem+json"
            assert "no service" in response.json()["detail"].lower()

    async def test_forwarding_headers_are_set_and_forged_ones_replaced(
        self, gateway: Gateway
    ) -> None:
        response = await gateway.client.get(
            f"/api/catalogue/echo/{marker()}",
            headers={
                "X-Forwarded-Host": "evil.example",
                "Forwarded": "for=6.6.6.6",
                "X-Real-IP": "6.6.6.6",
                "Host": "platform.example",
            },
        )
        headers = dict(response.json()["headers"])
        assert headers["x-forwarded-for"] == "127.0.0.1"
        assert headers["x-forwarded-proto"] == "http"
        assert headers["x-forwarded-host"] == "platform.example"
        assert headers["x-forwarded-prefix"] == "/api/catalogue"
        assert "forwarded" not in headers
        assert "x-real-ip" not in headers
        assert headers["host"].startswith("127.0.0.1:")

    async def test_the_request_id_goes_upstream_and_comes_back_once(self, gateway: Gateway) -> None:
        response = await gateway.client.get(
            f"/api/catalogue/echo/{marker()}", headers={"X-Request-ID": "trace-42"}
        )
        assert dict(response.json()["headers"])["x-request-id"] == "trace-42"
        assert response.headers.get_list("x-request-id") == ["trace-42"]

        fresh = await gateway.client.get(f"/api/catalogue/echo/{marker()}")
        upstream_id = dict(fresh.json()["headers"])["x-request-id"]
        assert len(upstream_id) == 32
        assert fresh.headers["x-request-id"] == upstream_id

    async def test_hop_by_hop_headers_are_dropped_both_ways(self, gateway: Gateway) -> None:
        response = await raw_request(
            gateway.port,
            b"GET /api/catalogue/echo/hop HTTP/1.1\r\nHost: x\r\n"
            b"Connection: keep-alive, X-Private-Hop\r\nX-Private-Hop: secret\r\n"
            b"Keep-Alive: timeout=5\r\nTE: trailers\r\nUpgrade: h2c\r\n"
            b"Proxy-Authorization: Basic Zm9vOmJhcg==\r\nX-End-To-End: yes\r\n\r\n",
        )
        assert response.status == 200
        sent = {name for name, _ in json.loads(response.body)["headers"]}
        assert "x-end-to-end" in sent
        for hop in ("x-private-hop", "keep-alive", "te", "upgrade", "proxy-authorization"):
            assert hop not in sent, hop
        # The service named X-Secret-Hop in its Connection header: it stays between them.
        assert "x-secret-hop" not in response.headers
        assert response.headers["x-upstream"] == "catalogue"
        # The gateway's own Date and Server, once each: the service's are not passed on.
        assert [n for n, _ in response.raw_headers].count("server") == 1
        assert [n for n, _ in response.raw_headers].count("date") == 1

    async def test_response_bodies_stream_through(self, gateway: Gateway) -> None:
        chunks = []
        async with gateway.client.stream(
            "GET", "/api/catalogue/stream", params={"chunks": 40, "size": 65536}
        ) as response:
            assert response.status_code == 200
            assert "content-length" not in response.headers  # chunked, not buffered
            async for chunk in response.aiter_raw():
                chunks.append(chunk)
        body = b"".join(chunks)
        assert len(body) == 40 * 65536
        assert body[:1] == b"A"
        assert body[-1:] == bytes([65 + 39 % 26])
        assert len(chunks) > 1

    async def test_a_chunked_upload_streams_to_the_service(self, gateway: Gateway) -> None:
        async def body() -> object:
            for _ in range(8):
                yield b"x" * 100_000

        response = await gateway.client.post("/api/catalogue/upload", content=body())
        assert response.status_code == 200
        assert response.json() == {"received": 800_000}


class TestPaths:
    async def test_traversal_and_smuggled_separators_are_refused(
        self, gateway: Gateway, upstreams: Upstreams
    ) -> None:
        m = marker()
        attempts = [
            f"/api/catalogue/../identity/echo/{m}",
            f"/api/catalogue/echo/../../identity/echo/{m}",
            f"/api/catalogue/echo/%2e%2e/{m}",
            f"/api/catalogue/echo/%2E%2E%2F{m}",
            f"/api/catalogue/echo%2f..%2f{m}",
            f"/api/catalogue/echo/..%5c{m}",
            f"/api/catalogue//echo/{m}",
            f"/api/catalogue/echo//{m}",
            f"/api/catalogue/echo/./{m}",
            f"/api/catalogue/echo/%00{m}",
        ]
        for path in attempts:
            response = await raw_request(
                gateway.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            )
            assert response.status == 400, path
            assert response.headers["content-type"] == "application/problem+json", path
        for upstream in (upstreams.catalogue, upstreams.identity, upstreams.partnerships):
            assert not upstream.seen.find(m)

    async def test_a_service_name_cannot_be_escaped_either(self, gateway: Gateway) -> None:
        for path in ("/api/../docs", "/api/%2e%2e/healthz", "/api/CATALOGUE/echo/x"):
            response = await raw_request(
                gateway.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
            )
            assert response.status == 404, path


class TestHeaderInjection:
    async def test_encoded_crlf_in_the_path_is_refused(
        self, gateway: Gateway, upstreams: Upstreams
    ) -> None:
        m = marker()
        path = f"/api/catalogue/echo/{m}%0d%0aX-Injected:%20yes"
        response = await raw_request(
            gateway.port, f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        assert response.status == 400
        assert not upstreams.catalogue.seen.find(m)

    async def test_encoded_crlf_in_the_query_stays_data(self, gateway: Gateway) -> None:
        response = await gateway.client.get(
            "/api/catalogue/echo/q", params={"q": "a\r\nX-Injected: yes"}
        )
        echoed = response.json()
        assert "x-injected" not in {name for name, _ in echoed["headers"]}
        assert "%0D%0A" in echoed["query"].upper()
        assert "x-injected" not in response.headers

    async def test_a_request_id_with_crlf_is_replaced(self, gateway: Gateway) -> None:
        response = await raw_request(
            gateway.port,
            b"GET /api/catalogue/echo/rid HTTP/1.1\r\nHost: x\r\n"
            b"X-Request-ID: abc%0d%0aSet-Cookie:%20session=evil\r\n\r\n",
        )
        assert response.status == 200
        assert "set-cookie" not in response.headers
        assert "%" not in response.headers["x-request-id"]

    async def test_a_raw_cr_or_lf_inside_a_header_never_reaches_a_service(
        self, gateway: Gateway, upstreams: Upstreams
    ) -> None:
        for bad in (b"X-Bad: a\rX-Injected: yes\r\n", b"X-Bad: a\nX-Injected : yes\r\n"):
            m = marker()
            data = f"GET /api/catalogue/echo/{m} HTTP/1.1\r\nHost: x\r\n".encode() + bad + b"\r\n"
            reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.write(data)
            await writer.drain()
            try:
                response = await asyncio.wait_for(read_response(reader), 5)
                assert response.status == 400
            except asyncio.IncompleteReadError:
                pass  # the server hung up on it: just as good
            finally:
                writer.close()
            assert not upstreams.catalogue.seen.find(m)


class TestBodyLimit:
    async def test_a_declared_1_gib_upload_is_refused_before_its_body_is_read(
        self, start_gateway: GatewayFactory, upstreams: Upstreams
    ) -> None:
        async with start_gateway() as gateway:
            before = len(upstreams.catalogue.seen.requests)
            reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.write(
                b"POST /api/catalogue/upload HTTP/1.1\r\nHost: x\r\n"
                b"Content-Type: application/octet-stream\r\n"
                b"Content-Length: 1073741824\r\n\r\n" + b"x" * 65536
            )
            await writer.drain()
            # Only 64 KiB of the 1 GiB was ever sent: the answer cannot have waited for the rest.
            response = await asyncio.wait_for(read_response(reader), 5)
            writer.close()
            assert response.status == 413
            assert response.headers["content-type"] == "application/problem+json"
            problem = json.loads(response.body)
            assert problem["limit_bytes"] == 1024 * 1024
            assert len(upstreams.catalogue.seen.requests) == before

    async def test_a_chunked_upload_is_cut_off_once_it_passes_the_limit(
        self, start_gateway: GatewayFactory, upstreams: Upstreams
    ) -> None:
        async with start_gateway(max_body_bytes=256 * 1024) as gateway:
            before = len(upstreams.catalogue.seen.requests)
            reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.write(
                b"POST /api/catalogue/upload HTTP/1.1\r\nHost: x\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            sent = 0
            chunk = b"10000\r\n" + b"y" * 65536 + b"\r\n"  # 64 KiB chunks, up to 1 GiB
            answer = asyncio.ensure_future(read_response(reader))
            try:
                while not answer.done() and sent < 1024**3:
                    writer.write(chunk)
                    await writer.drain()
                    sent += 65536
            except ConnectionError:
                pass
            response = await asyncio.wait_for(answer, 5)
            writer.close()
            assert response.status == 413
            assert sent < 64 * 1024 * 1024, f"{sent} bytes went in before the refusal"
            # The service never received a complete upload.
            completed = upstreams.catalogue.seen.requests[before:]
            assert all(r["raw_path"] != "/upload" for r in completed)

    async def test_an_upload_that_stalls_is_cut_off_with_408(
        self, start_gateway: GatewayFactory, upstreams: Upstreams
    ) -> None:
        async with start_gateway(read_timeout_seconds=0.3) as gateway:
            before = len(upstreams.catalogue.seen.requests)
            reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
            writer.write(
                b"POST /api/catalogue/upload HTTP/1.1\r\nHost: x\r\n"
                b"Content-Length: 100\r\n\r\n" + b"x" * 10
            )
            await writer.drain()  # ...and the other 90 bytes never come
            response = await asyncio.wait_for(read_response(reader), 5)
            writer.close()
            assert response.status == 408
            assert json.loads(response.body)["code"] == "request-timeout"
            assert all(
                r["raw_path"] != "/upload" for r in upstreams.catalogue.seen.requests[before:]
            )

    async def test_a_body_at_the_limit_passes(self, start_gateway: GatewayFactory) -> None:
        async with start_gateway(max_body_bytes=100_000) as gateway:
            ok = await gateway.client.post("/api/catalogue/upload", content=b"z" * 100_000)
            assert ok.json() == {"received": 100_000}
            refused = await gateway.client.post("/api/catalogue/upload", content=b"z" * 100_001)
            assert refused.status_code == 413


class TestFailures:
    async def test_a_stopped_service_answers_503_at_once_naming_it(
        self, start_gateway: GatewayFactory
    ) -> None:
        app, _ = fake_service("partnerships", {"id": str})
        async with serve(app) as upstream:
            # Long timeouts: a quick answer can only come from the refused connection.
            async with start_gateway(
                partnerships_url=upstream.url, connect_timeout_seconds=30, read_timeout_seconds=30
            ) as gateway:
                assert (await gateway.client.get("/api/partnerships/echo/up")).status_code == 200
                await upstream.stop()
                began = time.monotonic()
                response = await gateway.client.get("/api/partnerships/echo/down", timeout=1.0)
                elapsed = time.monotonic() - began
                assert response.status_code == 503
                assert response.headers["content-type"] == "application/problem+json"
                problem = response.json()
                assert problem["service"] == "partnerships"
                assert "partnerships" in problem["detail"]
                assert elapsed < 1.0

    async def test_a_service_that_sleeps_past_the_timeout_answers_504(
        self, start_gateway: GatewayFactory
    ) -> None:
        async with start_gateway(read_timeout_seconds=0.3) as gateway:
            response = await gateway.client.get("/api/catalogue/sleep", params={"seconds": 2})
            assert response.status_code == 504
            problem = response.json()
            assert problem["service"] == "catalogue"
            assert "0.3 s" in problem["detail"]
            # The gateway itself carries on.
            assert (await gateway.client.get("/api/catalogue/echo/after")).status_code == 200

    async def test_a_service_that_answers_garbage_is_a_502(
        self, start_gateway: GatewayFactory
    ) -> None:
        async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"this is not HTTP at all\r\n\r\n")
            await writer.drain()
            writer.close()

        server = await asyncio.start_server(garbage, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        try:
            async with start_gateway(catalogue_url=f"http://127.0.0.1:{port}") as gateway:
                response = await gateway.client.get("/api/catalogue/v1/courses")
                assert response.status_code == 502
                assert response.json()["service"] == "catalogue"
        finally:
            server.close()
            await server.wait_closed()

    async def test_an_upstream_problem_passes_through_unchanged(self, gateway: Gateway) -> None:
        response = await gateway.client.get("/api/catalogue/v1/nothing-here")
        assert response.status_code == 404
        # FastAPI's own 404 body, untouched by the gateway.
        assert response.json() == {"detail": "Not Found"}


async def test_many_concurrent_requests_share_the_pool(gateway: Gateway) -> None:
    async def one(i: int) -> str:
        response = await gateway.client.get(f"/api/catalogue/echo/concurrent-{i}")
        assert response.status_code == 200
        return str(response.json()["raw_path"])

    paths = await asyncio.gather(*(one(i) for i in range(200)))
    assert paths == [f"/echo/concurrent-{i}" for i in range(200)]
