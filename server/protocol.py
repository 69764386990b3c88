"""Read a SPARQL 1.1 Protocol query operation out of an HTTP request.

Pure over its inputs (method, content type, URL parameters, form, body) so that each rule of the
protocol is tested without a server. Query via GET, via POST form-encoded, via POST directly
(application/sparql-query); anything that tries an update is refused as read-only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from werkzeug.datastructures import MultiDict

from server.errors import ProtocolViolation, ReadOnly, UnsupportedMediaType

FORM = "application/x-www-form-urlencoded"
DIRECT_QUERY = "application/sparql-query"
DIRECT_UPDATE = "application/sparql-update"
_HIGH_ESCAPE = re.compile(rb"%[89a-fA-F][0-9a-fA-F]")


@dataclass(frozen=True)
class Operation:
    """A query (or None: the client asked for the service description) and its dataset."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()

    @property
    def protocol_dataset(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


def _one_query(values: list[str]) -> str | None:
    if len(values) > 1:
        raise ProtocolViolation(
            f"Exactly one 'query' parameter is allowed; this request has {len(values)}."
        )
    return values[0] if values else None


def _dataset(*sources: MultiDict[str, str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    default = tuple(iri for source in sources for iri in source.getlist("default-graph-uri"))
    named = tuple(iri for source in sources for iri in source.getlist("named-graph-uri"))
    for name, iris in (("default-graph-uri", default), ("named-graph-uri", named)):
        for iri in iris:
            _check_iri(name, iri)
    return default, named


def _check_iri(name: str, iri: str) -> None:
    """A graph IRI the engine will accept, else a 400 naming the parameter and the value."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(iri)
    except ValueError as error:
        raise ProtocolViolation(f"{name} must be an absolute IRI; {iri[:200]!r} is not one ({error}).") from None


def _refuse_updates(*sources: MultiDict[str, str]) -> None:
    for source in sources:
        if "update" in source or "using-graph-uri" in source or "using-named-graph-uri" in source:
            raise ReadOnly()


def read_operation(
    method: str,
    mimetype: str,
    mimetype_params: Mapping[str, str],
    args: MultiDict[str, str],
    form: MultiDict[str, str],
    body: bytes,
) -> Operation:
    """The query operation a request carries, or an EndpointError saying why it is not one."""
    if method in {"GET", "HEAD"}:
        _refuse_updates(args)
        return Operation(_one_query(args.getlist("query")), *_dataset(args))
    if method != "POST":
        raise ProtocolViolation(f"Method {method} is not part of the SPARQL query protocol.")
    if mimetype == FORM:
        _refuse_updates(args, form)
        query = _one_query(args.getlist("query") + form.getlist("query"))
        return Operation(query, *_dataset(args, form))
    if mimetype == DIRECT_UPDATE:
        raise ReadOnly()
    if mimetype == DIRECT_QUERY:
        _refuse_updates(args)
        if "query" in args:
            raise ProtocolViolation("A direct POST carries the query in its body, not in the URL.")
        charset = mimetype_params.get("charset", "utf-8").lower()
        if charset not in {"utf-8", "utf8"}:
            raise ProtocolViolation(f"A direct POST query must be UTF-8, not {charset}.")
        try:
            query = body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ProtocolViolation(f"The query is not valid UTF-8: {error}") from error
        return Operation(query, *_dataset(args))
    if not mimetype and not body:
        _refuse_updates(args)
        return Operation(_one_query(args.getlist("query")), *_dataset(args))
    raise UnsupportedMediaType(
        f"POST a query as {FORM} (query=...) or as {DIRECT_QUERY}; "
        f"got {mimetype or 'no Content-Type'}."
    )


def check_utf8(encoded: bytes, where: str) -> None:
    """A URL-encoded string (query string, form body) whose values are all UTF-8, else a 400.

    Werkzeug would replace or drop what does not decode, so a form with a broken byte would lose
    its query and read as a request for the service description. One decode of the whole string
    is the same test as one per value: the separators are ASCII, which never completes or
    continues a multi-byte sequence."""
    if encoded.isascii() and not _HIGH_ESCAPE.search(encoded):
        return  # no byte above 0x7f, raw or escaped: ASCII, so UTF-8 (the common case, checked in C)
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolViolation(f"The {where} is not valid UTF-8: {error}") from error
