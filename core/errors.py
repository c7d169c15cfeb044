"""Domain errors raised by services. Views turn them into form errors or messages, the API into
400 / 403 / 404 / 409 responses with one error format (core.api.exception_handler)."""


class DomainError(Exception):
    """A business rule refused the change. Maps to a form error or an HTTP 400."""

    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None,
                 extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code or self.default_code
        self.extra = extra or {}


class Conflict(DomainError):
    """The change was based on a stale state or races another one. HTTP 409."""

    status_code = 409
    default_code = "conflict"


class Forbidden(DomainError):
    """The user may see the object but not do this to it. HTTP 403."""

    status_code = 403
    default_code = "permission_denied"
