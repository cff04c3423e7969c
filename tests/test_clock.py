"""One clock: every "today" comes from paperless_ig.domain.clock, and the suite can move it."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput

PACKAGE = Path(__file__).resolve().parents[1] / "paperless_ig"
TESTS = Path(__file__).resolve().parent
# Ways of reading the system's date or time directly (monotonic timers are fine: they time, not date).
DIRECT = re.compile(r"\bdate\.today\(|\bdatetime\.(now|utcnow|today)\(|QDate\.currentDate\(|"
                    r"QDateTime\.currentDateTime\(|\btime\.(time|localtime|gmtime)\(")


def test_nothing_but_the_clock_reads_the_system_date():
    """GIVEN the app's and the tests' source WHEN searched THEN only domain/clock.py (and the
    fixture that fixes the run's day) read the system's date."""
    allowed = {PACKAGE / "domain" / "clock.py", TESTS / "conftest.py", Path(__file__).resolve()}
    offenders = [f"{path.relative_to(PACKAGE.parent)}:{number}: {line.strip()}"
                 for folder in (PACKAGE, TESTS) for path in folder.rglob("*.py") if path not in allowed
                 for number, line in enumerate(path.read_text().splitlines(), start=1)
                 if DIRECT.search(line)]
    assert offenders == []


def test_the_suite_runs_on_one_fixed_day(today):
    assert clock.today() == today
    assert clock.now().date() == today


def test_a_moved_clock_moves_now_with_it(set_today):
    set_today(date(2031, 3, 31))
    assert clock.today() == date(2031, 3, 31)
    assert clock.now().date() == date(2031, 3, 31)
    assert abs(clock.utcnow().date() - date(2031, 3, 31)) <= timedelta(days=1)


def test_a_bad_clock_setting_is_named(set_today, monkeypatch):
    clock.set_today(None)  # set_today's clean-up puts the run's day back
    monkeypatch.setenv(clock.ENV_VAR, "31/03/2028")
    with pytest.raises(BadInput, match="PAPERLESS_IG_TODAY"):
        clock.today()


@pytest.mark.slow
def test_the_command_line_takes_today_from_the_clock(cli, tmp_path, set_today):
    """GIVEN the clock on a financial year end WHEN a deposit is logged without --received
    THEN the CLI (a separate process) receives it on that day."""
    set_today(date(2029, 3, 31))
    db = str(tmp_path / "clock.sqlite3")
    example = Path(__file__).resolve().parents[1] / "resources" / "example_schedule.csv"
    cli("schedule", "import", str(example), "--db", db, check=True)
    cli("team", "add", "--code", "FIN", "--name", "Finance", "--directorate", "Resources",
        "--organisation", "Council", "--db", db, check=True)
    logged = cli("deposit", "add", "--team", "FIN", "--class", "FIN-01-01", "--boxes", "1",
                 "--title", "Invoices", "--trigger-date", "2029-03-31", "--json", "--db", db,
                 check=True)
    barcode = json.loads(logged.stdout)["barcodes"][0]
    shown = json.loads(cli("box", "show", barcode, "--json", "--db", db, check=True).stdout)
    assert shown["received_on"] == "2029-03-31"


def test_a_bad_clock_setting_is_bad_input_on_the_command_line(cli, tmp_path):
    result = cli("disposal", "due", "--db", str(tmp_path / "x.sqlite3"),
                 env={clock.ENV_VAR: "tomorrow"})
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "PAPERLESS_IG_TODAY" in result.stderr
