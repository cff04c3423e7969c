"""``python -m paperless_ig`` is the ``paperless-ig`` command."""

import sys

from paperless_ig.cli import main

sys.exit(main())
