"""What the build (kg/) and the server share, and nothing else: the store-generation contract
(`immunall.generation`) and the one way to stop work that runs past its time (`immunall.deadline`)."""
