"""The external-endpoint backend: forward a query to another SPARQL 1.1 server over HTTP.

The answer is parsed with pyoxigraph and written again in the format the client negotiated, with
ImmunALL's row cap, so a client cannot tell the two backends apart. Three things make that hold
against real servers (tests/test_virtuoso.py runs them against Virtuoso 7.2):

- Accept names only the family the query's form returns. Virtuoso serves the first type listed
  whatever the form, so a combined header got CONSTRUCT and DESCRIBE back as SPARQL JSON
  bindings of ?s ?p ?o.
- The dataset is pinned. ImmunALL's default graph is the union of its named graphs, and GRAPH ?g
  ranges over them. A remote server's default graph is whatever it is configured to use, e.g. in
  Virtuoso it is every graph, its own system graphs included (about 2,500 more triples). So a
  query that names no dataset (no FROM, no protocol graphs) is sent with `default-graph-uri`
  and `named-graph-uri` set to `SPARQL_ENDPOINT_GRAPHS`, which is the standard way to say "this
  dataset" and works the same on any server.
- An ASK answered as bindings counts as a boolean. Virtuoso 7.2 answers ASK with one variable
  `__ASK_RETVAL`: one row holding 1 for true, no rows for false.

A remote server may also cut answers with its own row limit (Virtuoso's `ResultSetMaxRows`,
10 000 in Debian's virtuoso.ini). Virtuoso says so for SELECT with `X-SPARQL-MaxRows`, which
marks the answer truncated here too (also when the result has exactly that many rows); it cuts
CONSTRUCT and DESCRIBE without a word, so its limit must stay above MAX_RESULT_ROWS.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping, Sequence

import pyoxigraph as ox
import requests

from immunall.generation import Generation
from server.admission import Admission, Client, admit
from server.errors import QuerySyntax, QueryTimeout, RemoteFailure
from server.evaluate import QueryJob
from server.results import Answer, as_triples, boolean_answer, solutions_answer, triples_answer

# Formats pyoxigraph parses, best first, for each family of answer.
RESULTS_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/tab-separated-values;q=0.8"
)
GRAPH_ACCEPT = (
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.8, application/ld+json;q=0.7"
)
ACCEPT_FOR_FORM = {
    "SELECT": RESULTS_ACCEPT,
    "ASK": RESULTS_ACCEPT,
    "CONSTRUCT": GRAPH_ACCEPT,
    "DESCRIBE": GRAPH_ACCEPT,
}
ANY_ACCEPT = f"{RESULTS_ACCEPT}, {GRAPH_ACCEPT}"  # form unknown: let the remote decide
MAX_REMOTE_BYTES = 256 * 1024 * 1024
REMOTE_CUT_HEADER = "X-SPARQL-MaxRows"  # Virtuoso: the answer hit its ResultSetMaxRows
TRUE_VALUES = frozenset({"1", "true"})


class RemoteBackend:
    """Forward queries to an external SPARQL 1.1 endpoint over HTTP (POST, form-encoded).

    The time limit covers the whole exchange; when it passes the connection is dropped (the
    remote server's own limits decide when it stops working).
    """

    def __init__(self, endpoint: str, graphs: Sequence[str] = (), fresh_seconds: float = 60,
                 admission: Admission | None = None) -> None:
        self.endpoint = endpoint
        self.graphs = tuple(graphs)
        self.fresh_seconds = max(1.0, fresh_seconds)
        self.admission = admission
        self._session = requests.Session()

    def generation(self) -> Generation:
        """An external endpoint has no build manifest: no version, so no validators; what the
        caches key by changes every `fresh_seconds` (CACHE_MAX_AGE)."""
        return Generation(bucket=str(int(time.time() // self.fresh_seconds)))

    def run(self, job: QueryJob, client: Client | None = None) -> Answer:
        from server.federation import check_services

        check_services(job.query, job.service_allow)  # no query process here: checked in-process
        with admit(self.admission, client) as ticket:
            started = time.monotonic()
            try:
                body, media_type, remote_cut = self._fetch(job)
            finally:
                if ticket is not None:
                    ticket.seconds = time.monotonic() - started
        answer = self._answer(job, body, media_type)
        return dataclasses.replace(answer, truncated=True) if remote_cut else answer

    def _answer(self, job: QueryJob, body: bytes, media_type: str) -> Answer:
        results_syntax = _results_syntax(media_type)
        if results_syntax is not None:
            try:
                parsed = ox.parse_query_results(body, results_syntax)
            except SyntaxError as error:
                raise RemoteFailure(f"Unreadable results from {self.endpoint}: {error}") from error
            wanted = ox.QueryResultsFormat.from_media_type(job.solutions_media_type)
            if isinstance(parsed, ox.QuerySolutions) and job.form == "ASK":
                parsed = _as_boolean(parsed)
            if isinstance(parsed, ox.QueryBoolean):
                return boolean_answer(parsed, wanted)
            return solutions_answer(parsed, wanted, job.max_rows)
        rdf_syntax = _rdf_syntax(media_type)
        if rdf_syntax is None:
            raise RemoteFailure(f"{self.endpoint} answered with unexpected type {media_type!r}")
        try:
            triples = list(as_triples(ox.parse(body, rdf_syntax)))
        except SyntaxError as error:
            raise RemoteFailure(f"Unreadable RDF from {self.endpoint}: {error}") from error
        wanted_rdf = ox.RdfFormat.from_media_type(job.graph_media_type)
        return triples_answer(triples, wanted_rdf, job.max_rows)

    def dataset(self, job: QueryJob) -> list[tuple[str, str]]:
        """The protocol dataset parameters to send: the client's, else the pinned graphs."""
        if job.default_graphs is not None or job.named_graphs is not None:
            return [("default-graph-uri", iri) for iri in job.default_graphs or ()] + [
                ("named-graph-uri", iri) for iri in job.named_graphs or ()
            ]
        if job.query_names_dataset or not self.graphs:
            return []
        return [("default-graph-uri", iri) for iri in self.graphs] + [
            ("named-graph-uri", iri) for iri in self.graphs
        ]

    def _fetch(self, job: QueryJob) -> tuple[bytes, str, bool]:
        """The body, its media type, and whether the remote says it cut the answer.

        A 429 (the remote's per-client limit, as this server's own) is waited out as its Retry-After
        says, while the query's time allows; then the refusal stands."""
        deadline = time.monotonic() + job.timeout
        while True:
            status, headers, body = self._post(job, deadline)
            wait = _retry_after(headers) if status == 429 else None
            if wait is None or time.monotonic() + wait >= deadline:
                break
            time.sleep(wait)
        text = body.decode("utf-8", errors="replace")
        if status == 400:
            raise QuerySyntax(text.strip() or "The external endpoint refused the query.")
        if status in (503, 504):
            raise QueryTimeout(f"{self.endpoint}: {text.strip()}")
        if status != 200:
            raise RemoteFailure(f"{self.endpoint} answered {status}: {text[:500]}")
        cut = REMOTE_CUT_HEADER in headers
        return body, headers.get("Content-Type", ""), cut

    def _post(self, job: QueryJob, deadline: float) -> tuple[int, Mapping[str, str], bytes]:
        form = [("query", job.query), *self.dataset(job)]
        accept = ACCEPT_FOR_FORM.get(job.form or "", ANY_ACCEPT)
        left = max(0.1, deadline - time.monotonic())
        try:
            response = self._session.post(
                self.endpoint,
                data=form,
                headers={"Accept": accept},
                timeout=(min(5.0, left), left),
                stream=True,
            )
            chunks: list[bytes] = []
            size = 0
            with response:
                for chunk in response.iter_content(chunk_size=65536):
                    chunks.append(chunk)
                    size += len(chunk)
                    if time.monotonic() > deadline:
                        raise requests.Timeout("deadline passed while reading the answer")
                    if size > MAX_REMOTE_BYTES:
                        raise RemoteFailure(f"{self.endpoint} sent more than {size} bytes")
        except requests.Timeout as error:
            raise QueryTimeout(
                f"Query time limit of {job.timeout:g} s exceeded waiting for {self.endpoint}; "
                "the request was abandoned."
            ) from error
        except requests.ConnectionError as error:
            raise RemoteFailure(f"Cannot reach {self.endpoint}: {error}") from error
        return response.status_code, response.headers, b"".join(chunks)

    def close(self) -> None:
        self._session.close()


def _retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds a 429's Retry-After asks for (delta-seconds form), or None."""
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except ValueError:
        return None


def _as_boolean(solutions: ox.QuerySolutions) -> ox.QueryBoolean:
    """An ASK answered as bindings (Virtuoso): true if a row holds a true value, or any value."""
    value = False
    for row in solutions:
        terms = [term for term in row if term is not None]
        value = not terms or any(getattr(t, "value", "").lower() in TRUE_VALUES for t in terms)
        if value:
            break
    text = '{"head": {}, "boolean": %s}' % ("true" if value else "false")
    parsed = ox.parse_query_results(text, ox.QueryResultsFormat.JSON)
    assert isinstance(parsed, ox.QueryBoolean)
    return parsed


def _results_syntax(media_type: str) -> ox.QueryResultsFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    if bare in {"text/csv"}:
        return None  # not parseable; never asked for
    return ox.QueryResultsFormat.from_media_type(bare) if bare else None


def _rdf_syntax(media_type: str) -> ox.RdfFormat | None:
    bare = media_type.split(";", 1)[0].strip().lower()
    return ox.RdfFormat.from_media_type(bare) if bare else None
