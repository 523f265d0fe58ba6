"""Imports run one way: no module of hallq imports, directly or round about, one that imports it.

Read from the source with `ast`, nothing is imported. Every import counts wherever it stands
(at the top, inside a function, under `if TYPE_CHECKING:`): a circle that only a function-level
import or a type hint closes still ties the modules together, and is how the next circle starts.
Lower packages stay below the server: the stations (kiosk, counter, display), the printer
drivers and the voice wording never import `server`, and the drivers and the voice import
nothing of ours above them.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "kiosk", "display", "counter", "printer_drivers", "voice")
# Who may import whom, among our packages (besides itself); the server may import them all.
MAY_IMPORT = {
    "voice": set(),
    "printer_drivers": set(),
    "display": {"voice"},
    "kiosk": {"printer_drivers"},  # `hallq agent` prints on the kiosk PC's own printer
    "counter": set(),
    "server": set(PACKAGES),
}
STATIONS = ("kiosk", "counter", "display")
# The `hallq` command also starts the kiosk PC's agent; the server itself never runs it.
COMMANDS = {("server.cli", "kiosk.agent")}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.relative_to(ROOT).parts:  # run by Alembic, never imported
                continue
            found[_module_name(path)] = path
    return found


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """The modules of ours that `name` imports: `from a import b` means a.b when b is a module, else a."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                targets.add(sub if sub in modules else source)
    ours = set()
    for target in targets:
        while target and target not in modules:  # `import a.b.c` of a name inside a module
            target = target.rpartition(".")[0]
        if target and target != name:
            ours.add(target)
    return ours


def _graph() -> dict[str, set[str]]:
    sources = _sources()
    modules = set(sources)
    return {name: _imports(name, path, modules) for name, path in sources.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, edges = work[-1]
            for nxt in edges:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                    break
                if nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return circles


def test_the_graph_is_read():
    graph = _graph()
    assert "server.app" in graph and "server.context" in graph["server.api"]
    assert "server.queueing.models" in graph["server.queueing.engine"]


def test_circles_are_found():
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_round_about():
    graph = _graph()
    circles = _circles(graph)
    assert not circles, "import circles:\n" + "\n".join(
        f"  {' -> '.join(c)}: " + "; ".join(f"{m} imports {', '.join(sorted(graph[m] & set(c)))}" for m in c)
        for c in circles)


def test_lower_packages_never_import_higher_ones():
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if (top := target.split(".")[0]) != (own := name.split(".")[0]) and top not in MAY_IMPORT[own]
    )
    assert not upward, "imports that run back up:\n  " + "\n  ".join(upward)


def test_the_server_takes_only_blueprints_from_the_stations():
    """What the server needs of a station's code (the voice wording) lives below both, not in it."""
    reaching_in = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items() if name.split(".")[0] == "server"
        for target in targets if target.split(".")[0] in STATIONS and target not in STATIONS
        and (name, target) not in COMMANDS
    )
    assert not reaching_in, "the server reaches into a station:\n  " + "\n  ".join(reaching_in)
