"""Run an ASGI app with uvicorn in a background thread on a free loopback port."""

from __future__ import annotations

import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

from .postgres import free_port


class LiveServer:
    """A real HTTP server for browser and end-to-end tests.

    ::

        with LiveServer(create_app()) as server:
            page.goto(server.url + "/clients")
    """

    def __init__(
        self,
        app: Any,
        *,
        startup_timeout: float = 15.0,
        shutdown_timeout: int = 10,
        attempts: int = 3,
    ) -> None:
        self.app = app
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        self.attempts = attempts
        self.host = "127.0.0.1"
        self.port: int | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. ``http://127.0.0.1:41234``."""
        if self.port is None:
            raise RuntimeError("LiveServer is not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> LiveServer:
        if self._thread is not None:
            return self
        for attempt in range(1, self.attempts + 1):
            if self._try_start(free_port()):
                return self
            # uvicorn exits (SystemExit) when it cannot bind: the port may have been
            # taken between free_port() and bind, so try another. Other failures
            # (e.g. the app's startup raising) would only repeat.
            if attempt == self.attempts or not isinstance(self._error, SystemExit):
                raise RuntimeError(f"uvicorn did not start: {self._error!r}") from self._error
        raise AssertionError("unreachable")

    def _try_start(self, port: int) -> bool:
        config = uvicorn.Config(
            self.app,
            host=self.host,
            port=port,
            log_level="warning",
            # Leave logging configuration alone: its messages reach the root logger
            # (and pytest's log capture) instead of a handler bound to a stream that
            # pytest closes after the test.
            log_config=None,
            lifespan="on",
            timeout_graceful_shutdown=self.shutdown_timeout,
        )
        server = uvicorn.Server(config)
        self._error = None
        thread = threading.Thread(target=self._serve, args=(server,), name=f"live-server-{port}", daemon=True)
        thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                thread.join(self.shutdown_timeout)
                if self._error is None:
                    self._error = RuntimeError(
                        f"uvicorn on port {port} did not start within {self.startup_timeout} s (see the captured log)"
                    )
                return False
            time.sleep(0.01)
        self._server, self._thread, self.port = server, thread, port
        return True

    def _serve(self, server: uvicorn.Server) -> None:
        # uvicorn calls sys.exit(1) when it cannot bind or the lifespan fails; keep
        # that (and anything else) out of threading.excepthook and report it in start().
        try:
            server.run()
        except BaseException as exc:
            self._error = exc

    def stop(self) -> None:
        if self._server is None or self._thread is None:
            return
        self._server.should_exit = True
        self._thread.join(self.shutdown_timeout + 5)
        alive = self._thread.is_alive()
        self._server = self._thread = None
        self.port = None
        if alive:
            raise RuntimeError("uvicorn did not shut down in time")
        if self._error is not None:
            raise RuntimeError(f"uvicorn failed while serving: {self._error!r}") from self._error

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
