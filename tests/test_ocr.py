"""The OCR pipeline on real Tesseract, with pages made here whose text is known."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select

from paperless_ig.ocr import tesseract
from paperless_ig.services import deposits, scanning, schedule, teams
from paperless_ig.store.models import ScanPage
from tests import samples
from tests.conftest import ADMIN

pytestmark = pytest.mark.slow
LINES = 12


def cer(expected: str, got: str) -> float:
    """Character error rate over the words, whitespace folded."""
    a, b = " ".join(expected.split()), " ".join(got.split())
    return Levenshtein.distance(a, b) / max(len(a), 1)


def pdf_text(path: str) -> str:
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def boxes_db(sqlite_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERLESS_IG_DOCUMENTS", str(tmp_path / "documents"))
    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("O", "D", "FIN-AP", "Accounts Payable", "I"))
    codes = deposits.log_deposit(sqlite_db, ADMIN, deposits.DepositRequest(
        "FIN-AP", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2019, 6, 5))] * 2
    )).barcodes
    sqlite_db.codes = codes
    return sqlite_db


def _scans(folder: Path, pages: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, start=1):
        samples.save(page, folder / f"scan{number:03d}.png")
    return folder


def test_pages_are_read_straightened_turned_and_split_by_cover_sheet(boxes_db, tmp_path):
    first, second = boxes_db.codes
    clean = samples.text_page(1, LINES)
    skewed = samples.text_page(2, LINES, skew_degrees=1.5)
    noisy = samples.text_page(3, LINES, noise=0.003)
    turned = samples.text_page(4, LINES, rotate=90)
    upside_down = samples.text_page(6, LINES, rotate=180, skew_degrees=0.8)
    folder = _scans(tmp_path / "scans", [
        samples.text_page(9, LINES),  # before any cover sheet: unassigned
        samples.cover_page(first), clean, skewed, samples.blank_page(),
        samples.cover_page(second), noisy, turned, upside_down,
    ])
    report = scanning.run_batch(boxes_db, ADMIN, [folder], workers=2)
    assert report.pages == 9 and report.unassigned == 1 and report.blank == 1
    assert {code: info["pages"] for code, info in report.boxes.items()} == {first: 2, second: 3}
    with boxes_db.read() as session:
        texts = dict(session.execute(select(ScanPage.position, ScanPage.text)).all())
        rotations = dict(session.execute(select(ScanPage.position, ScanPage.rotation)).all())
    assert (rotations[7], rotations[8]) == (90, 180)
    for position, page in ((2, clean), (3, skewed), (6, noisy), (7, turned), (8, upside_down)):
        assert cer(page.text, texts[position]) < 0.03, (position, texts[position][:200])
    # The searchable PDFs read back in reading order, pages in box order, blank page left out.
    first_pdf = report.boxes[first]["pdf"]
    assert len(PdfReader(first_pdf).pages) == 2
    assert cer(clean.text + "\n" + skewed.text, pdf_text(first_pdf)) < 0.05
    second_pdf = report.boxes[second]["pdf"]
    assert cer("\n".join((noisy.text, turned.text, upside_down.text)), pdf_text(second_pdf)) < 0.05
    import hashlib

    assert report.boxes[first]["sha256"] == hashlib.sha256(Path(first_pdf).read_bytes()).hexdigest()


def test_bad_files_are_refused_one_by_one_and_the_rest_goes_on(boxes_db, tmp_path):
    folder = _scans(tmp_path / "scans", [samples.cover_page(boxes_db.codes[0]),
                                         samples.text_page(5, LINES)])
    (folder / "z-broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 50)
    (folder / "z-notes.txt.pdf").write_text("this is not a pdf")
    bomb = tmp_path / "bomb.png"
    from PIL import Image

    Image.new("1", (20000, 20000)).save(bomb)  # 400 megapixels in a few kB
    secret = tmp_path / "secret.pdf"
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt("letmein")
    writer.write(secret)
    report = scanning.run_batch(boxes_db, ADMIN, [folder, bomb, secret, tmp_path / "missing.tif"],
                                workers=1)
    reasons = {Path(f["file"]).name: f["reason"] for f in report.failed}
    assert "damaged" in reasons["z-broken.png"] or "cannot read" in reasons["z-broken.png"]
    assert "not a readable PDF" in reasons["z-notes.txt.pdf"]
    assert "decompression bomb" in reasons["bomb.png"]
    assert "password" in reasons["secret.pdf"]
    assert "no such file" in reasons["missing.tif"]
    assert report.boxes[boxes_db.codes[0]]["pages"] == 1


def test_tesseract_command_is_built_as_documented(monkeypatch):
    monkeypatch.setenv("PAPERLESS_IG_TESSERACT", "/opt/tess")
    command = tesseract.ocr_command(Path("in.png"), Path("out"), "eng", 3)
    assert command == ["/opt/tess", "in.png", "out", "-l", "eng", "--psm", "3", "--dpi", "300",
                       "txt", "tsv", "pdf"]
    assert tesseract.parse_osd("Page number: 0\nOrientation in degrees: 270\nRotate: 90\n"
                               "Orientation confidence: 20.21\n") == (90, 20.21)
    words = tesseract.parse_tsv("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop"
                                "\twidth\theight\tconf\ttext\n5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tA\n"
                                "5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t70\tB\n4\t1\t1\t1\t1\t0\t0\t0\t1\t1\t-1\t\n")
    assert (words.count, words.mean_confidence) == (2, 80.0)


def test_a_killed_batch_resumes_with_every_page_exactly_once(boxes_db, tmp_path):
    pages = [samples.cover_page(boxes_db.codes[0])] + [samples.text_page(20 + i, 6) for i in range(10)]
    folder = _scans(tmp_path / "scans", pages)
    command = [sys.executable, "-m", "paperless_ig", "ocr", str(folder), "--workers", "2",
               "--db", boxes_db.url, "--user", ADMIN, "--json"]
    env = {**os.environ, "PAPERLESS_IG_DOCUMENTS": str(tmp_path / "documents")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)

    def finished() -> int:
        with boxes_db.read() as session:
            return session.execute(select(func.count(ScanPage.id)).where(
                ScanPage.status.in_(scanning.FINISHED))).scalar_one()

    deadline = time.monotonic() + 120
    while finished() < 4 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the whole process group: CLI and workers
    process.wait()
    done_before = finished()
    assert 4 <= done_before < len(pages), done_before
    resumed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    report = json.loads(resumed.stdout)
    assert report["resumed"] is True
    assert report["pages_read"] == len(pages) - done_before
    with boxes_db.read() as session:
        rows = session.execute(select(ScanPage.source_file, ScanPage.source_page, ScanPage.status)).all()
    assert len(rows) == len(pages) == len({(f, p) for f, p, _ in rows})
    assert all(status in ("done", "cover") for _, _, status in rows)
    assert report["boxes"][boxes_db.codes[0]]["pages"] == 10


def test_review_queue_rereads_files_and_accepts_pages(boxes_db, tmp_path):
    """GIVEN pages with no cover sheet, a blank page and a faint page WHEN reviewed THEN the
    box PDF follows the decisions and the box becomes digitised once nothing waits."""
    from PIL import ImageEnhance

    from paperless_ig.services import boxes as box_service
    from paperless_ig.services import digitisation

    first = boxes_db.codes[0]
    faint = samples.text_page(31, 6)
    faint = samples.SamplePage(ImageEnhance.Contrast(faint.image).enhance(0.3), faint.text)
    upside = samples.text_page(32, 6, rotate=180)
    folder = _scans(tmp_path / "scans", [upside, samples.blank_page(), faint])
    report = scanning.run_batch(boxes_db, ADMIN, [folder], workers=1)
    assert report.unassigned >= 1 and report.boxes == {}
    queue = digitisation.review_queue(boxes_db, report.batch_id)
    summary = digitisation.list_batches(boxes_db)[0]
    assert (summary.batch_id, summary.pages, summary.to_review) == (report.batch_id, 3, len(queue))
    reasons = {Path(item.file).name: item.reason for item in queue}
    assert "blank" in reasons["scan002.png"]
    assert any("no cover sheet" in r or "read poorly" in r for r in reasons.values())
    # file every unassigned page in the first box, accept the blank one
    for item in queue:
        if item.status == "blank":
            digitisation.accept(boxes_db, ADMIN, item.page_id)
        else:
            digitisation.reassign(boxes_db, ADMIN, item.page_id, first)
    for item in digitisation.review_queue(boxes_db, report.batch_id):
        digitisation.accept(boxes_db, ADMIN, item.page_id)
    assert digitisation.review_queue(boxes_db, report.batch_id) == []
    outputs = digitisation.outputs_for_box(boxes_db, first)
    assert outputs and outputs[-1]["pages"] == 2  # the blank page stays out of the PDF
    assert box_service.show(boxes_db, first).status == "digitised"
    # a re-read turned the other way round is kept when it reads better
    page_id = next(i.page_id for i in queue if Path(i.file).name == "scan001.png")
    item = digitisation.rerun(boxes_db, ADMIN, page_id, 180)
    assert cer(upside.text, item.text) < 0.05


def test_multi_page_tiff_jpeg_and_pdf_are_read_page_by_page(boxes_db, tmp_path):
    first = boxes_db.codes[0]
    cover, one, two, three = (samples.cover_page(first), samples.text_page(41, 6),
                              samples.text_page(42, 6), samples.text_page(43, 6))
    folder = tmp_path / "scans"
    folder.mkdir()
    cover.image.save(folder / "a-cover.tif", dpi=(300, 300))
    one.image.save(folder / "b-pages.tif", save_all=True, append_images=[two.image], dpi=(300, 300),
                   compression="tiff_lzw")
    samples.save(three, folder / "c-page.jpg")
    three.image.convert("RGB").save(folder / "d-page.pdf", resolution=300)
    report = scanning.run_batch(boxes_db, ADMIN, [folder], workers=2)
    assert report.failed == [] and report.boxes[first]["pages"] == 4
    text = pdf_text(report.boxes[first]["pdf"])
    assert cer("\n".join((one.text, two.text, three.text, three.text)), text) < 0.05
