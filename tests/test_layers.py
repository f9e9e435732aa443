"""The house's layers, from docgen's own imports (those inside functions too): no circle, no library code importing commands."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "docgen"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if "static" in path.parts:
            continue
        name = ".".join(("docgen", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = path
    return found


def _imports() -> dict[str, set[str]]:
    """Each module's docgen imports, resolved to the modules they fall in (a package's own parts left out)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for module, path in modules.items():
        is_package = path.name == "__init__.py"
        here = module if is_package else module.rpartition(".")[0]
        edges[module] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                stem = node.module or ""
                if node.level:
                    anchor = here
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    stem = f"{anchor}.{stem}" if stem else anchor
                names = [f"{stem}.{alias.name}" for alias in node.names] + [stem]
            else:
                continue
            for name in names:
                target = resolve(name)
                if target and target != module and not (is_package and target.startswith(module + ".")):
                    edges[module].add(target)
                    break
    return edges


def _room(module: str) -> str:
    return ".".join(module.split(".")[:2])


def _is_command(module: str) -> bool:
    return module == "docgen.cli" or module.startswith("docgen.cli.") or module.rpartition(".")[2] in ("__main__", "cli")


def _order(graph: dict[str, set[str]]) -> None:
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"a circle of imports: {' -> '.join(exc.args[1])}")


def test_no_module_imports_itself_round_a_circle() -> None:
    _order(_imports())


def test_no_room_imports_itself_round_a_circle() -> None:
    rooms: dict[str, set[str]] = {}
    for module, targets in _imports().items():
        rooms.setdefault(_room(module), set()).update(_room(t) for t in targets if _room(t) != _room(module))
    _order(rooms)


def test_library_code_never_imports_the_commands() -> None:
    wrong = sorted(f"{m} -> {t}" for m, ts in _imports().items() for t in ts if _is_command(t) and not _is_command(m))
    assert wrong == []


def test_no_module_reaches_400_lines() -> None:
    long = sorted(f"{m}: {n} lines" for m, p in _modules().items() if (n := len(p.read_text(encoding="utf-8").splitlines())) >= 400)
    assert long == []


def test_every_command_is_in_docgen_cli() -> None:
    """No command of its own anywhere else: a stage is run through ``docgen`` (``python -m docgen`` is the same command)."""
    commands = (ast.Attribute, ast.Name)

    def defines_a_command(path: Path) -> bool:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for decorator in getattr(node, "decorator_list", []):
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, commands) and ast.unparse(target).split(".")[-1] in ("command", "group"):
                    return True
        return False

    outside = sorted(m for m, p in _modules().items() if not _is_command(m) and defines_a_command(p))
    mains = sorted(m for m in _modules() if m.endswith(".__main__"))
    assert (outside, mains) == ([], ["docgen.__main__"])


def _readme_layers() -> list[set[str]]:
    """The README's picture of the layers, top first: each layer's rooms (``cli/`` → ``docgen.cli``); ``…`` stands for the rest."""
    import re

    text = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    picture = text.split("## Architecture: the layers", 1)[1].split("```", 2)[1]
    layers = []
    for line in picture.splitlines():
        for step in line.strip(" │▼").split("─►"):  # "__main__ ─► cli/": a layer, then the one below it
            names = []
            for part in re.split(r"\s{2,}", step.strip()):
                if not re.fullmatch(r"[a-z_]+/?|__main__|…", part):
                    break
                names.append(part)
            if names:
                layers.append({"docgen." + n.rstrip("/") if n != "…" else n for n in names})
    return layers


def test_the_readme_picture_of_the_layers_matches_the_imports() -> None:
    layers = _readme_layers()
    level = {room: i for i, rooms in enumerate(layers) for room in rooms}
    rooms = {_room(m) for m in _modules()} - {"docgen"}
    unknown = sorted(room for room in level if room != "…" and room not in rooms)
    assert unknown == [], "the picture names rooms the code does not have"
    bottom = len(layers) - 1
    assert "…" in layers[bottom], "the bottom layer ends with … for the small rooms it does not name"
    upward = sorted(
        f"{_room(m)} -> {_room(t)}"
        for m, ts in _imports().items()
        for t in ts
        if _room(m) != "docgen" and _room(m) != _room(t) and level.get(_room(m), bottom) >= level.get(_room(t), bottom)
    )
    assert upward == [], "every arrow points down the picture"
