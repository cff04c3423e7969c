"""One log: a rotating file in the data folder, for the window and the command line alike.

Why a file: the Windows build has no console, so a traceback printed from a background
task vanishes. Everything of ours logs under the ``paperless_ig`` logger; ``configure``
sends it to ``<data folder>/logs/paperless-ig.log`` (five old files of 2 MB are kept) and,
for ``--verbose`` on the command line, to stderr as well.
"""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = "paperless_ig"
FILE_NAME = "paperless-ig.log"
MAX_BYTES = 2_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"


def log_folder() -> Path:
    from paperless_ig.store.database import data_dir

    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def configure(*, verbose: bool = False) -> Path:
    """Send our log to the rotating file (and, when ``verbose``, to stderr); returns the file.

    Safe to call again: a handler is added once.
    """
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    path = log_folder() / FILE_NAME
    if not any(isinstance(h, RotatingFileHandler) for h in logger.handlers):
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8",
                                      delay=True)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)
    if verbose and not any(getattr(h, "stream", None) is sys.stderr for h in logger.handlers):
        console = logging.StreamHandler(sys.stderr)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(console)
    return path
