"""The security headers the middleware adds, for the answers given in front of Django (the
fast poll, the streams): SecurityMiddleware, XFrameOptionsMiddleware, the CSP middleware."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.csp import build_policy


@cache
def _always() -> tuple[tuple[bytes, bytes], ...]:
    headers = []
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append(("Referrer-Policy", settings.SECURE_REFERRER_POLICY))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        headers.append(("Cross-Origin-Opener-Policy", settings.SECURE_CROSS_ORIGIN_OPENER_POLICY))
    headers.append(("X-Frame-Options", getattr(settings, "X_FRAME_OPTIONS", "DENY")))
    if getattr(settings, "SECURE_CSP", None):
        headers.append(("Content-Security-Policy", build_policy(settings.SECURE_CSP)))
    return tuple((k.encode(), v.encode()) for k, v in headers)


def is_secure(scope, headers: dict[bytes, bytes]) -> bool:
    proxy = settings.SECURE_PROXY_SSL_HEADER
    if proxy:
        name = proxy[0].removeprefix("HTTP_").replace("_", "-").lower().encode()
        return headers.get(name, b"").decode("latin-1") == proxy[1]
    return scope.get("scheme") == "https"


def security_headers(secure: bool) -> list[tuple[bytes, bytes]]:
    out = list(_always())
    if secure and settings.SECURE_HSTS_SECONDS:
        value = f"max-age={settings.SECURE_HSTS_SECONDS}"
        if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS:
            value += "; includeSubDomains"
        if settings.SECURE_HSTS_PRELOAD:
            value += "; preload"
        out.append((b"Strict-Transport-Security", value.encode()))
    return out
