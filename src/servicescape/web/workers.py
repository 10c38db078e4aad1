"""Several server processes on one port, with the connections spread evenly among them.

uvicorn's own workers share one listening socket, and whichever process waits in ``accept()``
takes the next connection: under load one process held 18 of 20 connections (their requests
queued behind each other while the other process sat idle, and the slowest answers took three
times the median). Here each worker opens its own socket on the same address with
``SO_REUSEPORT``, and Linux hands every new connection to one of them by a hash of its
addresses, as nginx's ``reuse_port`` does. The parent checks that the address is free, starts
the workers, starts a worker again when one dies, and stops them all on Ctrl+C or SIGTERM.
Where the system has no ``SO_REUSEPORT``, uvicorn's own workers serve instead.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import time
from multiprocessing.process import BaseProcess
from types import FrameType

APP_FACTORY = "servicescape.web.app:create_served_app"
#: a worker that dies sooner than this after its start is not started again: it would only die again
SHORTEST_LIFE_SECONDS = 10.0
#: how long the workers have to finish the requests in hand when asked to stop
STOP_SECONDS = 30.0
BACKLOG = 2048  # uvicorn's own default

log = logging.getLogger("servicescape.workers")


def can_share_port() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int, *, listen: bool = True) -> socket.socket:
    """A socket bound to ``host:port`` that other sockets with ``SO_REUSEPORT`` may share."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    if listen:
        sock.listen(BACKLOG)
    return sock


def _worker(host: str, port: int) -> None:
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(APP_FACTORY, factory=True, log_level="info", proxy_headers=False)
    uvicorn.Server(config).run(sockets=[sock])


def serve_workers(host: str, port: int, workers: int) -> int:
    """Run ``workers`` server processes on ``host:port`` until stopped; the exit status (0 when
    stopped by a signal, 1 when a worker kept dying)."""
    # bound but not listening: the address is ours (a clear error now if another program holds
    # it), and no connection is ever handed to this socket
    guard = listening_socket(host, port, listen=False)
    context = multiprocessing.get_context("spawn")
    stopping = False

    def stop(_signal: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    started: dict[BaseProcess, float] = {}

    def start() -> None:
        process = context.Process(target=_worker, args=(host, port), name="servicescape-worker")
        process.start()
        started[process] = time.monotonic()

    status = 0
    try:
        for _ in range(workers):
            start()
        while not stopping:
            time.sleep(0.2)
            for process, since in list(started.items()):
                if process.is_alive() or stopping:
                    continue
                del started[process]
                if time.monotonic() - since < SHORTEST_LIFE_SECONDS:
                    log.error("a server process stopped %.1f s after its start (exit status %s): stopping",
                              time.monotonic() - since, process.exitcode)
                    status, stopping = 1, True
                    break
                log.warning("a server process stopped (exit status %s): starting another", process.exitcode)
                start()
    finally:
        for process in started:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes the requests in hand
        deadline = time.monotonic() + STOP_SECONDS
        for process in started:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        guard.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return status
