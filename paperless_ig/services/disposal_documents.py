"""The documents of a disposal batch, as plain data and as files.

``approval_lists`` gives each Information Asset Owner the boxes of their own
teams in a batch; ``certificate`` gives the certificate of destruction of a
completed batch. Both start from ``disposal.get_batch`` and read what the
batch does not carry (team names, class descriptions and authorities, box
widths and weights, the organisation, people's names) in one more read-only
session, then return frozen dataclasses; the writers in
``exports.certificates`` turn those into PDF and xlsx files.

Our certificate number is ``PIG-`` and the batch id in five digits
(``PIG-00012``; longer once ids pass 99999). One batch has one certificate,
so the number is unique and stable without a counter of its own: a reprint
carries the same number. The contractor's own certificate number, recorded
when the batch was completed, is shown beside it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from paperless_ig.domain import clock
from paperless_ig.domain.errors import BadInput, Conflict
from paperless_ig.domain.states import BatchStatus, Outcome
from paperless_ig.exports.certificates import (
    ApprovalList,
    ApprovalRow,
    Certificate,
    CertificateRow,
    write_approval_list_pdf,
    write_approval_list_xlsx,
    write_certificate_pdf,
    write_certificate_xlsx,
)
from paperless_ig.services.disposal import BatchInfo, DecisionInfo, get_batch
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    Box,
    Directorate,
    DisposalDecision,
    Organisation,
    RetentionClass,
    Team,
    User,
)

CERTIFICATE_PREFIX = "PIG"
NO_IAO = "no IAO set"
FORMATS = ("pdf", "xlsx")


def certificate_number(batch_id: int) -> str:
    """Our number for the certificate of batch ``batch_id``: ``PIG-00012``."""
    return f"{CERTIFICATE_PREFIX}-{batch_id:05d}"


@dataclass(frozen=True)
class _BoxExtra:
    team_name: str
    organisation: str
    class_description: str
    authority: str
    width_mm: int
    weight_kg: float | None


@dataclass(frozen=True)
class _Extras:
    boxes: dict[str, _BoxExtra]
    names: dict[str, str]  # login: the person's name

    def person(self, login: str | None) -> str:
        if not login:
            return ""
        return self.names.get(login) or login

    def organisation(self, decisions: Sequence[DecisionInfo]) -> str | None:
        found = sorted({self.boxes[d.barcode].organisation for d in decisions if d.barcode in self.boxes})
        return "; ".join(found) or None


def _extras(db: Database, batch: BatchInfo) -> _Extras:
    logins = {batch.created_by}
    logins |= {d.iao_login for d in batch.decisions if d.iao_login}
    logins |= {d.approved_by for d in batch.decisions if d.approved_by}
    with db.read() as session:
        rows = session.execute(
            select(Box.barcode, Team.name, Organisation.name, RetentionClass.transaction,
                   RetentionClass.authority, Box.width_mm, Box.weight_kg)
            .join(DisposalDecision, DisposalDecision.box_id == Box.id)
            .join(Team, Team.id == Box.team_id)
            .join(Directorate, Directorate.id == Team.directorate_id)
            .join(Organisation, Organisation.id == Directorate.organisation_id)
            .join(RetentionClass, RetentionClass.id == Box.class_id)
            .where(DisposalDecision.batch_id == batch.batch_id)
        ).all()
        names = dict(session.execute(
            select(User.login, User.name).where(User.login.in_(sorted(logins)))).all())
    boxes = {barcode: _BoxExtra(team, org, description or "", authority or "", width, weight)
             for barcode, team, org, description, authority, width, weight in rows}
    return _Extras(boxes, {login: name for login, name in names.items() if name})


# -- approval lists ----------------------------------------------------------------------
def _iao_key(decision: DecisionInfo) -> str:
    return decision.iao_login or decision.iao or NO_IAO


def approval_lists(db: Database, batch_id: int, *, today: date | None = None,
                   prepared_by: str | None = None) -> dict[str, ApprovalList]:
    """One approval list per IAO of the batch, keyed by the IAO's login (or name, if no login).

    A list holds the boxes of that IAO's teams still to be carried out, that
    is, not pulled from the batch. ``prepared_by`` (a login) defaults to the
    records manager who made the batch. A cancelled batch has no lists.
    """
    batch = get_batch(db, batch_id)
    if batch.status == BatchStatus.CANCELLED:
        raise Conflict(f"batch {batch_id} was cancelled: it has nothing to approve")
    extras = _extras(db, batch)
    groups: dict[str, list[DecisionInfo]] = {}
    for decision in batch.decisions:
        if decision.outcome != Outcome.PULLED:
            groups.setdefault(_iao_key(decision), []).append(decision)
    preparer = extras.person(prepared_by or batch.created_by)
    lists = {}
    for key, decisions in sorted(groups.items()):
        login = decisions[0].iao_login
        names = sorted({d.iao for d in decisions if d.iao})
        iao = " / ".join(names) or (extras.person(login) if login else NO_IAO)
        rows = []
        for d in sorted(decisions, key=lambda d: (d.team, d.barcode)):
            extra = extras.boxes[d.barcode]
            rows.append(ApprovalRow(d.barcode, d.team, extra.team_name, d.class_code,
                                    extra.class_description, extra.authority, d.date_from, d.date_to,
                                    d.disposal_date, d.decision, d.extend_to, d.reason))
        lists[key] = ApprovalList(batch.batch_id, iao, login, extras.organisation(decisions),
                                  today or clock.today(), preparer, tuple(rows))
    return lists


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.").lower() or "iao"


def write_approval_lists(db: Database, batch_id: int, out_dir: str | Path,
                         formats: Sequence[str] = FORMATS, *, today: date | None = None) -> list[Path]:
    """Write each IAO's approval list into ``out_dir``; returns the files written.

    Files are named ``batch-00012-approval-<iao>.pdf`` (and ``.xlsx``); the
    folder is made if needed.
    """
    wanted = [f.lower().lstrip(".") for f in formats]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise BadInput(f"approval list format {', '.join(unknown) or 'none'} is not one of "
                       f"{', '.join(FORMATS)}")
    lists = approval_lists(db, batch_id, today=today)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot make the folder {out_dir}: {exc.strerror or exc}") from None
    written: list[Path] = []
    stems: set[str] = set()
    for key, data in lists.items():
        stem = base = f"batch-{batch_id:05d}-approval-{_slug(key)}"
        n = 1
        while stem in stems:  # two IAO names that read the same as file names
            n += 1
            stem = f"{base}-{n}"
        stems.add(stem)
        for fmt in wanted:
            path = out_dir / f"{stem}.{fmt}"
            if fmt == "pdf":
                written.append(write_approval_list_pdf(data, path))
            else:
                written.append(write_approval_list_xlsx(data, path))
    return written


# -- the certificate ----------------------------------------------------------------------
def certificate(db: Database, batch_id: int, *, today: date | None = None) -> Certificate:
    """The certificate of destruction of a completed batch; Conflict for any other batch."""
    batch = get_batch(db, batch_id)
    if batch.status != BatchStatus.COMPLETED or batch.completed_on is None:
        raise Conflict(f"batch {batch_id} is {batch.status}: a certificate of destruction is issued "
                       "only once the batch is completed")
    if not any(d.outcome in (Outcome.DESTROYED, Outcome.TRANSFERRED) for d in batch.decisions):
        raise Conflict(f"batch {batch_id} destroyed and transferred no box: there is nothing to "
                       "certify")
    extras = _extras(db, batch)

    def row(d: DecisionInfo, reason: str | None = None) -> CertificateRow:
        extra = extras.boxes[d.barcode]
        return CertificateRow(d.barcode, d.team, extra.team_name, d.class_code, d.date_from, d.date_to,
                              extra.width_mm, extra.weight_kg, reason,
                              d.extend_to if d.outcome == Outcome.EXTENDED else None)

    def section(outcome: str) -> tuple[CertificateRow, ...]:
        chosen = sorted((d for d in batch.decisions if d.outcome == outcome), key=lambda d: d.barcode)
        if outcome == Outcome.PULLED:
            return tuple(row(d, d.outcome_reason) for d in chosen)
        if outcome == Outcome.EXTENDED:
            return tuple(row(d, d.reason) for d in chosen)
        return tuple(row(d) for d in chosen)

    destroyed = section("destroyed")
    weight = batch.weight_kg
    if weight is None and destroyed and all(r.weight_kg is not None for r in destroyed):
        weight = sum(r.weight_kg or 0 for r in destroyed)
    carried_out = [d for d in batch.decisions if d.outcome in (Outcome.DESTROYED, Outcome.TRANSFERRED)]
    approvers = sorted({extras.person(d.approved_by) for d in carried_out if d.approved_by})
    witnesses = tuple(w.strip() for w in (batch.witnesses or "").split(";") if w.strip())
    return Certificate(
        number=certificate_number(batch.batch_id), batch_id=batch.batch_id,
        organisation=extras.organisation(batch.decisions), destroyed_on=batch.completed_on,
        method=batch.method or "not recorded", contractor=batch.contractor or "not recorded",
        contractor_certificate_no=batch.certificate_no or "not recorded", witnesses=witnesses,
        weight_kg=weight, destroyed=destroyed, transferred=section("transferred"),
        pulled=section("pulled"), extended=section("extended"), approved_by=tuple(approvers),
        prepared_by=extras.person(batch.created_by), issued_on=today or clock.today())


def write_certificate(db: Database, batch_id: int, out: str | Path, *, today: date | None = None) -> Path:
    """Write the certificate PDF at ``out`` and its box lists as xlsx beside it; returns the PDF."""
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        raise BadInput(f"{out.name}: the certificate is a PDF; give a file name ending .pdf")
    data = certificate(db, batch_id, today=today)
    if not out.parent.is_dir():
        raise BadInput(f"cannot write {out}: the folder {out.parent} does not exist")
    write_certificate_pdf(data, out)
    write_certificate_xlsx(data, out.with_suffix(".xlsx"))
    return out
