"""The Qt binding must not leak references to None (PySide6 6.12.0 on Python 3.11 did).

Every void Qt call took one reference too many off ``None``; a long session
then aborted with "Fatal Python error: none_dealloc". pyproject.toml pins
PySide6 below 6.12; this test fails if a version with the fault comes back.
"""

from __future__ import annotations

import sys

import pytest

pytestmark = pytest.mark.gui


def test_void_qt_calls_keep_none_alive(qtbot):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert abs(sys.getrefcount(None) - before) < 50
