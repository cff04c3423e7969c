"""The core knows no screen: importing everything but ui/ loads no PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import paperless_ig


def test_core_modules_import_without_pyside6():
    modules = [m.name for m in pkgutil.walk_packages(paperless_ig.__path__, "paperless_ig.")
               if not m.name.startswith("paperless_ig.ui")
               and m.name not in ("paperless_ig.app", "paperless_ig.__main__")]
    assert "paperless_ig.services.audit" in modules
    code = ("import importlib, sys\n"
            f"for name in {modules!r}: importlib.import_module(name)\n"
            "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
            "assert not bad, bad\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
