"""SQL tests on scanned pages shared by the review queue, the batch list and the position statement."""

from __future__ import annotations

from sqlalchemy import and_, or_

from paperless_ig.domain.states import PageStatus
from paperless_ig.store.models import ScanPage


def needs_review():
    """The SQL test for a page the review queue shows: read poorly, blank and unseen, or in no box.

    One definition for the queue, the batch list's counts and the position statement.
    """
    return or_(ScanPage.status == PageStatus.LOW,
               and_(ScanPage.status == PageStatus.BLANK, ScanPage.reviewed_at.is_(None)),
               and_(ScanPage.box_id.is_(None), ScanPage.status.in_((PageStatus.DONE, PageStatus.ACCEPTED))))
