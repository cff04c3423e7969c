"""paperless-ig: the council's paper records store, from deposit to disposal."""

__version__ = "0.1.0"
