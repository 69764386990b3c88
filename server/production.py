"""The production server: granian running the app factory over WSGI, tuned for 2 cores.

    python -m server.production [--bind HOST:PORT] [--workers N] [--threads N]

granian parses HTTP and manages connections in Rust and calls the WSGI app from a few blocking
threads per worker; on this app it answers a cached lookup at about 5x gunicorn's gthread workers
on the same machine (docs/benchmarks.md), since the Python left per request is the app's own.
2 web workers x 4 threads: pyoxigraph releases the GIL while it evaluates, so threads overlap on
in-process queries, and each worker has its own query processes for the rest. A worker that dies
(the in-process lane's watchdog ends one whose query ran past its limit) is started again.

Settings come from the environment (IMMUNALL_BIND, IMMUNALL_WEB_WORKERS, IMMUNALL_WEB_THREADS,
IMMUNALL_ACCESS_LOG) or the command line. A missing or corrupt store stops the start with one line
(server/startup.py) instead of workers failing one by one.
"""

from __future__ import annotations

import argparse
import os
import sys

DEFAULT_BIND = "127.0.0.1:8000"


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m server.production", description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default=os.environ.get("IMMUNALL_BIND", DEFAULT_BIND), help="HOST:PORT")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("IMMUNALL_WEB_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("IMMUNALL_WEB_THREADS", "4")),
                        help="request threads per worker")
    parser.add_argument("--access-log", action="store_true",
                        default=os.environ.get("IMMUNALL_ACCESS_LOG", "").lower() in {"1", "true", "yes", "on"})
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    host, _, port = options.bind.rpartition(":")
    from server.startup import check_store

    try:
        check_store()
    except RuntimeError as problem:
        print(f"Error: {problem}", file=sys.stderr)
        return 1
    # Each web worker starts its query processes with the app, so the first query does not wait.
    os.environ.setdefault("IMMUNALL_PREWARM", "1")
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "server:create_app",
        factory=True,
        interface=Interfaces.WSGI,
        address=host or "127.0.0.1",
        port=int(port),
        workers=options.workers,
        blocking_threads=options.threads,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        log_access=options.access_log,
        log_level=LogLevels.info if options.access_log else LogLevels.warning,
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
