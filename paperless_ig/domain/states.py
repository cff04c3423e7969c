"""The lifecycles, as types: a box, a disposal batch, a decision in it, a scanned page.

Each is a ``StrEnum`` (its values are what the database stores, so a member compares equal
to the stored text) with the words a person reads beside it. Screens and services name
states through these, never as string literals, so a state that no code sets cannot hide
in a list somewhere.
"""

from __future__ import annotations

from enum import StrEnum


class BoxStatus(StrEnum):
    IN_STORE = "in_store"
    OUT_ON_LOAN = "out_on_loan"
    QUEUED_FOR_DISPOSAL = "queued_for_disposal"
    DIGITISED = "digitised"
    DESTROYED = "destroyed"
    TRANSFERRED = "transferred"


BOX_STATUS_LABELS = {
    BoxStatus.IN_STORE: "in store",
    BoxStatus.OUT_ON_LOAN: "out on loan",
    BoxStatus.QUEUED_FOR_DISPOSAL: "queued for disposal",
    BoxStatus.DIGITISED: "digitised",
    BoxStatus.DESTROYED: "destroyed",
    BoxStatus.TRANSFERRED: "transferred to archives",
}
# A box that has left the store for good: its record stays, nothing more happens to it.
CLOSED_BOX = (BoxStatus.DESTROYED, BoxStatus.TRANSFERRED)
# A box that takes a place on a shelf (a box out on loan keeps its place for its return).
SHELVED_BOX = (BoxStatus.IN_STORE, BoxStatus.OUT_ON_LOAN, BoxStatus.QUEUED_FOR_DISPOSAL,
               BoxStatus.DIGITISED)
# A box the due queue may offer for disposal.
DISPOSABLE_BOX = (BoxStatus.IN_STORE, BoxStatus.DIGITISED, BoxStatus.QUEUED_FOR_DISPOSAL)


class BatchStatus(StrEnum):
    """A disposal batch: made, part approved, all decided by the IAOs, carried out, or dropped."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


BATCH_STATUS_LABELS = {
    BatchStatus.DRAFT: "draft",
    BatchStatus.SUBMITTED: "partly approved",
    BatchStatus.APPROVED: "approved",
    BatchStatus.COMPLETED: "completed",
    BatchStatus.CANCELLED: "cancelled",
}
OPEN_BATCH = (BatchStatus.DRAFT, BatchStatus.SUBMITTED, BatchStatus.APPROVED)


class Decision(StrEnum):
    """The records manager's decision on one box in a batch."""

    DESTROY = "destroy"
    TRANSFER = "transfer"
    EXTEND = "extend"


DECISION_LABELS = {Decision.DESTROY: "destroy", Decision.TRANSFER: "transfer to archives",
                   Decision.EXTEND: "extend"}


class ApprovalState(StrEnum):
    """The Information Asset Owner's word on one box's decision."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Outcome(StrEnum):
    """What completing the batch did to one box."""

    DESTROYED = "destroyed"
    TRANSFERRED = "transferred"
    EXTENDED = "extended"
    PULLED = "pulled"


OUTCOME_OF = {Decision.DESTROY: Outcome.DESTROYED, Decision.TRANSFER: Outcome.TRANSFERRED,
              Decision.EXTEND: Outcome.EXTENDED}


class PageStatus(StrEnum):
    """A scanned page: waiting to be read, read (well or poorly), checked, or set aside."""

    PENDING = "pending"
    DONE = "done"  # read well
    LOW = "low"  # read with low confidence: a person checks it
    ACCEPTED = "accepted"  # checked by a person after a poor read
    BLANK = "blank"
    COVER = "cover"  # a barcode cover sheet: the pages after it belong to that box
    FAILED = "failed"


# A page that needs no more reading (a resumed batch skips it).
FINISHED_PAGE = (PageStatus.DONE, PageStatus.LOW, PageStatus.ACCEPTED, PageStatus.BLANK,
                 PageStatus.COVER, PageStatus.FAILED)
# A page whose text goes into its box's PDF.
READ_PAGE = (PageStatus.DONE, PageStatus.LOW, PageStatus.ACCEPTED)


class ScanBatchStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
