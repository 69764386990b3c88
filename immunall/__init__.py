"""What the build (kg/) and the server share, and nothing else: the store-generation contract
(`immunall.generation`), the table of record kinds with their IRI segments (`immunall.kinds`) and
the one way to stop work that runs past its time (`immunall.deadline`)."""
