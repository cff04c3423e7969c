"""Where the parts are wired together: start the desktop app."""

from __future__ import annotations

import os
import sys


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc"):
        return True
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def main(db_url: str | None = None, login: str | None = None) -> int:
    if not has_display():
        print("paperless-ig: no display found (set DISPLAY, or run it under xvfb-run)",
              file=sys.stderr)
        return 2
    from paperless_ig.ui.main_window import run

    return run(db_url, login)
