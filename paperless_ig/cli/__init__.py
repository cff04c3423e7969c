"""The command line: scheduled jobs, bulk work, scripting and tests.

``main`` (in ``cli/entry.py``) is the ``paperless-ig`` command; ``registry.py`` holds the
command table; each other module registers the commands of one area.
"""

from paperless_ig.cli.entry import main

__all__ = ["main"]
