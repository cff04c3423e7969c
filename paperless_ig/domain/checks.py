"""Warnings the desk needs before a deposit is logged. Pure functions.

Labels carry no personal data, so a title that looks like it names a person
is flagged; the check is a heuristic that errs towards asking.
"""

from __future__ import annotations

import re
from itertools import pairwise

# Honorifics, "surname, forename" and the shapes of UK personal identifiers.
_HONORIFIC = re.compile(r"\b(mr|mrs|miss|ms|mx|dr|prof|sir|dame|rev)\.?\s+[A-Z][a-z]+", re.I)
_SURNAME_FIRST = re.compile(r"\b[A-Z][a-z]+,\s*[A-Z][a-z]+\b")
_NI_NUMBER = re.compile(r"\b[A-CEGHJ-PR-TW-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", re.I)
_NHS_NUMBER = re.compile(r"\b\d{3}\s?\d{3}\s?\d{4}\b")
_DOB = re.compile(r"\b(dob|d\.o\.b|born)\b", re.I)
# A short list of common British forenames: enough to catch "Case file John Smith".
FORENAMES = frozenset("""
john david michael paul james mark peter robert andrew richard stephen christopher
daniel thomas matthew william anthony simon gary ian kevin jason george jack harry
oliver charlie joshua alfie noah leo mary sarah susan karen emma lisa julie claire
helen nicola rachel laura amy jessica sophie olivia amelia isla ava emily grace
lily mia ella chloe hannah lucy charlotte elizabeth margaret patricia linda
""".split())  # noqa: SIM905 - easier to read as prose

DEFAULT_WEIGHT_LIMIT_KG = 15.0


def personal_data_reason(title: str) -> str | None:
    """Why ``title`` may name a person, or None."""
    if _HONORIFIC.search(title):
        return "it has a title such as Mr or Mrs before a name"
    if _NI_NUMBER.search(title):
        return "it contains what looks like a National Insurance number"
    if _NHS_NUMBER.search(title):
        return "it contains what looks like an NHS number"
    if _DOB.search(title):
        return "it mentions a date of birth"
    words = re.findall(r"[A-Za-z']+", title)
    for first, second in pairwise(words):
        if first.lower() in FORENAMES and second[:1].isupper() and second.lower() not in FORENAMES:
            return f"'{first} {second}' looks like a person's name"
    if _SURNAME_FIRST.search(title):
        return "it has a 'Surname, Forename' pattern"
    return None


def weight_warning(weight_kg: float | None, limit_kg: float = DEFAULT_WEIGHT_LIMIT_KG) -> str | None:
    if weight_kg is not None and weight_kg > limit_kg:
        return f"weighs {weight_kg:g} kg, over the store's limit of {limit_kg:g} kg: split it"
    return None
