"""The build side of ImmunALL: curated facts -> RDF -> reasoning -> validation -> store."""
