"""The house's layers: each app imports only the apps below it, so no arrow runs back up.

    core ← places ← accounts ← households ← messaging ← donations ← matching ← logistics ← progress ← config

`config/` only wires (settings, urls, celery); shared code lives in `core/`. Lazy imports inside
functions count too: they are arrows all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import PROJECT_APPS

ROOT = Path(__file__).resolve().parents[2]
LAYERS = [*PROJECT_APPS, "config"]
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[tuple[str, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in RANK:
                found.add((top, node.lineno))
    return found


def upward_arrows(app: str) -> list[str]:
    arrows = []
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue  # Django writes migrations' dependencies itself
        for target, line in imported_apps(path):
            if RANK[target] > RANK[app]:
                arrows.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    return arrows


@pytest.mark.parametrize("app", LAYERS)
def test_no_arrow_runs_up_the_layers(app):
    assert upward_arrows(app) == []


def test_the_check_sees_an_upward_arrow(tmp_path, monkeypatch):
    """The check can fail: a module of places that imports accounts is reported."""
    (tmp_path / "places").mkdir()
    (tmp_path / "places" / "bad.py").write_text("def f():\n    from accounts import models\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert upward_arrows("places") == ["places/bad.py:2 imports accounts"]
