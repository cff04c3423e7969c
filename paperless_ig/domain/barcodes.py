"""Box and location barcodes: the scheme, its check character, scanner clean-up.

A barcode of ours is a prefix, a zero-padded sequence number and one check
character, e.g. ``BX00012347``. Code 128 protects the bars, but desk staff
also type codes by hand, so the app needs its own check.

The check is a weighted sum modulo the prime 31 over a 31-symbol alphabet
(Crockford's base 32 without Z): position ``i`` (from 1) has weight ``i`` and
the check character takes the last position, chosen so the whole sum is 0.
Because 31 is prime and larger than any difference of two symbol values,
every single substitution changes the sum by ``i * (a - b)``, which is never
0 mod 31; an adjacent swap changes it by ``b - a``, never 0 either. So every
single-character error and every adjacent transposition is caught, up to 29
characters. Letters outside the alphabet (I, L, O, U, Z) cannot appear in
one of our codes at all, which catches the commonest look-alikes.

Barcodes of an imported legacy register are kept exactly as they were
(after stripping what a scanner adds); they are not checked.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from paperless_ig.domain.errors import BadInput

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 31, prime
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
SEQUENCE_DIGITS = 7
BOX_PREFIX = "BX"
LOCATION_PREFIX = "SH"
MAX_LENGTH = MODULUS - 1


def _weighted_sum(chars: str) -> int:
    return sum(i * _VALUE[ch] for i, ch in enumerate(chars, start=1))


def check_character(body: str) -> str:
    """The check character that makes ``body + check`` valid."""
    body = body.upper()
    if not body or len(body) + 1 > MAX_LENGTH:
        raise BadInput(f"barcode body {body!r} must be 1 to {MAX_LENGTH - 1} characters")
    bad = [ch for ch in body if ch not in _VALUE]
    if bad:
        raise BadInput(f"barcode body {body!r} has characters outside the scheme: {''.join(bad)}")
    position = len(body) + 1
    inverse = pow(position, -1, MODULUS)
    value = (-_weighted_sum(body) * inverse) % MODULUS
    return ALPHABET[value]


def has_valid_check(code: str) -> bool:
    """True when every character is in the alphabet and the weighted sum is 0."""
    if len(code) < 2 or len(code) > MAX_LENGTH:
        return False
    if any(ch not in _VALUE for ch in code):
        return False
    return _weighted_sum(code) % MODULUS == 0


def make_barcode(sequence: int, prefix: str = BOX_PREFIX) -> str:
    """A new barcode for sequence number ``sequence`` under ``prefix``."""
    if sequence < 1 or sequence >= 10**SEQUENCE_DIGITS:
        raise BadInput(f"barcode sequence {sequence} is out of range")
    body = f"{prefix.upper()}{sequence:0{SEQUENCE_DIGITS}d}"
    return body + check_character(body)


_STRAY = re.compile(r"\s+")


def clean_scanned(raw: str) -> str:
    """What a keyboard-wedge scanner meant: no whitespace, control or format characters.

    Scanners add CR/LF, tabs, group separators (GS, ``\\x1d``) and sometimes a
    byte-order mark or zero-width space; none of them is ever part of a code.
    Normalised again at the end: dropping a character can let its neighbours
    compose (``"A\\u00af"`` becomes A, space, combining macron, then "Ā"), and
    a cleaned code must clean to itself, or a stored one is never found again.
    """
    kept = [
        ch
        for ch in unicodedata.normalize("NFKC", raw)
        if unicodedata.category(ch)[0] not in ("C", "Z")
    ]
    return unicodedata.normalize("NFKC", _STRAY.sub("", "".join(kept)))


@dataclass(frozen=True)
class ParsedBarcode:
    code: str
    prefix: str
    sequence: int


_SCHEME = re.compile(rf"^([A-Z]{{1,6}})(\d{{{SEQUENCE_DIGITS}}})([{ALPHABET}])$")


def looks_like_scheme(code: str, prefix: str) -> bool:
    """True when ``code`` has our shape under ``prefix`` (check not yet verified)."""
    match = _SCHEME.match(code.upper())
    return bool(match) and match.group(1) == prefix


def parse(code: str, prefix: str = BOX_PREFIX) -> ParsedBarcode:
    """Parse one of our barcodes, refusing one with a wrong check character."""
    cleaned = clean_scanned(code).upper()
    match = _SCHEME.match(cleaned)
    if not match or match.group(1) != prefix:
        raise BadInput(
            f"barcode {cleaned!r} is not a {prefix} barcode "
            f"({prefix} + {SEQUENCE_DIGITS} digits + check character)"
        )
    if not has_valid_check(cleaned):
        raise BadInput(f"barcode {cleaned!r} fails its check character: mistyped or misread")
    return ParsedBarcode(cleaned, match.group(1), int(match.group(2)))
