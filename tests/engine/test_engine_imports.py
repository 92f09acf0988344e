"""The engine is pure: it imports only the standard library and itself (docs/architecture.md)."""

import ast
import doctest
import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import saleor_loyalty.engine as engine_package

ENGINE_DIR = Path(engine_package.__file__).parent
MODULES = sorted(path for path in ENGINE_DIR.glob("*.py"))
STDLIB = sys.stdlib_module_names


def imported_roots(source: str) -> set[str]:
    """Top-level names of every absolute import; relative imports stay inside the engine."""
    roots: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                roots.add(node.module.split(".")[0])
            elif node.level > 1:
                roots.add("<outside the engine>")  # `from ..x import` leaves the package
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "__import__"}:
            roots.add("<dynamic import>")
    return roots


def test_the_engine_has_modules():
    assert len(MODULES) >= 10


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_engine_module_imports_only_the_standard_library(path):
    foreign = {root for root in imported_roots(path.read_text()) if root not in STDLIB}
    assert foreign == set(), f"{path.name} imports {sorted(foreign)}"


@pytest.mark.parametrize(
    "source",
    [
        "import django",
        "from django.db import models",
        "from saleor.checkout import models",
        "import celery.app",
        "from ..models import Rule",
        "from saleor_loyalty import ledger",
        "importlib.import_module('django')",
    ],
)
def test_the_import_check_catches_forbidden_imports(source):
    assert {root for root in imported_roots(source) if root not in STDLIB}


@pytest.mark.parametrize("name", sorted(m.name for m in pkgutil.iter_modules([str(ENGINE_DIR)])))
def test_engine_doctests(name):
    module = importlib.import_module(f"saleor_loyalty.engine.{name}")
    result = doctest.testmod(module)
    assert result.failed == 0


def test_engine_passes_mypy_strict():
    api = pytest.importorskip("mypy.api")
    stdout, stderr, status = api.run(["--strict", "--no-error-summary", str(ENGINE_DIR)])
    assert status == 0, stdout + stderr
