"""``POST /v1/token`` (OAuth2, form-encoded), ``POST /v1/logout`` and ``GET /v1/jwks.json``."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from identity.deps import KeyRingDep, PasswordsDep, SettingsDep, ThrottlerDep
from identity.keys import public_jwk, published_keys
from identity.oauth import service
from identity.oauth.errors import (
    NO_STORE,
    InvalidClient,
    InvalidRequest,
    SignInThrottled,
    UnsupportedGrantType,
)
from identity.throttle import client_address
from servicekit.auth import OptionalPrincipal
from servicekit.db import SessionDep
from servicekit.errors import ProblemError, Unauthorized

router = APIRouter(prefix="/v1")

FORM = "application/x-www-form-urlencoded"
_FIELDS = (
    "grant_type",
    "username",
    "password",
    "scope",
    "refresh_token",
    "client_id",
    "client_secret",
)


class TokenRequest(BaseModel):
    """The form fields of a token request (RFC 6749 §4.3, §4.4, §6)."""

    grant_type: str = Field(description="`password`, `client_credentials` or `refresh_token`")
    username: str | None = Field(default=None, description="The account's email (password)")
    password: str | None = Field(default=None, description="The password (password)")
    refresh_token: str | None = Field(default=None, description="(refresh_token)")
    scope: str | None = Field(default=None, description="Space-separated (client_credentials)")
    client_id: str | None = Field(default=None, description="Or use HTTP Basic")
    client_secret: str | None = Field(default=None, description="Or use HTTP Basic")


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int
    refresh_token: str | None = Field(default=None, description="Password and refresh grants")
    scope: str | None = Field(default=None, description="Client-credentials grants")


def _problem_docs(*errors: type[ProblemError]) -> dict[int | str, dict[str, Any]]:
    docs: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        docs.update(error.schema_response())
    return docs


async def read_form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise InvalidRequest(f"The token endpoint takes {FORM}.")
    body = await request.body()
    try:
        pairs = parse_qsl(
            body.decode("utf-8"), keep_blank_values=True, strict_parsing=False, max_num_fields=20
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise InvalidRequest("The form is not valid UTF-8 form encoding.") from exc
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise InvalidRequest(f"The parameter {name} is repeated.")
        if name in _FIELDS and any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise InvalidRequest(f"The parameter {name} has control characters.")
        form[name] = value
    return form


def client_credentials(request: Request, form: dict[str, str]) -> tuple[str, str] | None:
    """From HTTP Basic (RFC 6749 §2.3.1) or the form; both at once is refused."""
    header = request.headers.get("authorization", "")
    in_form = "client_id" in form or "client_secret" in form
    if header.lower().startswith("basic "):
        if in_form:
            raise InvalidRequest("Send client credentials in one way only.")
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
            raw_id, raw_secret = decoded.split(":", 1)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise InvalidClient("The Basic credentials are malformed.") from exc
        return unquote_plus(raw_id), unquote_plus(raw_secret)
    if in_form:
        return form.get("client_id", ""), form.get("client_secret", "")
    return None


@router.post(
    "/token",
    tags=["tokens"],
    summary="Get tokens (OAuth2: password, client_credentials, refresh_token)",
    description="Form-encoded. `grant_type=password` with `username` (the email) and "
    "`password` answers an access token (15 minutes) and a refresh token; "
    "`grant_type=refresh_token` rotates the refresh token (a used one revokes every token of "
    "that sign-in); `grant_type=client_credentials` with `client_id`/`client_secret` (form or "
    "HTTP Basic) answers a client token with the client's scopes. Errors carry RFC 6749's "
    "`error` inside a problem document. Repeated failed sign-ins answer 429 with `Retry-After`.",
    response_model=TokenResponse,
    responses={
        **_problem_docs(InvalidRequest, InvalidClient, SignInThrottled),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {FORM: {"schema": TokenRequest.model_json_schema()}},
        }
    },
)
async def token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    keyring: KeyRingDep,
    passwords: PasswordsDep,
    throttler: ThrottlerDep,
) -> JSONResponse:
    form = await read_form(request)
    grant = form.get("grant_type", "")
    ctx = service.Context(
        session, settings, keyring, passwords, throttler, client_address(request, settings)
    )
    if grant == "password":
        body = await service.password_grant(ctx, form)
    elif grant == "refresh_token":
        body = await service.refresh_grant(ctx, form)
    elif grant == "client_credentials":
        body = await service.client_credentials_grant(ctx, form, client_credentials(request, form))
    elif not grant:
        raise InvalidRequest("grant_type is required.")
    else:
        raise UnsupportedGrantType(
            "grant_type must be password, client_credentials or refresh_token."
        )
    return JSONResponse(body, headers=NO_STORE)


@router.post(
    "/logout",
    tags=["tokens"],
    summary="Sign out: revoke a refresh token's whole sign-in",
    description="Form-encoded `refresh_token`. Revokes it and every token rotated from it. "
    "Answers 204 whether or not the token was valid (RFC 7009). With a bearer token and "
    "`everywhere=true`, revokes every sign-in of that user. Access tokens stay valid until they "
    "expire (15 minutes at most).",
    status_code=204,
    responses=_problem_docs(InvalidRequest, Unauthorized),
    openapi_extra={
        "requestBody": {
            "content": {
                FORM: {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "refresh_token": {"type": "string"},
                            "everywhere": {"type": "string", "enum": ["true", "false"]},
                        },
                    }
                }
            }
        }
    },
)
async def logout(request: Request, session: SessionDep, principal: OptionalPrincipal) -> Response:
    form = await read_form(request)
    token = form.get("refresh_token", "")
    everywhere = form.get("everywhere", "false").lower() == "true"
    if not token and not everywhere:
        raise InvalidRequest("Send refresh_token, or everywhere=true with a bearer token.")
    if token:
        row = await service.find_refresh_token(session, token)
        if row is not None:
            await service.revoke_family(session, row.family_id)
    if everywhere:
        if principal is None or principal.user_id is None:
            raise Unauthorized("everywhere=true needs the user's bearer token.")
        await service.revoke_user_tokens(session, principal.user_id)
    return Response(status_code=204, headers=NO_STORE)


@router.get(
    "/jwks.json",
    tags=["tokens"],
    summary="The public keys that verify access tokens (JWKS)",
    description="Every key that signs now or signed a token that has not expired yet.",
)
async def jwks(session: SessionDep) -> JSONResponse:
    keys = [public_jwk(k.kid, k.public_pem) for k in await published_keys(session)]
    return JSONResponse({"keys": keys}, headers={"Cache-Control": "public, max-age=300"})
