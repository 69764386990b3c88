"""The `immunall` command: build | validate | serve | query | export | stats | coverage | mappings |
locate | bench.

Exit codes (as pySHACL's CLI): 0 success or conforming, 1 data that does not conform,
2 an error (broken input, reasoner failure, bad arguments). `serve` starts granian
(server/production.py) on the app factory by its import string, so the build side never imports the server.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from kg.facts import FactError
from kg.load import current_generation
from kg.pipeline import NotConforming, run
from kg.reason import ReasonerError
from kg.settings import Settings, get_settings
from kg.validate import ValidatorError

OK, NOT_CONFORMING, ERROR = 0, 1, 2


def _progress(message: str) -> None:
    print(f"immunall: {message}", file=sys.stderr, flush=True)


def _pipeline(settings: Settings, load: bool) -> int:
    try:
        outcome = run(settings, load=load, progress=_progress)
    except FactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    except ReasonerError as exc:
        print(f"error: reasoning: {exc}", file=sys.stderr)
        return NOT_CONFORMING if "inconsistent" in str(exc) else ERROR
    except ValidatorError as exc:
        print(f"error: validation: {exc}", file=sys.stderr)
        return ERROR
    except NotConforming as exc:
        print(f"does not conform: {exc}", file=sys.stderr)
        for line in exc.report.lines():
            print(f"  {line}", file=sys.stderr)
        return NOT_CONFORMING
    built, reasoned = outcome.built, outcome.reasoned
    assert built is not None and reasoned is not None
    summary = {
        "asserted": len(built.asserted), "inferred": len(reasoned.inferred),
        "provenance": len(built.provenance), "passages": built.passages,
        "records": built.counts, "seconds": {k: round(v, 2) for k, v in outcome.timings.items()},
    }
    if outcome.mappings is not None:
        summary["mappings"] = outcome.mappings.counts()
    if outcome.generation:
        summary["store"] = str(outcome.generation.path)
        summary["version"] = outcome.generation.version
    warnings = [v for v in (outcome.report.violations if outcome.report else []) if v.severity != "Violation"]
    for w in warnings:
        print(f"  {w}", file=sys.stderr)
    print(json.dumps(summary, indent=2))
    return OK


class CommandError(Exception):
    """An error the CLI reports on stderr with exit code 2."""


def _live_generation(settings: Settings) -> Path:
    """The live store generation, or a CommandError saying why there is none."""
    try:
        generation = current_generation(settings.dist)
    except RuntimeError as exc:
        raise CommandError(str(exc)) from exc
    if generation is None:
        raise CommandError("no built store: run `immunall build` first")
    _check(settings)
    return generation


def _live_store(settings: Settings):  # -> pyoxigraph.Store
    """The live store generation, checked, opened read-only."""
    import pyoxigraph as ox

    return ox.Store.read_only(str(_live_generation(settings) / "oxigraph"))


def _check(settings: Settings) -> None:
    """The live generation opens and holds what build.json says, else a CommandError saying why."""
    from immunall.generation import GenerationProblem, check

    try:
        check(settings.current)
    except GenerationProblem as exc:
        raise CommandError(str(exc)) from exc


def cmd_build(args: argparse.Namespace, settings: Settings) -> int:
    return _pipeline(settings, load=True)


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    return _pipeline(settings, load=False)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    try:
        generation = current_generation(settings.dist)
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    if generation is None:
        _progress("no built store yet: building first")
        status = _pipeline(settings, load=True)
        if status != OK:
            return status
    _check(settings)
    command = [sys.executable, "-m", "server.production", "--bind", f"{args.host}:{args.port}"]
    if args.workers:
        command += ["--workers", str(args.workers)]
    _progress(f"serving http://{args.host}:{args.port}/sparql")
    os.chdir(settings.root)
    os.execvp(command[0], command)


QUERY_FORMATS = {
    "json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
    "csv": "text/csv", "tsv": "text/tab-separated-values",
    "turtle": "text/turtle", "ntriples": "application/n-triples",
    "jsonld": "application/ld+json", "rdfxml": "application/rdf+xml",
}


def cmd_mappings(args: argparse.Namespace, settings: Settings) -> int:
    """Links per vocabulary, predicate and confidence, then every reference row left out and why."""
    from rdflib import Graph

    from immunall.kinds import FOLDERS as KINDS
    from kg.build import build_graphs
    from kg.corpus import Corpus
    from kg.facts import load_facts
    from kg.pipeline import link

    try:
        ontology = Graph().parse(settings.ontology, format="turtle")
        facts = load_facts(settings.facts, KINDS)
        result = link(settings, ontology, facts, build_graphs(ontology, facts, Corpus(settings.corpus)))
    except FactError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    print(json.dumps(result.counts(), indent=2))
    for line in result.report.lines():
        print(line)
    return OK


def cmd_query(args: argparse.Namespace, settings: Settings) -> int:
    """One query through the server's reader and engine (server/query.py): the same checks, time
    limit and answers as /sparql, without the row cap."""
    from server.errors import EndpointError
    from server.query import run_once

    text = Path(args.file).read_text(encoding="utf-8") if args.file else args.query
    if not text:
        print("error: give a query or --file", file=sys.stderr)
        return ERROR
    _live_generation(settings)
    try:
        body = run_once(text, QUERY_FORMATS[args.format], args.timeout, {"STORE_PATH": settings.current})
    except EndpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    sys.stdout.buffer.write(body)
    sys.stdout.buffer.flush()
    return OK


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from kg.export import DEFAULT_FORMATS, export

    generation = _live_generation(settings)
    out = Path(args.out) if args.out else settings.dist / "export"
    result = export(generation, out, list(dict.fromkeys(args.format or DEFAULT_FORMATS)))
    print(json.dumps({
        "out": str(result.out), "version": result.version,
        "graphs": [{"file": f.path.name, "graph": f.graph, "triples": f.triples} for f in result.graphs],
        "dataset": [p.name for p in result.dataset_files],
    }, indent=2))
    return OK


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:

    store = _live_store(settings)
    info = json.loads((settings.current / "build.json").read_text(encoding="utf-8"))
    query = (settings.root / "kg" / "queries" / "class-counts.rq").read_text(encoding="utf-8")
    classes = {str(row["label"].value): int(row["n"].value)
               for row in store.query(query, use_default_graph_as_union=True)}
    print(json.dumps({"version": info["version"], "built": info["built"], "triples": info["triples"],
                      "graphs": info["graphs"], "instances": classes}, indent=2))
    return OK


def cmd_locate(args: argparse.Namespace, settings: Settings) -> int:
    from kg.corpus import Corpus

    corpus = Corpus(settings.corpus)
    if args.doc not in corpus:
        print(f"error: unknown review {args.doc!r}; one of {sorted(corpus.documents)}", file=sys.stderr)
        return ERROR
    hits = corpus.locate(args.doc, args.phrase)
    for start, end, section in hits:
        if args.sentence:
            start, end = corpus.sentence(args.doc, start, end)
        print(json.dumps({"doc": args.doc, "at": section, "span": [start, end]}))
    return OK if hits else NOT_CONFORMING


def cmd_coverage(args: argparse.Namespace, settings: Settings) -> int:
    """Names the graph lacks and printed numbers nothing accounts for (both unless one is asked)."""
    from kg.corpus import Corpus

    both = not (args.names or args.numbers)
    if args.format == "tsv" and both:
        print("error: --format tsv lists one check: add --names or --numbers", file=sys.stderr)
        return ERROR
    store = _live_store(settings)
    corpus = Corpus(settings.corpus)
    outputs: dict[str, object] = {}
    ok = True
    if args.names or both:
        ok &= _coverage_names(args.format, settings, store, corpus, outputs)
    if args.numbers or both:
        ok &= _coverage_numbers(args.format, settings, store, corpus, outputs)
    if args.format == "json":
        print(json.dumps(outputs, indent=2, ensure_ascii=False))
    return OK if ok else NOT_CONFORMING


def _coverage_names(fmt: str, settings: Settings, store: object, corpus: object,
                    outputs: dict[str, object]) -> bool:
    from kg.coverage import NAMES_COLUMNS, known_names, load_stoplist, missing, scan

    stoplist = load_stoplist(settings.facts / "coverage" / "names-stoplist.txt")
    gaps = missing(scan(corpus, stoplist), known_names(store))  # type: ignore[arg-type]
    rows = [(h.category, h.term, h.doc, h.start, h.section) for h in gaps]
    if fmt == "json":
        outputs["names"] = [dict(zip(NAMES_COLUMNS, row, strict=True)) for row in rows]
    elif fmt == "tsv":
        print("\t".join(NAMES_COLUMNS))
        print("".join("\t".join(map(str, row)) + "\n" for row in rows), end="")
    else:
        print("".join(f"{c}\t{t}\t{d}:{s}\t{sec}\n" for c, t, d, s, sec in rows), end="")
    terms = sorted({(h.category, h.term) for h in gaps})
    print(f"{len(terms)} name(s) the graph lacks, at {len(gaps)} place(s)", file=sys.stderr)
    return not gaps


def _coverage_numbers(fmt: str, settings: Settings, store: object, corpus: object,
                      outputs: dict[str, object]) -> bool:
    from kg.coverage_check import check_numbers
    from kg.coverage_graph import GraphNumbers

    try:
        report = check_numbers(corpus, GraphNumbers(store, corpus),  # type: ignore[arg-type]
                               settings.facts / "coverage" / "not-facts.yaml")
    except FactError as exc:
        raise CommandError(str(exc)) from exc
    if fmt == "json":
        outputs["numbers"] = json.loads(report.as_json())
    else:
        print(report.as_tsv() if fmt == "tsv" else report.as_text(), end="")
    print(report.summary(), file=sys.stderr)
    return report.ok


def _export_formats(value: str) -> list[str]:
    from kg.export import FORMATS

    formats = [f.strip() for f in value.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise argparse.ArgumentTypeError(f"{value!r}: choose from {', '.join(FORMATS)}")
    return formats


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="immunall", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="build, reason, validate, write dumps and switch the store")
    sub.add_parser("validate", help="build, reason and validate without writing anything")
    serve = sub.add_parser("serve", help="serve the store with granian (builds first if needed)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=0, help="web workers (default 2, IMMUNALL_WEB_WORKERS)")
    query = sub.add_parser("query", help="run a SPARQL query on the built store")
    query.add_argument("query", nargs="?", help="the query text")
    query.add_argument("--file", "-f", help="read the query from a .rq file")
    query.add_argument("--format", choices=sorted(QUERY_FORMATS), default="json")
    query.add_argument("--timeout", type=float, help="seconds the query may run (default: QUERY_TIMEOUT, 10)")
    export = sub.add_parser("export", help="dumps of the built store for bulk loaders (Virtuoso, Fuseki, QLever)")
    export.add_argument("--out", help="output folder (default: <dist>/export)")
    export.add_argument("--format", action="extend", type=_export_formats, metavar="nq|trig|nt|ttl",
                        help="repeatable or comma-separated: nt/ttl one file per named graph with its graph "
                             "IRI beside it, nq/trig the whole dataset (default: nt,nq)")
    sub.add_parser("stats", help="counts of the built store")
    bench = sub.add_parser("bench", add_help=False,
                           help="benchmark against Oxigraph, rdflib-endpoint and Virtuoso (immunall bench --help)")
    bench.add_argument("bench_args", nargs=argparse.REMAINDER)
    sub.add_parser("mappings", help="links to other vocabularies, and the reference rows left out and why")
    coverage = sub.add_parser("coverage", help="names the graph lacks and printed numbers no fact or "
                                               "reviewed not-a-fact entry accounts for, with where they occur")
    coverage.add_argument("--names", action="store_true", help="only the names check")
    coverage.add_argument("--numbers", action="store_true", help="only the numbers check")
    coverage.add_argument("--format", choices=("text", "tsv", "json"), default="text")
    locate = sub.add_parser("locate", help="offsets of a phrase in a review, for curators")
    locate.add_argument("doc", help="review id, e.g. glasser2023")
    locate.add_argument("phrase")
    locate.add_argument("--sentence", action="store_true", help="widen to the whole sentence or row")
    return p


COMMANDS = {"build": cmd_build, "validate": cmd_validate, "serve": cmd_serve, "query": cmd_query,
            "export": cmd_export, "stats": cmd_stats, "locate": cmd_locate, "coverage": cmd_coverage,
            "mappings": cmd_mappings}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:  # its options, --help included, belong to bench/run.py
        from bench.run import main as bench_main

        return bench_main(argv[1:])
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, get_settings())
    except CommandError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return ERROR
    except BrokenPipeError:  # the reader (e.g. `head`) went away: not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return OK


if __name__ == "__main__":
    sys.exit(main())
