"""The audit trail: who did what, when, to which record, before and after.

Events form a hash chain. Each event's hash covers its own fields and the
previous event's hash, and ``audit_head`` holds the newest link, so editing,
removing or reordering any event (the newest included) breaks the chain.
Writers lock the head row (``FOR UPDATE`` on PostgreSQL; SQLite write
transactions are already exclusive), so concurrent desks extend the chain in
turn rather than forking it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from paperless_ig.domain import clock
from paperless_ig.store.database import Database
from paperless_ig.store.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def utcnow() -> datetime:
    """Naive UTC, microsecond precision: what both databases store unchanged."""
    return clock.utcnow()


def canonical(data: Any) -> str | None:
    if data is None:
        return None
    return json.dumps(data, sort_keys=True, default=str, separators=(",", ":"), ensure_ascii=False)


def event_hash(prev_hash: str, seq: int, at: datetime, actor: str, action: str,
               entity: str, entity_id: str, before: str | None, after: str | None) -> str:
    payload = "\x1f".join([
        prev_hash, str(seq), at.isoformat(timespec="microseconds"), actor, action,
        entity, entity_id, before or "", after or "",
    ])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Event:
    actor: str
    action: str
    entity: str
    entity_id: str | int
    before: Any = None
    after: Any = None


def _lock_head(session: Session) -> AuditHead:
    head = session.execute(
        select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).scalar_one()
    return head


def record_many(session: Session, events: Iterable[Event], at: datetime | None = None) -> int:
    """Append events to the chain inside the caller's transaction."""
    head = _lock_head(session)
    seq, prev = head.seq, head.hash
    moment = at or utcnow()
    rows = []
    for event in events:
        seq += 1
        before, after = canonical(event.before), canonical(event.after)
        entity_id = str(event.entity_id)
        digest = event_hash(prev, seq, moment, event.actor, event.action,
                            event.entity, entity_id, before, after)
        rows.append({
            "seq": seq, "at": moment, "actor": event.actor, "action": event.action,
            "entity": event.entity, "entity_id": entity_id, "before": before,
            "after": after, "prev_hash": prev, "hash": digest,
        })
        prev = digest
    if rows:
        session.execute(insert(AuditEvent), rows)
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=seq, hash=prev))
        session.expire(head)
    return len(rows)


def record(session: Session, actor: str, action: str, entity: str, entity_id: str | int,
           before: Any = None, after: Any = None) -> None:
    """Append one event inside the caller's transaction."""
    record_many(session, [Event(actor, action, entity, entity_id, before, after)])


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: str
    before: Any
    after: Any


def history(db: Database, entity: str, entity_id: str | int, limit: int = 200) -> list[AuditEntry]:
    """The newest events about one record, newest first."""
    with db.read() as session:
        rows = session.execute(
            select(AuditEvent)
            .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        ).scalars()
        return [
            AuditEntry(r.seq, r.at, r.actor, r.action, r.entity, r.entity_id,
                       json.loads(r.before) if r.before else None,
                       json.loads(r.after) if r.after else None)
            for r in rows
        ]


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    first_bad: int | None
    reason: str | None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "first_bad": self.first_bad,
                "reason": self.reason}


def verify(db: Database) -> VerifyResult:
    """Walk the whole chain; name the first event that does not hold."""
    columns = (AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.action,
               AuditEvent.entity, AuditEvent.entity_id, AuditEvent.before,
               AuditEvent.after, AuditEvent.prev_hash, AuditEvent.hash)
    expected_seq, prev, count = 1, GENESIS, 0
    with db.read() as session:
        result = session.execute(
            select(*columns).order_by(AuditEvent.seq).execution_options(yield_per=5000)
        )
        try:
            for seq, at, actor, action, entity, entity_id, before, after, prev_hash, digest in result:
                count += 1
                label = (f"event {seq} ({action} on {entity} {entity_id} by {actor} "
                         f"at {at:%Y-%m-%d %H:%M:%S})")
                if seq != expected_seq:
                    return VerifyResult(False, count, expected_seq,
                                        f"event {expected_seq} is missing (next is {label})")
                if prev_hash != prev:
                    return VerifyResult(False, count, seq,
                                        f"{label} does not follow the event before it")
                if event_hash(prev, seq, at, actor, action, entity, entity_id, before,
                              after) != digest:
                    return VerifyResult(False, count, seq,
                                        f"{label} was changed after it was written")
                prev, expected_seq = digest, seq + 1
        finally:
            result.close()  # a server-side cursor on PostgreSQL
        head = session.get(AuditHead, 1)
    if head is None or head.seq != expected_seq - 1 or head.hash != prev:
        return VerifyResult(False, count, expected_seq,
                            f"the chain ends at event {expected_seq - 1} but the head says "
                            f"{head.seq if head else 'nothing'}: newest events were removed")
    return VerifyResult(True, count, None, None)
