"""SERVICE (federated query) reaches only the endpoints on the SERVICE_ALLOW list.

The embedded engine (pyoxigraph) fetches whatever URL a SERVICE clause names, from the query
process, so the endpoint decides before the query runs: every SERVICE endpoint must be an
absolute IRI on the allow-list, never a variable. Two independent readings of the query must
agree on those endpoints, this module's lexer (server/sparql_text.py) and rdflib's SPARQL
parser, so that an escape or a comment one of them reads differently cannot smuggle a SERVICE
past the check. A query whose text does not contain "service" at all cannot call one, and pays
nothing; one that does but cannot be read by both is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

from server.errors import Refused
from server.sparql_text import service_targets


def _parsed_services(query: str) -> list[str]:
    """SERVICE endpoints as rdflib's parser and algebra see them (prefixes and escapes resolved)."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    def walk(node: object, seen: set[int]) -> Iterator[object]:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            yield node.get("term")
        if isinstance(node, dict):
            for value in node.values():
                yield from walk(value, seen)
        elif isinstance(node, list | tuple):
            for value in node:
                yield from walk(value, seen)

    try:
        algebra = prepareQuery(query).algebra
    except Exception as error:  # noqa: BLE001 - any parser failure means: cannot be checked
        raise Refused(
            "This query mentions SERVICE, and its SERVICE endpoints could not be checked against the "
            f"allow-list ({type(error).__name__}). Write each endpoint as a full IRI."
        ) from error
    return [str(term) for term in walk(algebra, set())]


def _lexed_services(query: str) -> list[str]:
    endpoints = []
    for target in service_targets(query):
        if target.kind == "var":
            raise Refused(f"SERVICE {target.value}: a variable endpoint is not allowed; name the endpoint's IRI.")
        if target.kind != "iri" or not urlsplit(target.value).scheme:
            raise Refused(f"SERVICE {target.value}: write the endpoint as an absolute IRI.")
        endpoints.append(target.value)
    return endpoints


def service_endpoints(query: str, parse: bool = True) -> list[str]:
    """Every SERVICE endpoint of `query`, read twice; raises Refused when the readings differ.

    `parse=False` reads with the lexer alone (linear time): the web process's early refusal. The
    second reading (rdflib's parser, slow on long hostile text) runs in the query process, under
    the query's time limit, before the engine sees the query (server/evaluate.py)."""
    if "service" not in query.lower():
        return []
    lexed = _lexed_services(query)
    if not parse:
        return lexed
    parsed = _parsed_services(query)
    if sorted(lexed) != sorted(parsed):
        raise Refused("The SERVICE endpoints of this query could not be determined unambiguously; "
                      "write each as a full IRI, outside comments and strings.")
    return lexed


def check_services(query: str, allowed: Sequence[str], parse: bool = True) -> list[str]:
    """The endpoints the query will call, all on the allow-list; else Refused naming the first other."""
    endpoints = service_endpoints(query, parse)
    for endpoint in endpoints:
        if endpoint not in allowed:
            if allowed:
                hint = f"this endpoint allows SERVICE only to: {', '.join(f'<{a}>' for a in allowed)}"
            else:
                hint = "SERVICE (federated query) is not enabled on this endpoint (SERVICE_ALLOW is empty)"
            raise Refused(f"SERVICE <{endpoint}> is not on this endpoint's allow-list; {hint}.")
    return endpoints
