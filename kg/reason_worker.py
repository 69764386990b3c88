"""Child process for `kg.reason`: load RDF/XML into owlready2, run HermiT, write N-Triples.

Exit codes: 0 done, 3 inconsistent, 2 any other failure (message on stderr).
"""

from __future__ import annotations

import sys


def main(given: str, result: str) -> int:
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
