"""What the ASGI server runs around Django (config/asgi.py):

- ``lifespan``: the process's hub starts listening when the server starts (so the versions in
  Redis are kept even before the first stream) and stops with it;
- the event streams (live/endpoints.py) and the unchanged wall poll (live/poll.py) are served
  here, in front of Django: a stream must not hold one of Django's per-request threads for its
  whole life, and an unchanged poll needs none of the middleware. Everything else is Django's."""

from __future__ import annotations

from django.conf import settings

from .endpoints import serve_stream
from .hub import hub
from .poll import not_modified


async def _lifespan(receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            if getattr(settings, "TIERLINE_PUSH", True):
                hub.ensure_started()
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await hub.stop()
            await send({"type": "lifespan.shutdown.complete"})
            return


def wrap(django_app):
    """The ASGI application: Django, with the hub's lifespan, the streams and the fast poll
    in front."""

    async def application(scope, receive, send):
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if await serve_stream(scope, receive, send):
            return
        headers = await not_modified(scope)
        if headers is None:
            await django_app(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    return application
