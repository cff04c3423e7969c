"""The errors a user can cause and be told about in one line.

Anything that is a `PaperlessError` is the user's to fix (bad input, unknown
barcode, missing permission); the command line prints its message and exits
2, the GUI shows it in a dialog. Every other exception is a bug or a broken
environment.
"""


class PaperlessError(Exception):
    """A refusal the user can act on; the message names the place."""


class BadInput(PaperlessError):
    """Input that does not make sense: a bad date, period, code or row."""


class NotFound(PaperlessError):
    """A named thing (barcode, team, class, user) does not exist."""


class Conflict(PaperlessError):
    """The action clashes with the state: a duplicate barcode, a stale edit."""


class PermissionDenied(PaperlessError):
    """The user's role does not allow the action."""


class RowError:
    """One bad row of an import: where it is and what is wrong with it."""

    __slots__ = ("field", "message", "row")

    def __init__(self, row: int, field: str | None, message: str) -> None:
        self.row = row
        self.field = field
        self.message = message

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.message}


class ImportRejected(BadInput):
    """An all-or-nothing import found bad rows and changed nothing."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source = source
        self.errors = errors
        shown = "; ".join(str(e) for e in errors[:20])
        more = f" (and {len(errors) - 20} more)" if len(errors) > 20 else ""
        rows = len({e.row for e in errors})
        super().__init__(
            f"{source}: {rows} bad row(s), nothing imported: {shown}{more}"
        )
