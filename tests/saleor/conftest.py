"""Tests inside Saleor: Saleor's own test settings, database and fixtures.

Run from an environment where Saleor and this package are installed (see docs/install.md):

    pytest tests/saleor --ds=saleor.tests.settings -n0 --reuse-db

Saleor's root ``conftest.py`` (its ``pytest_plugins`` list of fixture modules and its database
tweaks) is not part of the installed package, so it is loaded from the source tree, located
from ``saleor.__file__``. ``tests/conftest.py`` skips this directory when Saleor is missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

try:
    import saleor
except ImportError:  # asked for explicitly without Saleor: collect nothing (tests/conftest.py says why)
    saleor = None
    collect_ignore_glob = ["test_*.py"]

if saleor is not None:
    _ROOT_CONFTEST = Path(saleor.__file__).resolve().parent.parent / "conftest.py"
    _spec = importlib.util.spec_from_file_location("saleor_root_conftest", _ROOT_CONFTEST)
    assert _spec is not None and _spec.loader is not None, f"Saleor's conftest.py not found at {_ROOT_CONFTEST}"
    _module = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(_module)
    globals().update({name: value for name, value in vars(_module).items() if not name.startswith("__")})

    from .fixtures import *  # noqa: E402,F401,F403
