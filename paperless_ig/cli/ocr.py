"""Digitisation: OCR a scan batch into searchable PDFs filed with their boxes."""

from __future__ import annotations

from paperless_ig.cli.common import actor, open_db, progress_to_stderr
from paperless_ig.cli.registry import arguments, command, emit


@arguments
def _ocr_args(p):
    p.add_argument("paths", nargs="+", help="scanned files or folders (TIFF, JPEG, PNG, PDF)")
    p.add_argument("--box", default=None, help="the box for pages before any cover sheet")
    p.add_argument("--workers", type=int, default=None, help="OCR processes (default: one per core)")
    p.add_argument("--lang", default="eng", help="Tesseract language (default eng)")


@command("ocr", help="OCR a scan batch into searchable PDFs filed with their boxes")
@_ocr_args
def ocr_run(args):
    from paperless_ig.services import scanning as pipeline

    report = pipeline.run_batch(open_db(args), actor(args), args.paths, args.box, args.workers,
                                progress=progress_to_stderr, lang=args.lang)
    lines = [f"batch {report.batch_id}: {report.pages} pages, {report.pages_read} read in "
             f"{report.seconds:.1f} s ({report.pages_per_minute} pages a minute)"]
    lines += [f"  {code}: {info['pages']} pages -> {info['pdf']}" for code, info in report.boxes.items()]
    if report.unassigned:
        lines.append(f"  {report.unassigned} pages before any cover sheet: in the unassigned tray")
    if report.low_confidence:
        lines.append(f"  {report.low_confidence} pages read poorly: check them in the review queue")
    lines += [f"  refused {f['file']}: {f['reason']}" for f in report.failed]
    emit(args, report.as_json(), "\n".join(lines))
