"""Where the files that ship beside the code live: a checkout or the bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def project_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) if bundle else Path(__file__).resolve().parents[1]


def resource(name: str) -> Path:
    return project_dir() / "resources" / name
