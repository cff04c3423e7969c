"""Reading and writing the simple tables people exchange: CSV and xlsx.

Rows are numbered as a spreadsheet shows them (the heading is row 1), so an
error message points at the row a person will look at. Headings are matched
loosely (case, spaces and underscores ignored).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from paperless_ig.domain.errors import BadInput

SUPPORTED = (".csv", ".xlsx", ".xlsm")


def heading_key(text: object) -> str:
    return "_".join(str(text or "").strip().lower().replace("_", " ").split())


@dataclass(frozen=True)
class Table:
    source: str
    headings: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (row number, {heading_key: value})

    def require(self, columns: Sequence[str]) -> None:
        missing = [c for c in columns if c not in self.headings]
        if missing:
            found = ", ".join(self.headings) or "none"
            raise BadInput(
                f"{self.source}: missing column(s) {', '.join(missing)} (found: {found})"
            )

    def refuse_doubled(self, columns: Sequence[str]) -> None:
        """A column we read, headed twice, is ambiguous: say so rather than pick one."""
        doubled = [c for c in columns if self.headings.count(c) > 1]
        if doubled:
            raise BadInput(f"{self.source}: column(s) {', '.join(doubled)} appear more than once; "
                           "keep one of each")


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date() if value.time() == datetime.min.time() else value
    return value


def _read_csv(path: Path) -> list[list[Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise BadInput(f"{path.name}: not a text file")
    if "\x00" in text:
        raise BadInput(f"{path.name}: not a CSV file (it contains binary data)")
    try:
        # newline="" keeps scanner group separators (and other line-like
        # characters) inside their cells instead of splitting the row.
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise BadInput(f"{path.name}: not a readable CSV file ({exc})") from None


def xlsx_rows(path: Path) -> Iterator[list[Any]]:
    """The first sheet's rows as stored, lazily; a damaged workbook is a ``BadInput``.

    The sheet's own size tag is ignored (``reset_dimensions``): read-only
    openpyxl trusts it, so a tag that is too small silently drops rows, and a
    stray cell in column XFD pads every row to 16,384 cells. The file is opened
    here, so a workbook openpyxl gives up on never leaves it open.
    """
    from openpyxl import load_workbook

    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:
            raise BadInput(f"{path.name}: not a readable xlsx workbook ({exc.__class__.__name__})") from None
        try:
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()
            for row in sheet.iter_rows(values_only=True):
                yield list(row)
        except Exception as exc:  # damaged sheet XML, bad cell values: the file, not a bug
            raise BadInput(f"{path.name}: not a readable xlsx workbook ({exc.__class__.__name__})") from None
        finally:
            workbook.close()


def _read_xlsx(path: Path) -> list[list[Any]]:
    return list(xlsx_rows(path))


def read_table(path: str | Path) -> Table:
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: not a file" if path.exists() else f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise BadInput(f"{path.name}: expected a .csv or .xlsx file")
    grid = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    while grid and all(_clean(v) is None for v in grid[0]):
        grid.pop(0)
    if not grid:
        raise BadInput(f"{path.name}: the file is empty")
    headings = [heading_key(h) for h in grid[0]]
    rows = []
    for number, values in enumerate(grid[1:], start=2):
        cleaned = [_clean(v) for v in values]
        if all(v is None for v in cleaned):
            continue
        rows.append((number, {h: (cleaned[i] if i < len(cleaned) else None)
                              for i, h in enumerate(headings) if h}))
    return Table(path.name, [h for h in headings if h], rows)


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_table(path: str | Path, headings: Sequence[str], rows: Iterable[Sequence[Any]],
                sheet_title: str = "Sheet1") -> None:
    """Write a plain table as CSV or xlsx, by the file's extension."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(headings)
            writer.writerows([_cell(v) for v in row] for row in rows)
        return
    if suffix not in (".xlsx", ".xlsm"):
        raise BadInput(f"{path.name}: expected a .csv or .xlsx file name")
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(list(headings))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    widths = [len(h) for h in headings]
    for row in rows:
        sheet.append(list(row))
        widths = [max(w, len(str(v or ""))) for w, v in zip(widths, row, strict=False)]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = min(60, width + 2)
    sheet.freeze_panes = "A2"
    workbook.save(path)
