"""One OpenAPI 3.1 document for the whole platform, merged from every service's ``/openapi.json``.

- Paths go under their gateway prefix: catalogue's ``/v1/courses`` is
  ``/api/catalogue/v1/courses``.
- Component names are namespaced per service (``catalogue.CourseRead``) and every ``$ref`` (and
  discriminator mapping) is rewritten, so two services' ``Course`` never collide.
- Tags and operation ids are prefixed with the service (``catalogue-courses``,
  ``catalogue-courses-list_courses``) and grouped per service in ``x-tagGroups``.
- Security schemes keep their names when every service defines them alike (all services share
  ``HTTPBearer``); identity's OAuth2 schemes come through with their token URLs made gateway paths.
  When identity is there but publishes no OAuth2 scheme, the platform's own is added (password and
  client-credentials flows at ``/api/identity/v1/token``) as an alternative wherever a bearer
  token is asked for, so the docs can sign in and call everything with the token they get.
- A service that cannot be reached is left out and named in ``x-unavailable-services``.
"""

from __future__ import annotations

import asyncio
import copy
import json
import time
from typing import Any

import aiohttp

COMPONENT_TYPES = (
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
TOKEN_PATH = "/v1/token"
PLATFORM_OAUTH2 = "OAuth2"
OAUTH_URL_FIELDS = ("authorizationUrl", "tokenUrl", "refreshUrl")

Document = dict[str, Any]


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


class _Renamer:
    """Rewrites one service's references to their namespaced component names."""

    def __init__(self, service: str, security_names: dict[str, str]) -> None:
        self.service = service
        self.security_names = security_names

    def component(self, kind: str, name: str) -> str:
        if kind == "securitySchemes":
            return self.security_names.get(name, name)
        return f"{self.service}.{name}"

    def ref(self, ref: str) -> str:
        parts = ref.split("/")
        if len(parts) >= 4 and parts[0] == "#" and parts[1] == "components":
            kind, name = parts[2], _unescape(parts[3])
            if kind in COMPONENT_TYPES:
                return "/".join(["#", "components", kind, _escape(self.component(kind, name))])
        return ref

    def walk(self, node: Any) -> Any:
        if isinstance(node, dict):
            out: dict[str, Any] = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    out[key] = self.ref(value)
                elif key == "discriminator" and isinstance(value, dict):
                    out[key] = self._discriminator(value)
                else:
                    out[key] = self.walk(value)
            return out
        if isinstance(node, list):
            return [self.walk(item) for item in node]
        return node

    def _discriminator(self, value: dict[str, Any]) -> dict[str, Any]:
        out = dict(value)
        mapping = value.get("mapping")
        if isinstance(mapping, dict):
            out["mapping"] = {
                k: self.ref(v) if isinstance(v, str) else v for k, v in mapping.items()
            }
        return out

    def security(self, requirements: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {self.security_names.get(name, name): scopes for name, scopes in req.items()}
            for req in requirements
        ]


def _gateway_url(service: str, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    return f"/api/{service}/{url.lstrip('/')}"


def _security_scheme(service: str, scheme: dict[str, Any]) -> dict[str, Any]:
    """A scheme with relative OAuth2 URLs (``v1/token``) turned into gateway paths."""
    scheme = copy.deepcopy(scheme)
    flows = scheme.get("flows")
    if isinstance(flows, dict):
        for flow in flows.values():
            if isinstance(flow, dict):
                for field in OAUTH_URL_FIELDS:
                    if isinstance(flow.get(field), str):
                        flow[field] = _gateway_url(service, flow[field])
    if isinstance(scheme.get("openIdConnectUrl"), str):
        scheme["openIdConnectUrl"] = _gateway_url(service, scheme["openIdConnectUrl"])
    return scheme


def merge(
    documents: dict[str, Document],
    *,
    unavailable: dict[str, str] | None = None,
    title: str = "Institutes of Technology platform API",
    version: str = "1.0.0",
) -> Document:
    """Merges service documents (in the given order) into one gateway document."""
    unavailable = unavailable or {}
    components: dict[str, dict[str, Any]] = {kind: {} for kind in COMPONENT_TYPES}
    paths: dict[str, Any] = {}
    webhooks: dict[str, Any] = {}
    tags: list[dict[str, Any]] = []
    tag_groups: list[dict[str, Any]] = []
    described: list[str] = []

    for service, doc in documents.items():
        source_components = doc.get("components") or {}
        security_names: dict[str, str] = {}
        for name, scheme in (source_components.get("securitySchemes") or {}).items():
            fixed = _security_scheme(service, scheme)
            existing = components["securitySchemes"].get(name)
            target = name if existing is None or existing == fixed else f"{service}.{name}"
            components["securitySchemes"][target] = fixed
            security_names[name] = target
        renamer = _Renamer(service, security_names)

        for kind in COMPONENT_TYPES:
            if kind == "securitySchemes":
                continue
            for name, value in (source_components.get(kind) or {}).items():
                components[kind][renamer.component(kind, name)] = renamer.walk(value)

        declared = {t["name"]: t for t in doc.get("tags") or [] if isinstance(t, dict)}
        service_tags: list[str] = []

        def tag_name(tag: str, prefix: str = service, seen: list[str] = service_tags) -> str:
            name = f"{prefix}-{tag}"
            if name not in seen:
                seen.append(name)
            return name

        default_security = doc.get("security")
        for path, item in (doc.get("paths") or {}).items():
            new_item = renamer.walk(item)
            for method in HTTP_METHODS:
                operation = new_item.get(method)
                if not isinstance(operation, dict):
                    continue
                if operation.get("operationId"):
                    operation["operationId"] = f"{service}-{operation['operationId']}"
                operation["tags"] = [tag_name(t) for t in operation.get("tags") or []] or [
                    tag_name("default")
                ]
                if "security" in operation:
                    operation["security"] = renamer.security(operation["security"])
                elif default_security:
                    operation["security"] = renamer.security(default_security)
            paths[f"/api/{service}{path}"] = new_item

        for name, item in (doc.get("webhooks") or {}).items():
            webhooks[f"{service}.{name}"] = renamer.walk(item)

        for name in service_tags:
            original = name[len(service) + 1 :]
            tag: dict[str, Any] = {"name": name}
            description = declared.get(original, {}).get("description")
            tag["description"] = f"{service}: {description or original}"
            tags.append(tag)
        tag_groups.append({"name": service, "tags": service_tags})
        info = doc.get("info") or {}
        described.append(f"- **{service}** (`/api/{service}`): {info.get('title', service)}")

    if "identity" in documents:
        _sign_in_through_identity(components["securitySchemes"], paths)

    lines = [
        "Every service of the platform behind one gateway. Each service's own paths are under "
        "`/api/<service>`; errors are RFC 9457 `application/problem+json`.",
        "",
        *described,
    ]
    if unavailable:
        lines += ["", "Not included (not answering when this document was made):"]
        lines += [f"- **{name}**: {reason}" for name, reason in unavailable.items()]
    merged: Document = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": "\n".join(lines)},
        "paths": paths,
    }
    if webhooks:
        merged["webhooks"] = webhooks
    used = {kind: value for kind, value in components.items() if value}
    if used:
        merged["components"] = used
    merged["tags"] = tags
    merged["x-tagGroups"] = tag_groups
    merged["x-unavailable-services"] = list(unavailable)
    return merged


def _sign_in_through_identity(schemes: dict[str, Any], paths: dict[str, Any]) -> None:
    if any(scheme.get("type") == "oauth2" for scheme in schemes.values()):
        return
    token_url = f"/api/identity{TOKEN_PATH}"
    schemes[PLATFORM_OAUTH2] = {
        "type": "oauth2",
        "description": "Access tokens from the identity service (form-encoded, RFC 6749): "
        "`grant_type=password` for people, `client_credentials` for API clients.",
        "flows": {
            "password": {"tokenUrl": token_url, "refreshUrl": token_url, "scopes": {}},
            "clientCredentials": {"tokenUrl": token_url, "scopes": {}},
        },
    }
    bearer = {name for name, scheme in schemes.items() if scheme.get("scheme") == "bearer"}
    for item in paths.values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict) or not operation.get("security"):
                continue
            requirements = operation["security"]
            if any(set(req) & bearer for req in requirements):
                requirements.append({PLATFORM_OAUTH2: []})


async def fetch(session: aiohttp.ClientSession, base_url: str, timeout: float) -> Document:
    """One service's document; raises ``ValueError`` with a short reason when it cannot."""
    try:
        async with session.get(
            f"{base_url}/openapi.json", timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            if response.status != 200:
                raise ValueError(f"/openapi.json answered {response.status}")
            body = await response.read()
    except aiohttp.ClientConnectorError as exc:
        raise ValueError("connection refused") from exc
    except (TimeoutError, aiohttp.ClientError) as exc:
        raise ValueError(f"no answer ({type(exc).__name__})") from exc
    try:
        doc = json.loads(body)
    except ValueError as exc:
        raise ValueError("/openapi.json is not JSON") from exc
    if not isinstance(doc, dict) or not str(doc.get("openapi", "")).startswith("3.1"):
        raise ValueError("/openapi.json is not an OpenAPI 3.1 document")
    return doc


class MergedOpenAPI:
    """Builds the merged document on demand, at most once per ``ttl`` seconds."""

    def __init__(self, services: dict[str, str], *, ttl: float, timeout: float) -> None:
        self.services = services
        self.ttl = ttl
        self.timeout = timeout
        self._cached: tuple[float, Document] | None = None
        self._lock = asyncio.Lock()

    async def document(self, session: aiohttp.ClientSession) -> Document:
        async with self._lock:
            now = time.monotonic()
            if self._cached is not None and now - self._cached[0] < self.ttl:
                return self._cached[1]
            names = list(self.services)
            results = await asyncio.gather(
                *(fetch(session, self.services[n], self.timeout) for n in names),
                return_exceptions=True,
            )
            documents: dict[str, Document] = {}
            unavailable: dict[str, str] = {}
            for name, result in zip(names, results, strict=True):
                if isinstance(result, dict):
                    documents[name] = result
                elif isinstance(result, ValueError):
                    unavailable[name] = str(result)
                else:
                    unavailable[name] = f"error ({type(result).__name__})"
            merged = merge(documents, unavailable=unavailable)
            self._cached = (time.monotonic(), merged)
            return merged
