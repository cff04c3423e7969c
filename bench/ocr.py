"""OCR throughput and accuracy: paperless-ig against plain Tesseract on the same pages.

    python bench/ocr.py [--pages 40] [--workers N]

Makes ``--pages`` scanned-looking pages with known text (per 20 pages: 12
straight, 5 skewed, 2 turned sideways, 1 upside down), then on this machine in this run times
(a) plain ``tesseract PAGE OUT txt pdf``, one process per core with
OMP_THREAD_LIMIT=1, and (b) ``paperless-ig ocr`` on the same pages, and
prints pages per minute for each, the ratio, the character error rate of
each side's PDFs read back with pdftotext, and the pipeline's peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rapidfuzz.distance import Levenshtein

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the checkout: tests/samples.py draws the pages
from tests import samples

# Each run of 20 pages: 12 straight, 5 skewed (one of them noisy), 2 turned a quarter, 1 upside down.
MIX = ([(0.0, 0, 0.0)] * 12 + [(1.3, 0, 0.0), (-0.7, 0, 0.0), (2.2, 0, 0.0), (0.6, 0, 0.0),
                               (-1.6, 0, 0.002)] + [(0.0, 90, 0.0), (0.8, 270, 0.0), (0.0, 180, 0.0)])


def make_pages(folder: Path, count: int) -> list[str]:
    texts = []
    for number in range(count):
        skew, rotate, noise = MIX[number % len(MIX)]
        page = samples.text_page(1000 + number, lines=30, skew_degrees=skew, rotate=rotate,
                                 noise=noise)
        samples.save(page, folder / f"page{number:04d}.png")
        texts.append(page.text)
    return texts


def cer(expected: str, got: str) -> float:
    a, b = " ".join(expected.split()), " ".join(got.split())
    return Levenshtein.distance(a, b) / max(len(a), 1)


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout


def plain_tesseract(pages: list[Path], out: Path, workers: int) -> float:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(page: Path) -> None:
        subprocess.run(["tesseract", str(page), str(out / page.stem), "-l", "eng", "txt", "pdf"],
                       env=env, capture_output=True, check=True)

    start = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start


def ours(folder: Path, workdir: Path, workers: int | None) -> tuple[float, dict]:
    db = workdir / "bench.sqlite3"
    env = {**os.environ, "PAPERLESS_IG_DOCUMENTS": str(workdir / "documents")}

    def cli(*args: str) -> str:
        return subprocess.run([sys.executable, "-m", "paperless_ig", *args, "--db", str(db),
                               "--user", "bench"], env=env, capture_output=True, text=True,
                              check=True).stdout

    cli("schedule", "import", str(Path(__file__).parents[1] / "resources" / "example_schedule.csv"))
    cli("team", "add", "--code", "T", "--name", "T", "--directorate", "D", "--organisation", "O")
    box = json.loads(cli("deposit", "add", "--team", "T", "--class", "FIN-01-01", "--boxes", "1",
                         "--title", "Bench", "--trigger-date", "2020-01-01", "--json"))["barcodes"][0]
    start = time.perf_counter()
    extra = ["--workers", str(workers)] if workers else []
    report = json.loads(cli("ocr", str(folder), "--box", box, *extra, "--json"))
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="plain Tesseract's processes (one per core, its best)")
    parser.add_argument("--our-workers", type=int, default=None,
                        help="paperless-ig's OCR processes (default: its own default)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = work / "scans"
        folder.mkdir()
        texts = make_pages(folder, args.pages)
        pages = sorted(folder.glob("*.png"))
        plain_out = work / "plain"
        plain_out.mkdir()
        plain = plain_tesseract(pages, plain_out, args.workers)
        mine, report = ours(folder, work, args.our_workers)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        plain_cer = sum(cer(t, pdftotext(plain_out / f"{p.stem}.pdf"))
                        for t, p in zip(texts, pages, strict=True)) / len(pages)
        box_pdf = next(iter(report["boxes"].values()))["pdf"]
        our_text = pdftotext(Path(box_pdf))
        our_cer = cer("\n".join(texts), our_text)
    n = args.pages
    print(f"pages: {n}, plain workers: {args.workers}, ours: {args.our_workers or 'default'}")
    print(f"plain tesseract: {plain:.1f} s, {n / plain * 60:.1f} pages/min, PDF text CER {plain_cer:.3f}")
    print(f"paperless-ig ocr: {mine:.1f} s, {n / mine * 60:.1f} pages/min, PDF text CER {our_cer:.3f}"
          f" (in-process {report['pages_per_minute']} pages/min)")
    print(f"throughput ratio (ours / plain): {plain / mine:.2f}")
    print(f"peak memory of a child process: {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
