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


def main(given: str, result: str) -> int:
    parent = int(os.environ.get("IMMUNALL_REASON_PARENT") or os.getppid())
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    import owlready2

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
