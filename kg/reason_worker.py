"""Child process for `kg.reason`: load RDF/XML into owlready2, run HermiT, write N-Triples.

Exit codes: 0 done, 3 inconsistent, 2 any other failure (message on stderr).
The worker leads its own process group (Java included); when the build that started it dies, even
by SIGKILL, a watchdog thread kills the whole group, so no reasoner is left running unowned.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def _watch(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os.killpg(os.getpgid(0), signal.SIGKILL)


def _skip_property_hierarchies() -> None:
    """Ask HermiT for what the build publishes only: classes, individuals' types, property values.

    owlready2 always adds `-O -D` (classify the object and data property hierarchies) to HermiT's
    command line and has no switch for it. Those results are statements about the ontology's own
    properties (its inverse pairs and sub-properties, all asserted), which `kg.reason.keep` drops,
    and they cost HermiT about 4 of its 8 seconds here; types and property values come out the same
    (tests/test_reasoner.py compares the inferred layer with owlready2's unchanged call).
    """
    import subprocess
    import types

    from owlready2 import reasoning

    def check_output(command, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "org.semanticweb.HermiT.cli.CommandLine" in command:
            command = [arg for arg in command if arg not in ("-O", "-D")]
        return subprocess.check_output(command, *args, **kwargs)

    reasoning.subprocess = types.SimpleNamespace(**{**vars(subprocess), "check_output": check_output})


def main(given: str, result: str) -> int:
    parent = int(os.environ.get("IMMUNALL_REASON_PARENT") or os.getppid())
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    import owlready2

    _skip_property_hierarchies()
    world = owlready2.World()
    world.get_ontology(f"file://{given}").load()
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        print("inconsistent", file=sys.stderr)
        return 3
    world.as_rdflib_graph().serialize(result, format="nt")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1], sys.argv[2]))
    except Exception as exc:  # report any failure to the parent, which names the step
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
