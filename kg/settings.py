"""Configuration in one place: paths and names shared by the build, the CLI and the server.

Every value has a default that works from a checkout; each can be overridden by an
environment variable so tests and deployments need no code change.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    dist: Path = field(default_factory=lambda: _path("IMMUNALL_DIST", ROOT / "dist"))
    reasoner_timeout: float = field(
        default_factory=lambda: float(os.environ.get("IMMUNALL_REASONER_TIMEOUT", "120"))
    )
    validator_timeout: float = field(
        default_factory=lambda: float(os.environ.get("IMMUNALL_VALIDATOR_TIMEOUT", "120"))
    )

    @property
    def stores(self) -> Path:
        """Each build writes a new store generation here; `current` points at the live one."""
        return self.dist / "stores"

    @property
    def reasoner_cache(self) -> Path | None:
        """HermiT's results by a hash of their input (kg/reason_cache.py); beside the stores, never
        committed. IMMUNALL_REASONER_CACHE=off always runs HermiT (a cold build)."""
        if os.environ.get("IMMUNALL_REASONER_CACHE") == "off":
            return None
        return self.dist / "cache" / "reasoner"

    @property
    def current(self) -> Path:
        return self.dist / "current"


def get_settings() -> Settings:
    return Settings()
