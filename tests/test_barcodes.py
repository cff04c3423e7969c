"""The box barcode scheme: every single-character error and adjacent swap is caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperless_ig.domain import barcodes
from paperless_ig.domain.errors import BadInput

sequences = st.integers(min_value=1, max_value=10**barcodes.SEQUENCE_DIGITS - 1)
prefixes = st.sampled_from(["BX", "SH", "CG", "B"])


@given(sequences, prefixes)
def test_made_barcodes_parse_back_to_their_sequence(sequence, prefix):
    code = barcodes.make_barcode(sequence, prefix)
    parsed = barcodes.parse(code, prefix)
    assert parsed.sequence == sequence
    assert parsed.code == code


@given(sequences, st.data())
def test_every_single_character_substitution_is_refused(sequence, data):
    """GIVEN a valid code WHEN any one character is replaced THEN the check fails."""
    code = barcodes.make_barcode(sequence)
    position = data.draw(st.integers(0, len(code) - 1))
    replacement = data.draw(st.sampled_from(
        [c for c in barcodes.ALPHABET + "ZIOLU" if c != code[position]]))
    typo = code[:position] + replacement + code[position + 1:]
    assert not barcodes.has_valid_check(typo)
    with pytest.raises(BadInput):
        barcodes.parse(typo)


@given(sequences, st.data())
def test_every_adjacent_swap_is_refused(sequence, data):
    code = barcodes.make_barcode(sequence)
    position = data.draw(st.integers(0, len(code) - 2))
    a, b = code[position], code[position + 1]
    if a == b:
        return  # swapping equal characters changes nothing
    swapped = code[:position] + b + a + code[position + 2:]
    assert not barcodes.has_valid_check(swapped)


def test_exhaustively_all_single_errors_for_a_sample_of_codes():
    """Not only sampled: every position, every symbol, for a spread of sequences."""
    for sequence in range(1, 10**7, 99_991):
        code = barcodes.make_barcode(sequence)
        for position in range(len(code)):
            for symbol in barcodes.ALPHABET:
                if symbol != code[position]:
                    typo = code[:position] + symbol + code[position + 1:]
                    assert not barcodes.has_valid_check(typo), typo


@pytest.mark.parametrize("raw", [
    "BX0000001H\r\n", "\tBX0000001H ", "\x1dBX0000001H", "\ufeffBX0000\u200b001H", "bx0000001h",
])
def test_scanner_noise_is_cleaned(raw):
    expected = barcodes.make_barcode(1)
    assert expected == "BX0000001H"
    assert barcodes.parse(raw).code == expected


def test_legacy_barcode_keeps_its_characters_but_loses_scanner_noise():
    assert barcodes.clean_scanned("  ab-123/x \r\n") == "ab-123/x"


def test_wrong_prefix_and_bad_shape_are_named():
    with pytest.raises(BadInput, match="not a BX barcode"):
        barcodes.parse("SH00000013")
    with pytest.raises(BadInput, match="fails its check"):
        barcodes.parse("BX0000001J")
