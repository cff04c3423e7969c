"""The cheap looks at a page before OCR: skew, sideways, upside down, blank, cover sheet."""

from __future__ import annotations

import pytest

from paperless_ig.ocr import analyse
from tests import samples


def small(page):
    return analyse.small_grey(page.image)


@pytest.mark.parametrize("degrees", [0.0, 0.6, 1.5, -2.3, 4.0])
def test_skew_is_found_to_a_tenth_of_a_degree(degrees):
    assert abs(analyse.estimate_skew(small(samples.text_page(5, 20, skew_degrees=degrees))) - degrees) <= 0.15


@pytest.mark.parametrize("rotate, sideways, flipped", [
    (0, False, False), (90, True, None), (180, False, True), (270, True, None)])
def test_turned_pages_are_recognised_without_tesseract(rotate, sideways, flipped):
    page = small(samples.text_page(7, 20, skew_degrees=1.0, rotate=rotate))
    assert analyse.is_sideways(page) is sideways
    if flipped is not None:
        level = analyse.deskew(page, analyse.estimate_skew(page))
        assert analyse.upside_down(level) is flipped


def test_blank_faint_and_cover_pages():
    from PIL import ImageEnhance

    assert analyse.is_blank(small(samples.blank_page(3)))
    faint = ImageEnhance.Contrast(samples.text_page(3, 6).image).enhance(0.2)
    assert not analyse.is_blank(analyse.small_grey(faint))
    assert analyse.cover_barcode(small(samples.cover_page("BX0000001H"))) == "BX0000001H"
    assert analyse.cover_barcode(small(samples.text_page(1, 10))) is None
