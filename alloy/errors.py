"""The one error hierarchy; each face maps it once (HTTP status, exit code, notification)."""

from __future__ import annotations


class AlloyError(Exception):
    """Base of every error a user can cause. `code` is the wire code, `status` the HTTP one."""

    code = "INTERNAL_ERROR"
    status = 500

    def __init__(self, message: str, details: list | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details or [])

    def envelope(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(AlloyError):
    code, status = "BAD_REQUEST", 400


class Unauthorized(AlloyError):
    code, status = "UNAUTHORIZED", 401


class Forbidden(AlloyError):
    code, status = "FORBIDDEN", 403


class NotFound(AlloyError):
    code, status = "NOT_FOUND", 404


class Conflict(AlloyError):
    code, status = "CONFLICT", 409


class Invalid(AlloyError):
    code, status = "VALIDATION_ERROR", 422


class RateLimited(AlloyError):
    code, status = "RATE_LIMITED", 429


class Unavailable(AlloyError):
    """The server could not be reached (remote mode)."""

    code, status = "UNAVAILABLE", 503


class NotConfigured(AlloyError):
    """A server-level feature (object storage, an integration) lacks its ALLOY_* settings."""

    code, status = "NOT_CONFIGURED", 503


BY_CODE = {cls.code: cls for cls in (BadRequest, Unauthorized, Forbidden, NotFound, Conflict,
                                     Invalid, RateLimited, Unavailable, NotConfigured,
                                     AlloyError)}


def from_envelope(status: int, body: object) -> AlloyError:
    """Rebuild the core error from an HTTP error envelope (RemoteClient side)."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        cls = {400: BadRequest, 401: Unauthorized, 403: Forbidden, 404: NotFound, 409: Conflict,
               422: Invalid, 429: RateLimited}.get(status, AlloyError)
        return cls(f"HTTP {status}")
    cls = BY_CODE.get(str(err.get("code", "")).upper(), AlloyError)
    return cls(str(err.get("message", f"HTTP {status}")), err.get("details") or [])
