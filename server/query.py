"""The one reader and checker of query text: every query, whoever sends it, becomes a `QueryJob` here.

/sparql (after server/protocol.py has read the HTTP operation), the /query page, the counting
queries behind the descriptions (server/stats.py), the pages' named queries (server/pages/data.py)
and `immunall query` all call `job_for`, so one set of rules applies: an update is refused as
read-only, a query nested or long past what the engine's parser survives is refused, and every
SERVICE endpoint must be on `SERVICE_ALLOW` (the web process reads the text with the lexer at once;
the second, slower reading runs in the query process, server/federation.py). The pages' own
queries carry an empty allow-list, so no page can call out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from server.errors import ReadOnly, Refused
from server.evaluate import QueryJob
from server.federation import check_services
from server.sparql_text import complexity_problem, sketch


def job_for(
    text: str,
    config: Mapping[str, Any],
    formats: tuple[str, str] | Callable[[str | None], tuple[str, str]],
    *,
    base_iri: str | None = None,
    default_graphs: tuple[str, ...] | None = None,
    named_graphs: tuple[str, ...] | None = None,
    max_rows: int | None = None,
    timeout: float | None = None,
    trusted: bool = False,
) -> QueryJob:
    """A checked job for `text`, or ReadOnly (403) / Refused (400) saying why it is not one.

    `formats`: the results and graph media types, or a function of the query form that picks them
    (it may refuse with 406 once the text has passed the checks above)."""
    shape = sketch(text)
    if shape.is_update:
        raise ReadOnly("This request sent an update where a query belongs.")
    problem = complexity_problem(text)
    if problem is not None:
        raise Refused(problem)
    allow = () if trusted else tuple(config["SERVICE_ALLOW"])
    check_services(text, allow, parse=False)
    solutions_media_type, graph_media_type = formats(shape.form) if callable(formats) else formats
    return QueryJob(
        query=text,
        solutions_media_type=solutions_media_type,
        graph_media_type=graph_media_type,
        max_rows=int(config["MAX_RESULT_ROWS"]) if max_rows is None else max_rows,
        timeout=float(config["QUERY_TIMEOUT"]) if timeout is None else timeout,
        base_iri=base_iri,
        default_graphs=default_graphs,
        named_graphs=named_graphs,
        query_names_dataset=shape.has_dataset_clause,
        form=shape.form,
        service_allow=allow,
        trusted=trusted,
    )


def run_once(text: str, media_type: str, timeout: float | None = None,
             overrides: Mapping[str, Any] | None = None) -> bytes:
    """`immunall query`: one query through the reader above and the configured backend (a query
    process of the embedded store, or the external endpoint), answered as `media_type`, uncapped."""
    from server import config as settings
    from server.errors import NotAcceptable
    from server.negotiation import JSON, TURTLE, offers_for
    from server.store import backend_for

    config = settings.load(overrides)

    def formats(form: str | None) -> tuple[str, str]:
        offered = {fmt.media_type for fmt in offers_for(form)}
        if form is not None and media_type not in offered:
            raise NotAcceptable(f"{media_type} cannot carry the answer of a {form} query; "
                                f"choose one of {', '.join(sorted(offered))}.")
        return (media_type if form in (None, "SELECT", "ASK") else JSON.media_type,
                media_type if form in ("CONSTRUCT", "DESCRIBE") else TURTLE.media_type)

    job = job_for(text, config, formats, max_rows=2**62, timeout=timeout)
    backend = backend_for({**config, "PREWARM": False})
    try:
        return backend.run(job).body
    finally:
        backend.close()
