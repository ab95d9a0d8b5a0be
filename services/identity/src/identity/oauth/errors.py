"""RFC 6749 §5.2 errors as problem documents: the body has the problem fields (``type``,
``title``, ``status``, ``detail`` ...) and OAuth's ``error`` and ``error_description``."""

from __future__ import annotations

from typing import Any, ClassVar

from servicekit.errors import ProblemError, TooManyRequests

NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


class OAuthError(ProblemError):
    status = 400
    code = "invalid-request"
    title = "Invalid token request"
    error: ClassVar[str] = "invalid_request"

    def __init__(self, description: str, **kwargs: Any) -> None:
        super().__init__(description, **kwargs)
        self.extra = {"error": self.error, "error_description": description, **self.extra}
        for name, value in NO_STORE.items():
            self.headers.setdefault(name, value)


class InvalidRequest(OAuthError):
    pass


class InvalidClient(OAuthError):
    status = 401
    code = "invalid-client"
    title = "Client authentication failed"
    error = "invalid_client"

    def __init__(self, description: str, **kwargs: Any) -> None:
        super().__init__(description, **kwargs)
        self.headers.setdefault("WWW-Authenticate", 'Basic realm="identity"')


class InvalidGrant(OAuthError):
    code = "invalid-grant"
    title = "The grant is not valid"
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    code = "unauthorized-client"
    title = "The client may not use this grant"
    error = "unauthorized_client"


class UnsupportedGrantType(OAuthError):
    code = "unsupported-grant-type"
    title = "Unsupported grant type"
    error = "unsupported_grant_type"


class InvalidScope(OAuthError):
    code = "invalid-scope"
    title = "The requested scope is not allowed"
    error = "invalid_scope"


class SignInThrottled(TooManyRequests):
    """429 with ``Retry-After``; also carries an OAuth ``error`` for token clients."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Too many failed sign-ins. Try again in {retry_after} seconds.",
            headers={"Retry-After": str(retry_after), **NO_STORE},
            extra={
                "error": "temporarily_unavailable",
                "error_description": "Too many failed sign-ins; try again later.",
                "retry_after": retry_after,
            },
        )
