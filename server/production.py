"""The production server: granian running the app, tuned for 2 cores.

    python -m server.production [--bind HOST:PORT] [--workers N] [--threads N] [--access-log]

granian parses HTTP and manages connections in Rust. It runs the WSGI app through its RSGI
interface (server/gateway.py), which tells the app when a client hangs up, so that client's query
is stopped. One web worker by default with WEB_THREADS request threads: pyoxigraph releases the GIL
while it evaluates, the worker's query processes do the rest, and the per-client limits
(server/admission.py) see every request. A worker that dies (the page-query watchdog ends one whose
query ran past its limit) is started again.

Settings: BIND, WEB_WORKERS, WEB_THREADS, ACCESS_LOG in server/config.py (environment), or the
command line. A missing or corrupt store stops the start with one line (server/startup.py).
"""

from __future__ import annotations

import argparse
import os
import sys

from server import config


def _options(argv: list[str] | None) -> argparse.Namespace:
    values = config.load()
    parser = argparse.ArgumentParser(prog="python -m server.production", description=__doc__.split("\n")[0])
    parser.add_argument("--bind", default=values["BIND"], help="HOST:PORT")
    parser.add_argument("--workers", type=int, default=values["WEB_WORKERS"])
    parser.add_argument("--threads", type=int, default=values["WEB_THREADS"], help="request threads per worker")
    parser.add_argument("--access-log", action="store_true", default=values["ACCESS_LOG"])
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
    # The check opened the store; this process only supervises the workers (which it forks, so
    # they would inherit the check's heap too): give that memory back (about 30 MB at 1M triples).
    import gc

    from server.evaluate import trim_heap

    gc.collect()
    trim_heap()
    # Each web worker starts its query processes with the app, so the first query does not wait.
    os.environ.setdefault("IMMUNALL_PREWARM", "1")
    os.environ["IMMUNALL_WEB_THREADS"] = str(options.threads)  # read by the gateway in each worker
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    Granian(
        "server.gateway:create_gateway",
        factory=True,
        interface=Interfaces.RSGI,
        address=host or "127.0.0.1",
        port=int(port),
        workers=options.workers,
        respawn_failed_workers=True,
        respawn_interval=0.5,
        log_access=options.access_log,
        log_level=LogLevels.info if options.access_log else LogLevels.warning,
    ).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
