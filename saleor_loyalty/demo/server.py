"""Serve the demo's API and GraphiQL on 127.0.0.1 with Django's development server machinery.

A thread per connection (a browser opens several at once, and Chromium's speculative
connections would stall a server that takes one at a time), on the loopback interface only: a
local playground, not a deployment. ``serve`` returns when Ctrl-C, SIGTERM or ``server.shutdown()`` (from another thread)
stops it, so that the embedded PostgreSQL is shut down and deleted on the way out.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler, WSGIServer
from django.core.wsgi import get_wsgi_application

HOST = "127.0.0.1"


def make_server(port: int) -> WSGIServer:
    """A server bound to ``HOST:port`` (0 picks a free port) running the demo's Django project."""
    server = ThreadedWSGIServer((HOST, port), WSGIRequestHandler, ipv6=False)
    server.daemon_threads = True  # an idle keep-alive connection must not hold the process open
    server.set_app(get_wsgi_application())
    return server


def serve(server: WSGIServer, *, write: Callable[[str], Any] = print) -> None:
    try:
        with _stop_on_signals():
            server.serve_forever()
    except KeyboardInterrupt:
        write("\nStopped.")
    finally:
        server.server_close()


def _interrupt(_signum: int, _frame: Any) -> NoReturn:
    raise KeyboardInterrupt


@contextmanager
def _stop_on_signals() -> Iterator[None]:
    """Turn SIGTERM, and SIGINT even where the shell made it ignored, into ``KeyboardInterrupt``.

    Killed by an unhandled signal, Python would skip its exit handlers and leave the embedded
    PostgreSQL server running.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread; a test serving from a thread stops it itself
        return
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
