"""gunicorn settings for production on a 2-core machine.

    gunicorn -c server/gunicorn_conf.py "server:create_app()"

Query evaluation runs in the app's own worker processes (QUERY_WORKERS per web worker), so the
web workers mostly wait on sockets: threads serve concurrent clients cheaply, and two web
workers keep the service up while one restarts. 2 web workers x 2 query processes lets two
expensive queries use both cores while cheap ones still find a free process.
Every value can be overridden with an environment variable or on the command line.
"""

from __future__ import annotations

import os

bind = os.environ.get("IMMUNALL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("IMMUNALL_WEB_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("IMMUNALL_WEB_THREADS", "4"))
# The query time limit is enforced by the app; give requests some room beyond it.
timeout = int(float(os.environ.get("IMMUNALL_QUERY_TIMEOUT", "10"))) + 30
graceful_timeout = 30
keepalive = 5
# Long GET queries are legitimate; the app answers 413 past MAX_REQUEST_BYTES instead.
limit_request_line = 0
# Each web worker starts its own query processes after the fork; nothing shared.
preload_app = False
accesslog = "-"
errorlog = "-"

# Start the query processes with the web worker, so the first query does not wait for them.
os.environ.setdefault("IMMUNALL_PREWARM", "1")


def on_starting(server) -> None:  # noqa: ARG001 - gunicorn's hook signature
    """Refuse to start on a missing or corrupt store, with one clear line (server/startup.py)."""
    from server.startup import check_store

    check_store()
