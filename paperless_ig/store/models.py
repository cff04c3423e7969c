"""The records model, as SQLAlchemy 2.0 typed mappings.

Enumerations are stored as short strings (checked in Python by the domain
enums) so that migrations never have to alter a native ENUM type. Dates of
records are ``Date``; moments are naive UTC ``DateTime``. The indexes are the
ones the desk look-up, the due queue, the store view and the trends need at a
million boxes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A standard archive box is about 143 mm wide: 7 to a metre of shelf.
STANDARD_BOX_WIDTH_MM = 143


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    __tablename__ = "organisations"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    short_name: Mapped[str] = mapped_column(String(40), default="")


class Directorate(Base):
    __tablename__ = "directorates"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[Organisation] = relationship()


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    directorate_id: Mapped[int] = mapped_column(ForeignKey("directorates.id"), index=True)
    iao: Mapped[str] = mapped_column(String(200), default="")
    iao_login: Mapped[str | None] = mapped_column(String(100))
    data_owner: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    directorate: Mapped[Directorate] = relationship()


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class RetentionClass(Base):
    __tablename__ = "retention_classes"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    function: Mapped[str] = mapped_column(String(200))
    activity: Mapped[str] = mapped_column(String(200))
    transaction: Mapped[str] = mapped_column(String(400))
    trigger: Mapped[str] = mapped_column(String(32))
    period_months: Mapped[int | None] = mapped_column(Integer)  # None: permanent
    action: Mapped[str] = mapped_column(String(32))
    authority: Mapped[str] = mapped_column(String(400), default="")
    # The paper may go early once a verified digital copy exists.
    paper_may_go_when_digitised: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    barcode: Mapped[str] = mapped_column(String(60), unique=True)
    store: Mapped[str] = mapped_column(String(60), default="")
    bay: Mapped[str] = mapped_column(String(20), default="")
    shelf: Mapped[str] = mapped_column(String(20), default="")
    position: Mapped[str] = mapped_column(String(20), default="")
    capacity: Mapped[int] = mapped_column(Integer, default=6)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Deposit(Base):
    __tablename__ = "deposits"
    __table_args__ = (Index("ix_deposits_team_received", "team_id", "received_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    received_on: Mapped[date] = mapped_column(Date)
    brought_by: Mapped[str] = mapped_column(String(200), default="")
    received_by: Mapped[str] = mapped_column(String(100), default="")
    box_count: Mapped[int] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Challenge(Base):
    __tablename__ = "challenges"
    id: Mapped[int] = mapped_column(primary_key=True)
    deposit_id: Mapped[int] = mapped_column(ForeignKey("deposits.id"), unique=True)
    why_paper: Mapped[str] = mapped_column(Text, default="")
    legally_required: Mapped[str] = mapped_column(String(20), default="unknown")
    could_be_digital: Mapped[str] = mapped_column(String(20), default="unknown")
    process_owner: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(32))
    notes: Mapped[str] = mapped_column(Text, default="")


class Box(Base):
    __tablename__ = "boxes"
    __table_args__ = (
        Index("ix_boxes_status_disposal", "status", "disposal_date"),
        Index("ix_boxes_team_received", "team_id", "received_on"),
        Index("ix_boxes_received", "received_on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    barcode: Mapped[str] = mapped_column(String(60), unique=True)
    legacy: Mapped[bool] = mapped_column(Boolean, default=False)
    deposit_id: Mapped[int | None] = mapped_column(ForeignKey("deposits.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("retention_classes.id"), index=True)
    title: Mapped[str] = mapped_column(String(400))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)
    trigger_date: Mapped[date] = mapped_column(Date)
    disposal_date: Mapped[date | None] = mapped_column(Date)
    received_on: Mapped[date] = mapped_column(Date)
    security: Mapped[str] = mapped_column(String(32), default="official")
    width_mm: Mapped[int] = mapped_column(Integer, default=STANDARD_BOX_WIDTH_MM)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"), index=True)
    status: Mapped[str] = mapped_column(String(32), default="in_store")
    digitised_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class BoxFile(Base):
    __tablename__ = "box_files"
    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[int] = mapped_column(ForeignKey("boxes.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100), default="", index=True)
    title: Mapped[str] = mapped_column(String(400))
    date_from: Mapped[date | None] = mapped_column(Date)
    date_to: Mapped[date | None] = mapped_column(Date)


class Loan(Base):
    __tablename__ = "loans"
    __table_args__ = (Index("ix_loans_open_due", "returned_on", "due_on"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    box_id: Mapped[int] = mapped_column(ForeignKey("boxes.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    issued_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    returned_on: Mapped[date | None] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(100), default="")
    returned_by: Mapped[str | None] = mapped_column(String(100))


class LegalHold(Base):
    __tablename__ = "legal_holds"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    placed_by: Mapped[str] = mapped_column(String(100))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    released_on: Mapped[date | None] = mapped_column(Date)
    released_by: Mapped[str | None] = mapped_column(String(100))
    release_reason: Mapped[str | None] = mapped_column(Text)


class HoldScope(Base):
    """One part of a hold's scope; a box is held when any active part covers it."""

    __tablename__ = "hold_scopes"
    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("legal_holds.id"), index=True)
    class_id: Mapped[int | None] = mapped_column(ForeignKey("retention_classes.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    directorate_id: Mapped[int | None] = mapped_column(ForeignKey("directorates.id"))
    box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"))
    records_from: Mapped[date | None] = mapped_column(Date)
    records_to: Mapped[date | None] = mapped_column(Date)


class DisposalBatch(Base):
    __tablename__ = "disposal_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(32), default="draft", index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)
    method: Mapped[str | None] = mapped_column(String(60))
    contractor: Mapped[str | None] = mapped_column(String(200))
    certificate_no: Mapped[str | None] = mapped_column(String(100))
    witnesses: Mapped[str | None] = mapped_column(Text)
    weight_kg: Mapped[float | None] = mapped_column(Float)


class DisposalDecision(Base):
    __tablename__ = "disposal_decisions"
    __table_args__ = (UniqueConstraint("batch_id", "box_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("disposal_batches.id"), index=True)
    box_id: Mapped[int] = mapped_column(ForeignKey("boxes.id"), index=True)
    decision: Mapped[str | None] = mapped_column(String(32))  # destroy, transfer, extend
    extend_to: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    approval: Mapped[str] = mapped_column(String(32), default="pending")
    # The team's IAO login when the batch was made: only they approve this box.
    iao_login: Mapped[str | None] = mapped_column(String(100))
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approval_note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(32))  # destroyed, transferred, pulled
    outcome_reason: Mapped[str | None] = mapped_column(Text)


class ScanBatch(Base):
    __tablename__ = "scan_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    operator: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(32), default="running")
    source: Mapped[str] = mapped_column(Text, default="")
    # The same files scanned again resume this batch instead of starting a new one.
    source_key: Mapped[str | None] = mapped_column(String(64), index=True)
    default_box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class ScanPage(Base):
    __tablename__ = "scan_pages"
    __table_args__ = (UniqueConstraint("batch_id", "source_file", "source_page"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("scan_batches.id"), index=True)
    source_file: Mapped[str] = mapped_column(String(1000))
    source_page: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer, default=0)  # order in the batch
    cover_barcode: Mapped[str | None] = mapped_column(String(60))
    box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"), index=True)
    page_no: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float | None] = mapped_column(Float)
    rotation: Mapped[int] = mapped_column(Integer, default=0)
    skew_degrees: Mapped[float | None] = mapped_column(Float)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    cover_sheet: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(32), default="done", index=True)
    error: Mapped[str | None] = mapped_column(Text)
    pdf_path: Mapped[str | None] = mapped_column(String(1000))
    # Set when an operator filed the page by hand: cover sheets no longer move it.
    manual_box: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)


class ScanOutput(Base):
    __tablename__ = "scan_outputs"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("scan_batches.id"), index=True)
    box_id: Mapped[int] = mapped_column(ForeignKey("boxes.id"), index=True)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    pages: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ForwardPlanItem(Base):
    __tablename__ = "forward_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    added_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(32))  # trend, challenge
    owner: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(60), default="")
    status: Mapped[str] = mapped_column(String(32), default="proposed")
    action_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Append-only, hash-chained: ``hash = sha256(prev_hash + canonical event)``."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(60))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The chain's last link, so that removing the newest events is noticed too."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class Counter(Base):
    """Named sequences (box barcodes, location barcodes): allocated, never max+1."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Stocktake(Base):
    """One shelf checked against the records: what was expected, what was there."""

    __tablename__ = "stocktakes"
    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("locations.id"), index=True)
    performed_by: Mapped[str] = mapped_column(String(100))
    performed_at: Mapped[datetime] = mapped_column(DateTime)
    moves_accepted: Mapped[bool] = mapped_column(Boolean, default=False)
    expected: Mapped[int] = mapped_column(Integer, default=0)
    found: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    elsewhere: Mapped[int] = mapped_column(Integer, default=0)
    unknown: Mapped[int] = mapped_column(Integer, default=0)


class StocktakeItem(Base):
    __tablename__ = "stocktake_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    stocktake_id: Mapped[int] = mapped_column(ForeignKey("stocktakes.id"), index=True)
    barcode: Mapped[str] = mapped_column(String(100))
    outcome: Mapped[str] = mapped_column(String(20))  # found, missing, elsewhere, unknown
    box_id: Mapped[int | None] = mapped_column(ForeignKey("boxes.id"))
    recorded_location: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)
