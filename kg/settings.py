"""The build's and the CLI's settings in one place: where inputs live, where outputs go, time limits.

Every value has a default that works from a checkout; each can be overridden by an environment
variable so tests and deployments need no code change. Where generations go (IMMUNALL_DIST) is part
of the store-generation contract (immunall/generation.py), shared with the server; the server's own
settings are in server/config.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from immunall import generation as contract

ROOT = contract.ROOT


def _path(env: str, default: Path) -> Path:
    value = os.environ.get(env)
    return Path(value).resolve() if value else default


@dataclass(frozen=True)
class Settings:
    """Where inputs live and where outputs go."""

    root: Path = ROOT
    ontology: Path = field(default_factory=lambda: _path("IMMUNALL_ONTOLOGY", ROOT / "ontology" / "immunall.ttl"))
    checks: Path = field(default_factory=lambda: ROOT / "ontology" / "checks")
    facts: Path = field(default_factory=lambda: _path("IMMUNALL_FACTS", ROOT / "facts"))
    shapes: Path = field(default_factory=lambda: _path("IMMUNALL_SHAPES", ROOT / "shapes"))
    corpus: Path = field(
        default_factory=lambda: _path("IMMUNALL_CORPUS", ROOT.parent / "shared" / "corpus")
    )
    reference: Path = field(
        default_factory=lambda: _path("IMMUNALL_REFERENCE", ROOT.parent / "shared" / "reference")
    )
    dist: Path = field(default_factory=contract.dist)
    reasoner_timeout: float = field(
        default_factory=lambda: float(os.environ.get("IMMUNALL_REASONER_TIMEOUT", "120"))
    )
    validator_timeout: float = field(
        default_factory=lambda: float(os.environ.get("IMMUNALL_VALIDATOR_TIMEOUT", "120"))
    )
    # IMMUNALL_REASONER_CACHE=off always runs HermiT (a cold build)
    reasoner_cache_on: bool = field(default_factory=lambda: os.environ.get("IMMUNALL_REASONER_CACHE") != "off")

    @property
    def stores(self) -> Path:
        """Each build writes a new store generation here; `current` points at the live one."""
        return self.dist / contract.STORES

    @property
    def reasoner_cache(self) -> Path | None:
        """HermiT's results by a hash of their input (kg/reason_cache.py); beside the stores, never
        committed; None when `reasoner_cache_on` is off."""
        if not self.reasoner_cache_on:
            return None
        return self.dist / "cache" / "reasoner"

    @property
    def current(self) -> Path:
        return contract.live(self.dist)


def get_settings() -> Settings:
    return Settings()
