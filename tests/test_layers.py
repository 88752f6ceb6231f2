"""The hook imports only `fmcat.site`: the layer rule import-linter cannot check.

import-linter analyses packages, and `hooks/fmcat_hooks.py` is a single file
that MkDocs loads by path, not a package; so this reads its imports from the
syntax tree instead. The package's own layers, and "no MkDocs or Material
in src/fmcat", are import-linter contracts in pyproject.toml (`make test`).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
HOOKS = sorted((REPO / "hooks").glob("*.py"))
ALLOWED = "fmcat.site"

# Imports the hook may make besides `fmcat.site` (none: everything it needs
# is re-exported there). An entry that no longer occurs fails the test.
KNOWN: set[str] = set()


def imported_modules(source: str) -> set[str]:
    """Every absolute module a piece of Python imports, at any depth (functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def fmcat_imports_outside_site(source: str) -> set[str]:
    """The fmcat modules a hook imports other than `fmcat.site` itself."""
    return {name for name in imported_modules(source)
            if (name == "fmcat" or name.startswith("fmcat.")) and name != ALLOWED}


def test_imported_modules_sees_nested_and_aliased_imports() -> None:
    source = ("import os, fmcat.core.model as m\nfrom fmcat.site import Build\n"
              "from . import sibling\n"
              "def f():\n    from fmcat.cli import main\n    import json\n")
    assert imported_modules(source) == {"os", "fmcat.core.model", "fmcat.site", "fmcat.cli",
                                        "json"}


@pytest.mark.parametrize(("source", "wrong"), [
    ("from fmcat.site import Build\nfrom mkdocs.plugins import event_priority\n", set()),
    ("import fmcat.site\n", set()),
    ("from fmcat.site.build import Build\n", {"fmcat.site.build"}),
    ("from fmcat import site\n", {"fmcat"}),
    ("def on_config():\n    from fmcat.core.load import load_checked\n", {"fmcat.core.load"}),
    ("import fmcatalog\n", set()),
])
def test_fmcat_imports_outside_site(source: str, wrong: set[str]) -> None:
    assert fmcat_imports_outside_site(source) == wrong


def test_hooks_import_only_fmcat_site() -> None:
    assert HOOKS, "no hook files found"
    found = {f"{path.relative_to(REPO).as_posix()}:{name}"
             for path in HOOKS
             for name in fmcat_imports_outside_site(path.read_text(encoding="utf-8"))}
    assert sorted(found - KNOWN) == [], "a hook may import only fmcat.site"
    assert sorted(KNOWN - found) == [], "no longer imported: delete from KNOWN"
