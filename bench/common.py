"""What the bench scripts share: how they time things and the due queue's bare baseline.

The scripts run as ``python bench/NAME.py``, so this folder is on the import path.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from datetime import date


def best_of(run: Callable[[], object], repeat: int) -> float:
    """Seconds of the fastest of ``repeat`` runs, after one run that warms caches."""
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_due_count(connection: sqlite3.Connection, as_of: date) -> int:
    """Due and not held, over the (status, disposal_date) index, holds written in by hand
    as the app does: the baseline the due queue is measured against."""
    held = []
    for class_id, team_id, box_id, low, high in connection.execute(
            "SELECT s.class_id, s.team_id, s.box_id, s.records_from, s.records_to "
            "FROM hold_scopes s JOIN legal_holds h ON h.id = s.hold_id "
            "WHERE h.released_on IS NULL AND h.starts_on <= ?", (as_of.isoformat(),)):
        terms = []
        if class_id:
            terms.append(f"class_id = {class_id}")
        if team_id:
            terms.append(f"team_id = {team_id}")
        if box_id:
            terms.append(f"id = {box_id}")
        if low:
            terms.append(f"coalesce(date_to, trigger_date) >= '{low}'")
        if high:
            terms.append(f"coalesce(date_from, trigger_date) <= '{high}'")
        held.append("(" + " AND ".join(terms or ["1"]) + ")")
    not_held = f"AND NOT ({' OR '.join(held)})" if held else ""
    return connection.execute(
        "SELECT count(*) FROM boxes WHERE status IN ('in_store', 'digitised', 'queued_for_disposal') "
        f"AND disposal_date IS NOT NULL AND disposal_date <= ? {not_held}",
        (as_of.isoformat(),)).fetchone()[0]
