"""Label sheets and cover sheets: every barcode printed reads back from a 300 dpi raster."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from pdf2image import convert_from_path, pdfinfo_from_path
from PIL import Image

from paperless_ig.domain.barcodes import make_barcode
from paperless_ig.domain.errors import BadInput
from paperless_ig.exports.barcode_draw import MIN_MODULE, code128_pattern, module_count, module_width
from paperless_ig.exports.labels import (
    SHEETS,
    CoverData,
    LabelData,
    write_cover_sheets,
    write_labels,
)

DPI = 300
MM = DPI / 25.4  # pixels per millimetre
POINT_MM = 25.4 / 72
TITLE = "Personnel file of Jane Smithson, born 1961"


def _box(n: int) -> dict:
    """A box as the store would hand it over, title and all."""
    return {"barcode": make_barcode(n), "team": "FIN-AP", "title": TITLE,
            "location": f"Store A, Bay {n}, Shelf 3" if n % 4 else None,
            "disposal_year": None if n % 5 == 0 else 2033}


def _label(box: dict) -> LabelData:
    return LabelData(box["barcode"], box["team"], box["location"], box["disposal_year"])


def _pages(pdf: Path):
    """Each page at 300 dpi in greyscale, one at a time to keep memory small."""
    count = pdfinfo_from_path(str(pdf))["Pages"]
    for page in range(1, count + 1):
        yield convert_from_path(str(pdf), dpi=DPI, first_page=page, last_page=page, grayscale=True)[0]


def _page_count(pdf: Path) -> int:
    return pdfinfo_from_path(str(pdf))["Pages"]


def _read(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]


def _origin(sheet, slot: int) -> tuple[float, float]:
    """Label ``slot`` (0-based, across then down) worked out here, not by the code under test."""
    return (sheet.left_margin + (slot % sheet.columns) * sheet.column_pitch,
            sheet.top_margin + (slot // sheet.columns) * sheet.row_pitch)


def _cell(image: Image.Image, sheet, slot: int, inset_mm: float = 0.0) -> Image.Image:
    left, top = _origin(sheet, slot)
    return image.crop((round((left + inset_mm) * MM), round((top + inset_mm) * MM),
                       round((left + sheet.label_width - inset_mm) * MM),
                       round((top + sheet.label_height - inset_mm) * MM)))


def _is_blank(image: Image.Image) -> bool:
    return image.getextrema()[0] >= 250


def _pdftotext(pdf: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.parametrize(("name", "grid", "label", "margins", "pitches"), [
    ("L7163", (2, 7), (99.1, 38.1), (15.15, 4.65), (101.6, 38.1)),
    ("L7160", (3, 7), (63.5, 38.1), (15.15, 7.25), (66.04, 38.1)),
])
def test_sheet_layouts_are_the_avery_ones(name, grid, label, margins, pitches):
    sheet = SHEETS[name]
    assert (sheet.columns, sheet.rows) == grid
    assert (sheet.label_width, sheet.label_height) == label
    assert (sheet.top_margin, sheet.left_margin) == margins
    assert (sheet.column_pitch, sheet.row_pitch) == pitches
    for slot in range(sheet.per_sheet):
        assert sheet.label_origin(slot) == pytest.approx(_origin(sheet, slot))
    # the grid sits centred on A4
    last_left, last_top = _origin(sheet, sheet.per_sheet - 1)
    right = sheet.page_width - last_left - sheet.label_width
    bottom = sheet.page_height - last_top - sheet.label_height
    assert right == pytest.approx(sheet.left_margin, abs=0.1)
    assert bottom == pytest.approx(sheet.top_margin, abs=0.1)


@pytest.mark.parametrize(("sheet_name", "start"), [("L7163", 1), ("L7160", 1), ("L7163", 5), ("L7160", 5)])
def test_every_label_reads_back_in_its_own_cell(tmp_path, sheet_name, start):
    """GIVEN 30 boxes WHEN their labels are printed from label ``start``
    THEN each page's barcodes read back from a 300 dpi raster, each in the cell
    it belongs to (across then down), and the skipped cells stay blank."""
    sheet = SHEETS[sheet_name]
    boxes = [_box(n) for n in range(1, 31)]
    out = tmp_path / "labels.pdf"

    pages = write_labels([_label(b) for b in boxes], out, sheet=sheet_name, start_position=start)

    expected_pages = -(-(start - 1 + len(boxes)) // sheet.per_sheet)
    assert pages == expected_pages == _page_count(out)
    slots = [None] * (start - 1) + [b["barcode"] for b in boxes]
    read_back = []
    for number, image in enumerate(_pages(out)):
        read_back += _read(image)
        for slot in range(sheet.per_sheet):
            index = number * sheet.per_sheet + slot
            expected = slots[index] if index < len(slots) else None
            cell = _cell(image, sheet, slot)
            if expected is None:
                assert _is_blank(cell), f"page {number + 1}, label {slot + 1} should be unused"
            else:
                assert _read(cell) == [expected], f"page {number + 1}, label {slot + 1}"
                # Nothing reaches the last millimetre of a label: printers place it only that well.
                inner = _cell(image, sheet, slot, inset_mm=1.0)
                border = cell.copy()
                border.paste(255, (round(MM), round(MM), round(MM) + inner.width, round(MM) + inner.height))
                assert _is_blank(border), f"page {number + 1}, label {slot + 1} runs to its edge"
    assert sorted(read_back) == sorted(b["barcode"] for b in boxes)


def test_label_text_has_team_location_and_year_but_no_title(tmp_path):
    """GIVEN boxes with titles that name a person WHEN labelled THEN the text
    shows team, location and disposal year, and nothing of the title."""
    assert "title" not in {f.name for f in dataclasses.fields(LabelData)}
    boxes = [_box(n) for n in range(1, 9)]
    out = tmp_path / "labels.pdf"
    write_labels([_label(b) for b in boxes], out)

    text = _pdftotext(out)
    assert "FIN-AP" in text
    assert "Dispose 2033" in text
    assert "Permanent" in text  # box 5
    assert "not shelved" in text  # box 4
    assert "Store A, Bay 1, Shelf 3" in text
    assert all(b["barcode"] in text for b in boxes)
    for word in ("Personnel", "Jane", "Smithson", "1961"):
        assert word not in text


@pytest.mark.parametrize("sheet_name", ["L7163", "L7160"])
def test_long_text_is_fitted_inside_each_label(tmp_path, sheet_name):
    """GIVEN a long team code and location WHEN labelled THEN the year and the
    location are still there and every word the PDF draws lies inside its
    label, at least 1 mm in from the edge."""
    sheet = SHEETS[sheet_name]
    long_ones = [LabelData(make_barcode(n), "CHILDRENS-SAFEGUARDING-NORTH-AND-WEST",
                           "Records Centre Unit 4, Bay 112, Shelf 7, Position 24, back row", 2099)
                 for n in range(1, sheet.columns + 2)]
    out = tmp_path / "labels.pdf"
    write_labels(long_ones, out, sheet=sheet_name)

    text = _pdftotext(out, "-f", "1", "-l", "1")
    assert text.count("Dispose 2099") == len(long_ones)
    assert text.count("Records Centre Unit 4") == len(long_ones)
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">',
                       _pdftotext(out, "-bbox", "-f", "1", "-l", "1"))
    assert len(words) > 4 * len(long_ones)
    cells = [(*_origin(sheet, slot), sheet.label_width, sheet.label_height)
             for slot in range(len(long_ones))]
    for box in words:
        x0, y0, x1, y1 = (float(v) * POINT_MM for v in box)
        x, y = (x0 + x1) / 2, (y0 + y1) / 2
        home = [c for c in cells if c[0] <= x <= c[0] + c[2] and c[1] <= y <= c[1] + c[3]]
        assert len(home) == 1, f"word at {x0:.1f},{y0:.1f} mm is in no label"
        left, top, width, height = home[0]
        assert left + 1 <= x0 and x1 <= left + width - 1, f"word at {x0:.1f} mm runs out of its label"
        assert top + 1 <= y0 and y1 <= top + height - 1, f"word at {y0:.1f} mm runs out of its label"


def test_cover_sheets_read_back_in_order(tmp_path):
    """GIVEN four boxes WHEN cover sheets are printed THEN each page's one
    barcode reads back from a 300 dpi raster, in order, at least 120 x 30 mm."""
    covers = [CoverData(make_barcode(n), "FIN-AP Accounts Payable",
                        f"Paid invoices {2000 + n}, suppliers A-K") for n in (3, 41, 592, 7777)]
    out = tmp_path / "covers.pdf"

    assert write_cover_sheets(covers, out) == 4 == _page_count(out)

    for cover, image in zip(covers, _pages(out), strict=True):
        results = [r for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.Code128]
        assert [r.text for r in results] == [cover.barcode]
        corners = results[0].position
        assert (corners.top_right.x - corners.top_left.x) / MM >= 120
        assert (corners.bottom_left.y - corners.top_left.y) / MM >= 30
        assert corners.top_left.y / MM < 80, "the barcode belongs near the top of the sheet"
    pages = _pdftotext(out).split("\f")
    for cover, text in zip(covers, pages, strict=False):
        assert cover.barcode in text
        assert "FIN-AP Accounts Payable" in text
        assert cover.title in text
        assert "Put this sheet in front of the box's pages" in text


def test_unknown_sheet_is_refused_with_the_known_ones(tmp_path):
    out = tmp_path / "labels.pdf"
    with pytest.raises(BadInput, match=r"unknown label sheet 'L9999'.*L7163, L7160"):
        write_labels([_label(_box(1))], out, sheet="L9999")
    assert not out.exists()


@pytest.mark.parametrize(("sheet_name", "start", "last"), [
    ("L7163", 0, 14), ("L7163", 15, 14), ("L7160", 22, 21), ("L7160", -3, 21)])
def test_start_position_off_the_sheet_is_refused(tmp_path, sheet_name, start, last):
    out = tmp_path / "labels.pdf"
    message = rf"start position {start} is not on a {sheet_name} sheet \(labels 1 to {last}\)"
    with pytest.raises(BadInput, match=message):
        write_labels([_label(_box(1))], out, sheet=sheet_name, start_position=start)
    assert not out.exists()


def test_sheet_names_ignore_case_and_last_position_is_usable(tmp_path):
    out = tmp_path / "labels.pdf"
    assert write_labels([_label(_box(n)) for n in (1, 2)], out, sheet="l7160", start_position=21) == 2


def test_nothing_to_print_is_refused(tmp_path):
    with pytest.raises(BadInput, match="no labels"):
        write_labels([], tmp_path / "labels.pdf")
    with pytest.raises(BadInput, match="no cover sheets"):
        write_cover_sheets([], tmp_path / "covers.pdf")


def test_a_barcode_too_long_for_the_label_is_refused_before_writing(tmp_path):
    """GIVEN a legacy barcode too long for 0.3 mm bars on a 63.5 mm label
    WHEN labelled THEN BadInput names it, suggests wider labels, and no file is written."""
    legacy = "LEGACY-REGISTER-BOX-ABCDEFGH"
    out = tmp_path / "labels.pdf"
    with pytest.raises(BadInput, match=rf"{legacy}.*L7160 label; try a sheet with wider labels"):
        write_labels([_label(_box(1)), LabelData(legacy, "FIN-AP", None, None)], out, sheet="L7160")
    assert not out.exists()


def test_unwritable_output_is_a_bad_input(tmp_path):
    with pytest.raises(BadInput, match="cannot write"):
        write_labels([_label(_box(1))], tmp_path / "no such folder" / "labels.pdf")


def test_module_geometry():
    code = make_barcode(17)
    pattern = code128_pattern(code)
    assert set(pattern) == {"0", "1"} and pattern.startswith("11010010000")  # start code B
    assert module_count(code) == len(pattern) + 20
    assert module_width(code, 200) >= MIN_MODULE
    with pytest.raises(BadInput, match=r"0\.3 mm"):
        module_width(code, module_count(code) * MIN_MODULE * 0.9)
    with pytest.raises(BadInput, match="Code 128"):
        code128_pattern("BOÎTE")
