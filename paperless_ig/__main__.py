"""``python -m paperless_ig`` is the ``paperless-ig`` command."""

import multiprocessing
import sys

from paperless_ig.cli import main

# The guard matters: OCR worker processes are spawned, and re-import this module.
if __name__ == "__main__":
    multiprocessing.freeze_support()  # a frozen build's spawned OCR worker runs here and exits
    sys.exit(main())
