"""Start-up of the window (app.py): a database it must not open is refused before anything is written."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from paperless_ig import app

pytestmark = pytest.mark.gui


def test_a_pdf_given_as_the_database_is_refused_and_left_as_it_was(qtbot, tmp_path, monkeypatch):
    """GIVEN a PDF where the database should be WHEN the app starts on it
    THEN a message says it is a PDF, the exit code is 1, and the file is unchanged."""
    pdf = tmp_path / "statement.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"\x00" * 2048)
    before = pdf.read_bytes()
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda _parent, _title, text: shown.append(text))

    assert app.run(str(pdf), "alice") == 1

    assert len(shown) == 1 and "is not a SQLite database: it is a PDF" in shown[0]
    assert pdf.read_bytes() == before
