"""The endpoint's refusals and failures, each with the HTTP status that names it.

Views raise these; one error handler renders any of them (server/pages/__init__.py: an HTML page
for a browser on a page route, else server/http.py's `error_response`, a short text/plain message),
so clients see the real reason: the parser's message, the time limit, the
read-only rule.
"""

from __future__ import annotations


class EndpointError(Exception):
    """An answer other than success; `str(error)` is the message the client reads."""

    status = 500
    headers: dict[str, str] = {}


class ProtocolViolation(EndpointError):
    """The request breaks the SPARQL 1.1 Protocol (two queries, wrong encoding...)."""

    status = 400


class QuerySyntax(EndpointError):
    """The query does not parse; the message is the parser's."""

    status = 400


class Refused(EndpointError):
    """A well-formed request this endpoint will not serve (SERVICE calls)."""

    status = 400


class ReadOnly(EndpointError):
    """An update: this endpoint never changes the data."""

    status = 403

    def __init__(self, detail: str = "") -> None:
        message = (
            "This SPARQL endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
            "DROP, CREATE, ADD, MOVE, COPY) is not accepted. The data changes only through a "
            "new build of the knowledge graph."
        )
        super().__init__(f"{message} {detail}".strip())


class NotAcceptable(EndpointError):
    status = 406


class UnsupportedMediaType(EndpointError):
    status = 415


class QueryTimeout(EndpointError):
    """The time limit was hit and the work was stopped."""

    status = 503
    headers = {"Retry-After": "5"}


class MemoryLimit(EndpointError):
    """The query process hit its memory cap and was stopped."""

    status = 503


class StoreUnavailable(EndpointError):
    """No store generation to serve yet (nothing built) or it cannot be opened."""

    status = 503
    headers = {"Retry-After": "30"}


class BackendFailure(EndpointError):
    """The query engine failed on a well-formed query."""

    status = 500


class RemoteFailure(EndpointError):
    """The external SPARQL endpoint answered with an error or nonsense."""

    status = 502


class TooLarge(EndpointError):
    status = 413


class TooManyRequests(EndpointError):
    """The client is over its share (server/admission.py): too many queries at once, or its query
    time per minute is spent."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after)}


class ClientGone(EndpointError):
    """The client hung up while its query waited or ran; the query was stopped (nobody reads this)."""

    status = 499
