"""The command-line contract: exit codes, one-line errors, JSON."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess

import pytest

from paperless_ig import __version__

pytestmark = pytest.mark.slow


def test_version(cli):
    result = cli("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_unknown_command_is_one_line_exit_2(cli):
    result = cli("frobnicate")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "frobnicate" in result.stderr


def test_demo_then_verify_then_tamper(cli, tmp_path):
    url = f"sqlite:///{tmp_path / 'council.sqlite3'}"
    result = cli("demo", "--boxes", "2000", "--seed", "1", "--json", "--db", url)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["boxes"] == 2000
    verified = cli("audit", "verify", "--json", "--db", url)
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True
    # change one audit row behind the app's back, with the sqlite3 shell where there is one
    statement = "UPDATE audit_events SET actor = 'mallory' WHERE seq = 42;"
    if shutil.which("sqlite3"):
        subprocess.run(["sqlite3", str(tmp_path / "council.sqlite3"), statement], check=True)
    else:
        with sqlite3.connect(tmp_path / "council.sqlite3") as connection:
            connection.execute(statement)
    broken = cli("audit", "verify", "--db", url)
    assert broken.returncode == 1
    assert "event 42" in broken.stderr
    assert "Traceback" not in broken.stderr
    as_json = cli("audit", "verify", "--json", "--db", url)
    assert json.loads(as_json.stdout)["first_bad"] == 42


def test_schedule_import_with_bad_period_names_row_and_changes_nothing(cli, tmp_path):
    db = tmp_path / "s.sqlite3"
    bad = tmp_path / "bad.csv"
    bad.write_text("code,function,activity,transaction,trigger,period,action,authority\n"
                   "A-1,F,A,T,closure,6 years,destroy,x\n"
                   "A-2,F,A,T,closure,sixty,destroy,x\n")
    result = cli("schedule", "import", str(bad), "--db", str(db))
    assert result.returncode == 2
    assert "row 3, period" in result.stderr and "'sixty'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    exported = cli("schedule", "export", str(tmp_path / "out.csv"), "--db", str(db), "--json")
    assert json.loads(exported.stdout)["classes"] == 0


def test_roles_are_enforced_from_the_command_line(cli, tmp_path):
    db = str(tmp_path / "r.sqlite3")
    assert cli("user", "add", "dan", "--role", "desk", "--db", db).returncode == 0
    refused = cli("team", "add", "--code", "T1", "--name", "One", "--directorate", "D",
                  "--organisation", "O", "--db", db, user="dan")
    assert refused.returncode == 2 and "cannot change teams" in refused.stderr
    added = cli("team", "add", "--code", "T1", "--name", "One", "--directorate", "D",
                "--organisation", "O", "--iao", "Ian", "--db", db, "--json")
    assert added.returncode == 0 and json.loads(added.stdout)["result"] == "created"


def test_teams_import_and_env_database(cli, tmp_path):
    db = tmp_path / "e.sqlite3"
    teams_file = tmp_path / "teams.csv"
    teams_file.write_text("organisation,directorate,team_code,team_name,iao\nO,D,T1,One,I\n")
    result = cli("teams", "import", str(teams_file), "--json", env={"PAPERLESS_IG_DB": str(db)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["created"] == 1
    assert db.exists()


def test_gui_without_display_says_so_and_exits_2(tmp_path):
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "paperless_ig", "--db",
                             str(tmp_path / "g.sqlite3")], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "no display" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unreachable_database_is_one_line_exit_1(cli):
    result = cli("audit", "verify", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["nosuch://nowhere", "postgresql+nosuchdriver://u@h/db", "mysql://u@h/db"])
def test_a_database_url_that_cannot_be_understood_is_bad_input(cli, url):
    """GIVEN a --db URL of no kind paperless-ig uses WHEN any command runs
    THEN it exits 2 with one line naming the URL and the forms that are accepted."""
    result = cli("--db", url, "audit", "verify")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert url in result.stderr and "sqlite:///" in result.stderr and "postgresql+psycopg://" in result.stderr


def test_an_unreachable_postgresql_is_a_failure_that_names_host_and_port(cli):
    result = cli("--db", "postgresql+psycopg://postgres:secret@127.0.0.1:1/test", "audit", "verify")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "127.0.0.1:1" in result.stderr and "secret" not in result.stderr
