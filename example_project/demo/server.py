"""A threaded WSGI server for the demo that binds before it announces its URL.

Django's own ``runserver`` prints its address before binding and logs every request line with
its query string; the magic link's token travels in the query string, so this handler logs the
path only.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

_QUERY = re.compile(r"\?\S*")


class RedactingRequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        if args and isinstance(args[0], str):
            args = (_QUERY.sub("?...", args[0]), *args[1:])
        super().log_message(format, *args)


def bind(host: str, port: int) -> ThreadedWSGIServer:
    """Listen on (host, port); port 0 picks a free one (``server.server_address[1]``)."""
    server = ThreadedWSGIServer((host, port), RedactingRequestHandler, ipv6=":" in host)
    application = get_wsgi_application()
    # Under DEBUG, serve the SPA's static files the way runserver does: no collectstatic step.
    server.set_app(StaticFilesHandler(application) if settings.DEBUG else application)
    return server
