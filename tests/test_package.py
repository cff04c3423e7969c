"""The desktop bundle in dist/paperless-ig does what the checkout does (``make package-test``).

Every test runs the bundled executable in its own process, against a
temporary SQLite file and data folder, never the checkout's code. They skip
only when there is no bundle; ``make package`` builds it.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from paperless_ig import __version__
from paperless_ig.store import migrate
from tests import samples

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = ROOT / "dist" / "paperless-ig"
EXE = BUNDLE / ("paperless-ig.exe" if sys.platform == "win32" else "paperless-ig")
INTERNAL = BUNDLE / "_internal"  # sys._MEIPASS of a one-folder bundle
ADMIN = "alice"  # the first login on a new database becomes its administrator
COMMAND_TIMEOUT = 120  # seconds: a command that hangs (say, a worker that cannot start) fails
OCR_TIMEOUT = 300

pytestmark = [
    pytest.mark.package,
    pytest.mark.skipif(not EXE.exists(), reason=f"no bundle at {BUNDLE}: run 'make package'"),
]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bundle")


@pytest.fixture(scope="module")
def env(workdir) -> dict[str, str]:
    """The bundle's environment: its own data folder, offscreen Qt, no database from outside."""
    values = {k: v for k, v in os.environ.items() if not k.startswith("PAPERLESS_IG_")}
    values.update(PAPERLESS_IG_DATA=str(workdir / "data"), QT_QPA_PLATFORM="offscreen",
                  LANG="C.UTF-8", OMP_THREAD_LIMIT="1")
    return values


def bundle(env: dict[str, str] | None, *args: str,
           timeout: float = COMMAND_TIMEOUT) -> subprocess.CompletedProcess:
    """Run the bundled executable; on a hang, fail and end it with every worker it spawned."""
    command = [str(EXE), *args]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, start_new_session=True) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            stdout, stderr = process.communicate()
            pytest.fail(f"no answer in {timeout} s from {' '.join(args)}\n{stdout}\n{stderr}")
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def db_url(workdir, env) -> str:
    """A database created and filled with the demo council by the bundle itself."""
    url = f"sqlite:///{workdir / 'bundle.sqlite3'}"
    ok(bundle(env, "--db", url, "--user", ADMIN, "db", "upgrade"))
    ok(bundle(env, "--db", url, "--user", ADMIN, "demo", "--boxes", "200", "--json"))
    return url


def test_version():
    """GIVEN the bundle WHEN asked for its version THEN it prints the package's version."""
    result = ok(bundle(None, "--version"))

    assert result.stdout.strip() == f"paperless-ig {__version__}"


def test_bundle_carries_migrations_resources_icon_and_desktop_entry():
    """GIVEN the bundle THEN the files the app reads at run time are inside it,
    and the icon and the desktop entry are beside the executable."""
    versions = sorted(p.name for p in (ROOT / "db" / "versions").glob("*.py"))
    assert (INTERNAL / "db" / "env.py").is_file()
    assert sorted(p.name for p in (INTERNAL / "db" / "versions").glob("*.py")) == versions
    assert (INTERNAL / "resources" / "example_schedule.csv").is_file()
    with Image.open(BUNDLE / "paperless-ig.png") as icon:
        assert icon.size == (256, 256)
    assert (INTERNAL / "resources" / "icons" / "paperless-ig.ico").is_file()
    if sys.platform.startswith("linux"):
        entry = configparser.ConfigParser(interpolation=None)
        entry.optionxform = str  # keys are case-sensitive
        entry.read(BUNDLE / "paperless-ig.desktop", encoding="utf-8")
        desktop = entry["Desktop Entry"]
        assert (desktop["Type"], desktop["Exec"], desktop["Icon"]) == (
            "Application", "paperless-ig", "paperless-ig")
        validate = shutil.which("desktop-file-validate")
        if validate:
            ok(subprocess.run([validate, str(BUNDLE / "paperless-ig.desktop")],
                              capture_output=True, text=True))


def test_db_upgrade_and_demo(db_url, env):
    """GIVEN a database made by the bundle's 'db upgrade' and 'demo --boxes 200'
    THEN its schema is at the newest migration, it holds 200 boxes, and its audit chain holds."""
    assert f"at {migrate.head_revision()}" in ok(bundle(env, "--db", db_url, "db", "upgrade")).stdout

    due = json.loads(ok(bundle(env, "--db", db_url, "--user", ADMIN, "disposal", "due",
                               "--json")).stdout)
    audit = json.loads(ok(bundle(env, "--db", db_url, "--user", ADMIN, "audit", "verify",
                                 "--json")).stdout)

    assert due and all(row["barcode"].startswith("BX") for row in due)
    assert audit["ok"] is True and audit["events"] > 200


def test_postgresql_driver_is_bundled(env):
    """GIVEN a PostgreSQL URL where nothing listens WHEN the bundle uses it
    THEN psycopg itself reports the refused connection: the dialect and driver are in the bundle."""
    result = bundle(env, "--db", "postgresql+psycopg://postgres@127.0.0.1:1/nowhere", "audit", "verify")

    assert result.returncode == 1
    assert "database error: connection failed" in result.stderr, result.stderr


def test_main_window_opens_offscreen(db_url, env, workdir):
    """GIVEN the demo database WHEN the bundled desktop app starts offscreen
    THEN its main window shows with the database's counts, and it saves a picture of it."""
    shot = workdir / "main-window.png"

    result = bundle({**env, "PAPERLESS_IG_SMOKE_SHOT": str(shot)}, "--db", db_url, "--user", ADMIN,
                    timeout=COMMAND_TIMEOUT + 60)

    saved = shot.with_suffix(".json")
    report = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    assert result.returncode == 0 and report.get("ok") is True, (report, result.stderr)
    assert report["settled"] is True, report
    assert (report["class"], report["title"]) == ("MainWindow", "paperless-ig")
    assert any(text.startswith("200 boxes") for text in report["status"]), report["status"]
    assert f"{ADMIN} — administrator" in report["status"]
    with Image.open(shot) as picture:
        assert list(picture.size) == report["size"]
        colours = picture.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50, "the picture is (nearly) blank"
    assert "Traceback" not in result.stderr


def test_ocr_batch_runs_in_spawned_workers(db_url, env, workdir):
    """GIVEN a cover sheet printed by the bundle and two scanned pages (a PNG and a PDF)
    WHEN the bundle OCRs them with two worker processes
    THEN the pages are read by copies of the frozen executable, filed in one searchable PDF
    under the cover sheet's box, and found by search."""
    tesseract = shutil.which("tesseract")
    assert tesseract, "Tesseract is not installed (make system installs it)"
    due = json.loads(ok(bundle(env, "--db", db_url, "--user", ADMIN, "disposal", "due",
                               "--json")).stdout)
    barcode = due[0]["barcode"]
    scans = workdir / "scans"
    scans.mkdir()
    ok(bundle(env, "--db", db_url, "--user", ADMIN, "labels", barcode, "--cover",
              "--out", str(scans / "p0-cover.pdf")))
    first, second = samples.text_page(seed=11, lines=12), samples.text_page(seed=12, lines=12)
    samples.save(first, scans / "p1.png")
    second.image.save(scans / "p2.pdf", resolution=samples.DPI)  # read back through pdftoppm
    # Tesseract through a wrapper that notes the command line of the process that ran it.
    callers = workdir / "tesseract-callers.txt"
    wrapper = workdir / "tesseract-wrapper.sh"
    wrapper.write_text(f'#!/bin/sh\ntr "\\0" " " < /proc/$PPID/cmdline >> "{callers}"\n'
                       f'echo >> "{callers}"\nexec "{tesseract}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)

    result = ok(bundle({**env, "PAPERLESS_IG_TESSERACT": str(wrapper)}, "--db", db_url,
                       "--user", ADMIN, "ocr", str(scans), "--workers", "2", "--json",
                       timeout=OCR_TIMEOUT))

    report = json.loads(result.stdout)
    assert report["failed"] == [] and report["pages"] == 3, report
    assert set(report["boxes"]) == {barcode}
    filed = report["boxes"][barcode]
    assert filed["pages"] == 2
    pdf = Path(filed["pdf"])
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == filed["sha256"]
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages).lower()
    for drawn in (first.text, second.text):
        words = {w for w in drawn.lower().split() if len(w) > 5}
        assert len([w for w in words if w in text]) >= len(words) * 0.8, (words, text)
    lines = [line for line in callers.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines and all(str(EXE) in line and "--multiprocessing-fork" in line for line in lines), lines
    word = next(w for w in first.text.lower().split() if len(w) > 6)
    found = json.loads(ok(bundle(env, "--db", db_url, "--user", ADMIN, "search", word,
                                 "--json")).stdout)
    assert barcode in {hit["barcode"] for hit in found}
