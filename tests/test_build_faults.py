"""Faults during a build never break what is served: builds are SIGKILLed at every step while a live
server answers queries in a loop, and the last good graph keeps serving until a new one is complete.

The builds are real (`python -m kg.cli build`: HermiT, pySHACL, pyoxigraph) over a small slice of
the curated facts, so each takes seconds. Two versions of the slice differ by one synonym (one
quad): version A has no "Blin-B" alt name for blinatumomab, version B has it. Every answer a reader
gets must be the count and marker of A or of B, never a mix and never an error.

A build is stopped at a point with `IMMUNALL_PAUSE_AT` (kg/faults.py) or, inside the reasoner and
the validator, by timing. After each kill: the same generation serves, queries answer, no
reasoner or validator process is left running, and the next build works and cleans up.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from server import close_app, create_app
from tests.procs import descendants
from tests.server_fixtures import LiveServer

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "facts"
BLINA = "https://w3id.org/immunall/agent/blinatumomab"
STATE = f"""SELECT ?n ?b WHERE {{
  {{ SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} }}
  OPTIONAL {{ <{BLINA}> ?q ?v FILTER(STR(?v) = "Blin-B") BIND(1 AS ?b) }}
}}"""
HANGING_SHAPE = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
<http://example.org/Endless> a sh:NodeShape ;
  sh:targetSubjectsOf <http://www.w3.org/2000/01/rdf-schema#label> ;
  sh:sparql [ sh:message "never" ; sh:select \"\"\"
    SELECT $this WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . FILTER(STR(?c) = CONCAT(STR(?f), STR(?i), "x")) } \"\"\" ] .
"""


def small_facts(target: Path, variant: str) -> Path:
    """A slice of the curated facts that builds on its own (no crosswalk: no mappings)."""
    for kind in ("publications", "diseases", "molecules", "organizations"):
        shutil.copytree(FACTS / kind, target / kind)
    (target / "agents").mkdir()
    text = (FACTS / "agents" / "antibodies.yaml").read_text(encoding="utf-8")
    if variant == "B":
        text = text.replace("alt: [Blina]", "alt: [Blina, Blin-B]", 1)
        assert "Blin-B" in text
    (target / "agents" / "antibodies.yaml").write_text(text, encoding="utf-8")
    (target / "mappings").mkdir()
    for name in ("crosswalk.yaml", "constraints.yaml"):
        (target / "mappings" / name).write_text("[]\n", encoding="utf-8")
    return target


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def all_gone(pids: set[int], within: float = 8.0) -> bool:
    deadline = time.monotonic() + within
    while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


class Build:
    """`immunall build` as a child process whose stderr lines are collected as they come."""

    def __init__(self, facts: Path, dist: Path, **env: str) -> None:
        environment = {key: value for key, value in os.environ.items() if key != "IMMUNALL_PAUSE_AT"}
        environment.update(IMMUNALL_FACTS=str(facts), IMMUNALL_DIST=str(dist), **env)
        self.process = subprocess.Popen([sys.executable, "-m", "kg.cli", "build"], cwd=ROOT, env=environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line.rstrip("\n"))

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_for(self, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not any(text in line for line in self.lines):
            if self.process.poll() is not None and not self._reader.is_alive():
                raise AssertionError(f"build ended ({self.process.returncode}) before {text!r}:\n" + self.stderr)
            assert time.monotonic() < deadline, f"no {text!r} within {timeout} s:\n{self.stderr}"
            time.sleep(0.05)

    def kill(self) -> dict[int, str]:
        """SIGKILL the build process alone (as the OOM killer would); its descendants before the kill."""
        children = {pid: cmdline(pid) for pid in descendants(self.pid)}
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        return children

    def finish(self, timeout: float = 300) -> int:
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=5)
        return code

    @property
    def stderr(self) -> str:
        return "\n".join(self.lines)


@dataclass
class Readers:
    """Threads that query the live server in a loop and record every answer."""

    url: str
    seen: list[tuple[int, object]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self, count: int = 2) -> None:
        for _ in range(count):
            thread = threading.Thread(target=self._loop, daemon=True)
            thread.start()
            self.threads.append(thread)

    def _loop(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                response = session.get(self.url, params={"query": STATE}, timeout=30,
                                       headers={"Accept": "application/sparql-results+json"})
                value: object = state_of(response) if response.status_code == 200 else response.text
                self.seen.append((response.status_code, value))
            except requests.RequestException as error:
                self.seen.append((0, repr(error)))
            time.sleep(0.02)

    def close(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=40)


def state_of(response: requests.Response) -> tuple[int, bool]:
    (row,) = response.json()["results"]["bindings"]
    return int(row["n"]["value"]), "b" in row


@dataclass
class World:
    root: Path
    dist: Path
    facts_a: Path
    facts_b: Path
    hanging_shapes: Path
    server: LiveServer
    readers: Readers
    state_a: tuple[int, bool]

    def served(self) -> tuple[int, bool]:
        response = requests.get(self.server.endpoint, params={"query": STATE}, timeout=30,
                                headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200, response.text
        return state_of(response)

    def live_target(self) -> Path:
        return (self.dist / "current").resolve()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("faults")
    dist = root / "dist"
    facts_a, facts_b = small_facts(root / "facts-a", "A"), small_facts(root / "facts-b", "B")
    shapes = root / "shapes"
    shutil.copytree(ROOT / "shapes", shapes)
    (shapes / "zz-hanging.ttl").write_text(HANGING_SHAPE, encoding="utf-8")
    first = Build(facts_a, dist)
    assert first.finish() == 0, first.stderr
    # the readers stand for many clients from one address: no per-client cap (server/admission.py)
    app = create_app({"STORE_PATH": dist / "current", "QUERY_TIMEOUT": 20, "QUERY_WORKERS": 2, "CLIENT_QUERIES": 0})
    server = LiveServer(app)
    readers = Readers(server.endpoint)
    world = World(root, dist, facts_a, facts_b, shapes, server, readers, (0, False))
    world.state_a = world.served()
    assert world.state_a[1] is False and world.state_a[0] > 1000
    readers.start()
    try:
        yield world
    finally:
        readers.close()
        server.stop()
        close_app(app)


def _kill_at(world: World, name: str, build: Build) -> dict:
    """Wait until `build` is at `name`, look at what is served, SIGKILL it, look again."""
    if name == "reason":  # inside HermiT: wait for the reasoner's Java process
        build.wait_for("immunall: reason ...")
        deadline = time.monotonic() + 60
        while not any("java" in cmdline(pid) for pid in descendants(build.pid)):
            assert time.monotonic() < deadline, "no reasoner process appeared"
            time.sleep(0.05)
    elif name == "validate":  # inside pySHACL, which never finishes on the hanging shape
        build.wait_for("immunall: validate ...")
        deadline = time.monotonic() + 30
        while not descendants(build.pid):
            assert time.monotonic() < deadline, "no validator process appeared"
            time.sleep(0.05)
        time.sleep(0.5)
    else:
        build.wait_for(f"immunall: paused at {name}")
    paused = world.served()
    children = build.kill()
    return {"paused": paused, "after": world.served(), "children": children, "live": world.live_target(),
            "stderr": build.stderr}


@pytest.fixture(scope="module")
def killed(world: World) -> dict[str, dict]:
    """Builds of version B killed at each point, all at once (they are independent); per point, what
    was seen: the served state while paused and after the kill, the descendants alive at the kill.
    The builds killed by timing validate against a hanging shape, so a missed moment cannot go live."""
    before = world.live_target()
    hanging = {"IMMUNALL_SHAPES": str(world.hanging_shapes)}
    builds = {name: Build(world.facts_b, world.dist, IMMUNALL_PAUSE_AT=name)
              for name in ("parse", "link", "load:staged", "load:written")}
    builds["reason"] = Build(world.facts_b, world.dist, IMMUNALL_REASONER_CACHE="off", **hanging)  # HermiT runs
    builds["validate"] = Build(world.facts_b, world.dist, **hanging)
    timed_out = Build(world.facts_b, world.dist, IMMUNALL_VALIDATOR_TIMEOUT="3", **hanging)
    seen: dict[str, dict] = {}
    errors: list[BaseException] = []

    def scenario(name: str, build: Build) -> None:
        try:
            seen[name] = _kill_at(world, name, build)
        except BaseException as error:  # noqa: BLE001 - re-raised below in the test's thread
            errors.append(error)
            if build.process.poll() is None:
                build.kill()

    threads = [threading.Thread(target=scenario, args=item) for item in builds.items()]
    for thread in threads:
        thread.start()
    code = timed_out.finish()
    for thread in threads:
        thread.join(timeout=300)
    if errors:
        raise errors[0]
    seen["validator-timeout"] = {"code": code, "stderr": timed_out.stderr, "live": world.live_target(),
                                 "after": world.served()}
    seen["before"] = {"live": before}
    return seen


POINTS = ["parse", "link", "reason", "validate", "load:staged", "load:written"]


@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_leaves_the_last_good_graph_serving(world: World, killed: dict, point: str) -> None:
    seen = killed[point]
    assert seen["paused"] == world.state_a
    assert seen["after"] == world.state_a
    assert seen["live"] == killed["before"]["live"]


@pytest.mark.parametrize("point", ["reason", "validate"])
def test_no_reasoner_or_validator_outlives_a_killed_build(killed: dict, point: str) -> None:
    children = killed[point]["children"]
    assert children, "the step had no child process to check"
    if point == "reason":
        assert any("java" in line for line in children.values()), children
    assert all_gone(set(children)), {pid: line for pid, line in children.items() if Path(f"/proc/{pid}").exists()}


def test_a_hanging_validator_is_stopped_by_its_time_limit(world: World, killed: dict) -> None:
    seen = killed["validator-timeout"]
    assert seen["code"] == 2, seen["stderr"]
    assert "error: validation: pySHACL did not finish within 3 s and was stopped" in seen["stderr"]
    assert "Traceback" not in seen["stderr"]
    assert seen["after"] == world.state_a and seen["live"] == killed["before"]["live"]


def test_the_cli_reads_the_store_left_by_killed_builds(world: World, killed: dict) -> None:
    env = {**os.environ, "IMMUNALL_DIST": str(world.dist)}
    result = subprocess.run([sys.executable, "-m", "kg.cli", "query", "SELECT (COUNT(*) AS ?n) WHERE "
                             "{ GRAPH ?g { ?s ?p ?o } }"], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(json.loads(result.stdout)["results"]["bindings"][0]["n"]["value"]) == world.state_a[0]


def test_the_next_builds_switch_atomically_and_clean_up(world: World, killed: dict) -> None:
    stores = world.dist / "stores"
    assert list(stores.glob(".*.partial")), "the killed builds left no partial generation to clean"
    # B paused right after the switch: B is complete and live, the dump links not yet refreshed.
    paused = Build(world.facts_b, world.dist, IMMUNALL_PAUSE_AT="switch:current")
    paused.wait_for("immunall: paused at switch:current")
    state_b = world.served()
    assert state_b == (world.state_a[0] + 1, True)
    paused.kill()
    assert world.served() == state_b
    assert json.loads((world.dist / "build.json").read_text())["triples"] == state_b[0]
    # The same data again while it is live: a new folder, the live one untouched, then a switch.
    live = world.live_target()
    again = Build(world.facts_b, world.dist)
    assert again.finish() == 0, again.stderr
    assert world.live_target() != live and live.is_dir()
    assert world.served() == state_b
    assert not list(stores.glob(".*.partial"))
    assert not [p for p in world.dist.glob(".*") if p.is_symlink()]
    assert len([p for p in stores.iterdir() if not p.name.startswith(".")]) <= 3
    # Every answer any reader got, through all of it, was all A or all B, and none failed.
    time.sleep(0.3)
    seen = list(world.readers.seen)
    assert len(seen) > 50
    bad = [(status, value) for status, value in seen if status != 200 or value not in {world.state_a, state_b}]
    assert not bad, bad[:5]
    assert {value for _, value in seen} == {world.state_a, state_b}
