"""Benchmarks of ImmunALL against its peers, and the synthetic graphs they run on.

    immunall bench [--graphs real,100k,1m,10m] [--systems ...] [--quick]

  synth.py     seeded generator of graphs shaped like the real one (N-Quads + a store generation)
  systems.py   the systems under test: the store in-process (the floor), ImmunALL over HTTP
               (granian, server/production.py), the Oxigraph server, rdflib-endpoint, Virtuoso
  client.py    a lean keep-alive HTTP/1.1 client, so the client's own cost stays out of the figures
  workloads.py what is measured: competency queries, pages, search, protocol round trips, load
  report.py    docs/benchmarks.md
  run.py       the `immunall bench` command

Nothing here is imported by the build or the server.
"""
