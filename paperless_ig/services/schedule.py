"""The retention schedule: import, export, and the classes for pickers.

Import is all-or-nothing: every row is checked first and every bad row and
field is named; only a clean file changes anything. A class whose trigger or
period changes re-dates the boxes already filed under it, in the same
transaction, so the due queue never works from an old rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import bindparam, select, update

from paperless_ig.domain.errors import BadInput, ImportRejected, RowError
from paperless_ig.domain.retention import (
    Action,
    Period,
    Trigger,
    disposal_date,
    parse_action,
    parse_period,
    parse_trigger,
)
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.paths import resource
from paperless_ig.services import audit, sheets, users
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, RetentionClass

COLUMNS = ("code", "function", "activity", "transaction", "trigger", "period", "action",
           "authority")
EXAMPLE = resource("example_schedule.csv")
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9./_-]{0,39}$")
CLOSED_STATUSES = ("destroyed", "transferred")
# What the columns hold: a longer value must be refused by row, not by the database.
_LENGTHS = {c.key: c.type.length for c in RetentionClass.__table__.c if getattr(c.type, "length", None)}


@dataclass(frozen=True)
class ClassInfo:
    code: str
    function: str
    activity: str
    transaction: str
    trigger: Trigger
    period: Period
    action: Action
    authority: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.transaction}"

    def as_row(self) -> list[str]:
        return [self.code, self.function, self.activity, self.transaction,
                self.trigger.value, str(self.period), self.action.value, self.authority]

    def disposal_date(self, trigger_date: date, received: date | None = None) -> date | None:
        return disposal_date(self.trigger, self.period, trigger_date, received)


def _class_info(row: RetentionClass) -> ClassInfo:
    return ClassInfo(row.code, row.function, row.activity, row.transaction,
                     Trigger(row.trigger), Period(row.period_months), Action(row.action),
                     row.authority)


def _check_row(number: int, row: dict, seen: dict[str, int]) -> tuple[ClassInfo | None, list[RowError]]:
    errors: list[RowError] = []

    def text(field: str) -> str:
        value = row.get(field)
        if value is None or str(value).strip() == "":
            errors.append(RowError(number, field, "is empty"))
            return ""
        return str(value).strip()

    code = text("code")
    if code and not _CODE.match(code):
        errors.append(RowError(number, "code", f"{code!r} is not a class code (letters, "
                                               "digits, dots, dashes; up to 40)"))
    elif code and code.upper() in seen:
        errors.append(RowError(number, "code", f"{code!r} is already used in row {seen[code.upper()]}"))
    elif code:
        seen[code.upper()] = number
    function, activity, transaction = text("function"), text("activity"), text("transaction")
    parsed: dict = {}
    for field, parse in (("trigger", parse_trigger), ("period", parse_period),
                         ("action", parse_action)):
        value = text(field)
        if value:
            try:
                parsed[field] = parse(value)
            except BadInput as exc:
                errors.append(RowError(number, field, str(exc)))
    period, action = parsed.get("period"), parsed.get("action")
    if period and action and period.permanent and action in (Action.DESTROY, Action.DESTROY_CONFIDENTIAL):
        errors.append(RowError(number, "action", f"{action.value!r} cannot go with a permanent period"))
    authority = str(row.get("authority") or "").strip()
    for field, value in (("function", function), ("activity", activity), ("transaction", transaction),
                         ("authority", authority)):
        if len(value) > _LENGTHS[field]:
            errors.append(RowError(number, field, f"is {len(value)} characters long; at most "
                                                  f"{_LENGTHS[field]}"))
    if errors:
        return None, errors
    return ClassInfo(code, function, activity, transaction, parsed["trigger"], period,
                     action, authority), []


def read_schedule(path: str | Path) -> list[ClassInfo]:
    """Check a schedule file; raise ``ImportRejected`` naming every bad row."""
    table = sheets.read_table(path)
    table.require([c for c in COLUMNS if c != "authority"])
    table.refuse_doubled(COLUMNS)
    classes, errors, seen = [], [], {}
    for number, row in table.rows:
        info, row_errors = _check_row(number, row, seen)
        errors.extend(row_errors)
        if info:
            classes.append(info)
    if errors:
        raise ImportRejected(table.source, errors)
    if not classes:
        raise BadInput(f"{table.source}: no classes in the file")
    return classes


def _fields(info: ClassInfo) -> dict:
    return {"function": info.function, "activity": info.activity,
            "transaction": info.transaction, "trigger": info.trigger.value,
            "period_months": info.period.months, "action": info.action.value,
            "authority": info.authority}


def _redate_boxes(session, row: RetentionClass) -> int:
    info = _class_info(row)
    boxes = session.execute(
        select(Box.id, Box.trigger_date, Box.received_on)
        .where(Box.class_id == row.id, Box.status.not_in(CLOSED_STATUSES))
    ).all()
    if not boxes:
        return 0
    table = Box.__table__
    statement = (update(table).where(table.c.id == bindparam("box_id"))
                 .values(disposal_date=bindparam("new_date"), version=table.c.version + 1))
    params = [{"box_id": box_id, "new_date": info.disposal_date(trigger, received)}
              for box_id, trigger, received in boxes]
    session.connection().execute(statement, params)
    return len(params)


def apply_classes(session, actor: str, classes: list[ClassInfo]) -> dict:
    """Create or update classes inside the caller's transaction."""
    counts = {"created": 0, "updated": 0, "unchanged": 0, "boxes_redated": 0}
    existing = {r.code.upper(): r for r in session.execute(select(RetentionClass)).scalars()}
    for info in classes:
        row = existing.get(info.code.upper())
        new = _fields(info)
        if row is None:
            session.add(RetentionClass(code=info.code, **new))
            audit.record(session, actor, "class.create", "class", info.code, None, new)
            counts["created"] += 1
            continue
        old = {k: getattr(row, k) for k in new}
        if old == new:
            counts["unchanged"] += 1
            continue
        for key, value in new.items():
            setattr(row, key, value)
        redated = 0
        if (old["trigger"], old["period_months"]) != (new["trigger"], new["period_months"]):
            session.flush()
            redated = _redate_boxes(session, row)
        audit.record(session, actor, "class.update", "class", info.code, old,
                     {**new, "boxes_redated": redated})
        counts["updated"] += 1
        counts["boxes_redated"] += redated
    session.flush()
    return counts


def import_schedule(db: Database, actor: str, path: str | Path) -> dict:
    """Create or update classes from a file; nothing changes if any row is bad."""
    classes = read_schedule(path)
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "change the retention schedule")
        return apply_classes(session, actor, classes)


def list_classes(db: Database) -> list[ClassInfo]:
    with db.read() as session:
        rows = session.execute(
            select(RetentionClass).where(RetentionClass.active).order_by(RetentionClass.code)
        ).scalars()
        return [_class_info(r) for r in rows]


def export_schedule(db: Database, path: str | Path) -> int:
    classes = list_classes(db)
    sheets.write_table(path, COLUMNS, [c.as_row() for c in classes], "Retention schedule")
    return len(classes)


def import_example(db: Database, actor: str) -> dict:
    return import_schedule(db, actor, EXAMPLE)
