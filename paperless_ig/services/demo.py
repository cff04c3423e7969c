"""Demo data: a realistic, deterministic council to try the app on.

Ten years of deposits from about 120 teams, with a seasonal rhythm (year-end
clear-outs in spring, a quiet August and December) and a trend per team:
steady, growing, shrinking, stopped, or new. Boxes carry real retention
classes, so some are long destroyed (with certificates), some form a
disposal backlog, some are under one of two legal holds, and some are out on
loan, a few overdue. The same seed gives the same council.

It must load a million boxes, so rows go in through Core ``executemany`` in
chunks with ids assigned here, never one ORM object at a time, and the whole
load is one transaction: a cancelled or failed load leaves nothing behind.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select, text, update

from paperless_ig.domain import clock
from paperless_ig.domain.barcodes import LOCATION_PREFIX, make_barcode
from paperless_ig.domain.errors import Conflict
from paperless_ig.domain.progress import ProgressFn, Throttled
from paperless_ig.domain.retention import Action, Period, Trigger, add_months, disposal_date
from paperless_ig.domain.roles import RECORDS_WORK
from paperless_ig.domain.states import BatchStatus, BoxStatus
from paperless_ig.services import audit, schedule, users
from paperless_ig.services.demo_council import DEMO_USERS, DIRECTORATES, TITLES
from paperless_ig.store.database import Database
from paperless_ig.store.models import (
    Base,
    Box,
    Counter,
    Deposit,
    Directorate,
    DisposalBatch,
    DisposalDecision,
    HoldScope,
    LegalHold,
    Loan,
    Location,
    Organisation,
    RetentionClass,
    Team,
    User,
)

YEARS = 10
CHUNK = 20_000
BOXES_PER_POSITION = 6
# Relative deposits by calendar month: spring year-end clear-outs, quiet holidays.
SEASON = (1.0, 1.0, 1.45, 1.3, 1.0, 0.9, 0.8, 0.55, 1.1, 1.1, 1.0, 0.7)
KINDS = (("steady", 0.45), ("growing", 0.2), ("shrinking", 0.2), ("stopped", 0.08),
         ("new", 0.07))
MORATORIUM = "IICSA moratorium: children's social care records"
LITIGATION = "Litigation: highways resurfacing claim"


@dataclass(frozen=True)
class TeamPlan:
    """How one demo team deposits: the truth the trends should find again."""

    code: str
    name: str
    directorate: int  # index into DIRECTORATES
    kind: str
    annual_factor: float  # growth per year (1.25 = +25% a year)
    base: float  # relative size
    start_month: int  # first month (index) it deposits
    stop_month: int  # first month it no longer deposits


def plan_teams(seed: int) -> list[TeamPlan]:
    rng = random.Random(f"teams-{seed}")
    months = YEARS * 12
    plans = []
    for d_index, (_org, _name, prefix, _iao, _classes, team_names) in enumerate(DIRECTORATES):
        for t_index, team_name in enumerate(team_names, start=1):
            kind = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS])[0]
            factor = {"growing": rng.uniform(1.2, 1.45), "shrinking": rng.uniform(0.65, 0.85)}.get(
                kind, rng.uniform(0.98, 1.02))
            start, stop = 0, months
            if kind == "stopped":
                stop = months - rng.randint(15, 60)
            elif kind == "new":
                start = months - rng.randint(6, 20)
            plans.append(TeamPlan(f"{prefix}-{t_index:02d}", team_name, d_index, kind, factor,
                                  rng.lognormvariate(0, 0.6), start, stop))
    return plans


def _month_start(as_of: date, index: int) -> date:
    """Month ``index`` of the demo window, 0 being ten years before ``as_of``'s month."""
    return add_months(as_of.replace(day=1), index - (YEARS * 12 - 1))


def allocate(plans: list[TeamPlan], total: int, seed: int, as_of: date) -> dict[tuple[int, int], int]:
    """Boxes per (team index, month index), summing exactly to ``total``."""
    months = YEARS * 12
    weights = {}
    for t, plan in enumerate(plans):
        for m in range(plan.start_month, plan.stop_month):
            calendar_month = _month_start(as_of, m).month
            years_back = (months - 1 - m) / 12
            weights[(t, m)] = plan.base * plan.annual_factor ** -years_back * SEASON[calendar_month - 1]
    scale = total / sum(weights.values())
    exact = {key: w * scale for key, w in weights.items()}
    counts = {key: math.floor(v) for key, v in exact.items()}
    rng = random.Random(f"alloc-{seed}")
    short = total - sum(counts.values())
    by_remainder = sorted(exact, key=lambda k: (exact[k] - counts[k], rng.random()), reverse=True)
    for key in by_remainder[:short]:
        counts[key] += 1
    return counts


class _Ids:
    def __init__(self) -> None:
        self.next: dict[str, int] = defaultdict(lambda: 1)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def _classes(session) -> dict[str, tuple[int, Trigger, Period, Action]]:
    return {
        r.code: (r.id, Trigger(r.trigger), Period(r.period_months), Action(r.action))
        for r in session.execute(select(RetentionClass)).scalars()
    }


def load_demo(db: Database, actor: str, boxes: int, seed: int = 1, as_of: date | None = None,
              progress: ProgressFn | None = None) -> dict:
    """Fill an empty database with a demo council of ``boxes`` boxes."""
    as_of = as_of or clock.today()
    report = Throttled(progress)
    with db.write() as session:
        users.require(session, actor, RECORDS_WORK, "load demo data")
        existing = session.execute(select(func.count(Box.id))).scalar_one()
        if existing:
            raise Conflict(f"the database already holds {existing} boxes: demo data goes "
                           "into an empty database")
        if not session.execute(select(RetentionClass.id).limit(1)).first():
            schedule.apply_classes(session, actor, schedule.read_schedule(schedule.EXAMPLE))
        builder = _Builder(session, actor, seed, as_of, report)
        summary = builder.build(boxes)
        if not db.is_sqlite:
            _fix_sequences(session)
        # The last report comes before the commit, so a Cancel here still undoes everything.
        report(boxes, boxes, "saving")
    return summary


def _fix_sequences(session) -> None:
    """Ids were assigned here; move PostgreSQL's identity sequences past them."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key:
            session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"))


class _Builder:
    def __init__(self, session, actor: str, seed: int, as_of: date, report) -> None:
        self.session, self.actor, self.seed, self.as_of = session, actor, seed, as_of
        self.report = report
        self.rng = random.Random(f"boxes-{seed}")
        self.ids = _Ids()
        self.events: list[audit.Event] = []

    def insert(self, model, rows: list[dict]) -> None:
        if rows:
            self.session.execute(insert(model), rows)

    # -- structure -------------------------------------------------------
    def structure(self) -> tuple[list[int], dict[int, tuple[str, ...]]]:
        session = self.session
        for login, name, role in DEMO_USERS:
            if session.execute(select(User).where(User.login == login)).scalar_one_or_none():
                continue
            session.add(User(login=login, name=name, role=role, created_at=audit.utcnow()))
            self.events.append(audit.Event(self.actor, "user.create", "user", login, None,
                                           {"role": role, "name": name}))
        team_ids, team_classes = [], {}
        for org_name, dir_name, prefix, iao, classes, _teams in DIRECTORATES:
            org = session.execute(
                select(Organisation).where(Organisation.name == org_name)
            ).scalar_one_or_none()
            if org is None:
                org = Organisation(name=org_name, short_name=org_name.split()[0])
                session.add(org)
                session.flush()
            directorate = Directorate(organisation_id=org.id, name=dir_name)
            session.add(directorate)
            iao_login = f"iao_{prefix.lower()}"
            session.add(User(login=iao_login, name=iao, role="viewer", created_at=audit.utcnow()))
            self.events.append(audit.Event(self.actor, "user.create", "user", iao_login, None,
                                           {"role": "viewer", "name": iao, "iao_of": dir_name}))
            session.flush()
            self._directorates.append((directorate.id, iao_login, classes))
        for plan in self.plans:
            dir_id, iao_login, classes = self._directorates[plan.directorate]
            team = Team(code=plan.code, name=plan.name, directorate_id=dir_id,
                        iao=DIRECTORATES[plan.directorate][3], iao_login=iao_login,
                        data_owner=f"Head of {plan.name}")
            session.add(team)
            session.flush()
            team_ids.append(team.id)
            team_classes[team.id] = tuple(classes)
            self.events.append(audit.Event(self.actor, "team.create", "team", plan.code, None,
                                           {"name": plan.name, "kind": plan.kind}))
        return team_ids, team_classes

    def locations(self, count: int) -> list[int]:
        rows, ids = [], []
        per_bay = 8 * 10  # shelves x positions
        for n in range(count):
            store = "Main Store" if n < count * 0.7 else "Annex"
            local = n if store == "Main Store" else n - math.ceil(count * 0.7)
            bay, rest = divmod(local, per_bay)
            shelf, position = divmod(rest, 10)
            code = f"{store[0]}-{bay + 1:03d}-{shelf + 1}-{position + 1:02d}"
            location_id = self.ids.take("locations")
            ids.append(location_id)
            rows.append({"id": location_id, "code": code,
                         "barcode": make_barcode(location_id, LOCATION_PREFIX), "store": store,
                         "bay": f"{bay + 1:03d}", "shelf": str(shelf + 1),
                         "position": f"{position + 1:02d}", "capacity": BOXES_PER_POSITION,
                         "active": True})
            self.events.append(audit.Event(self.actor, "location.create", "location", code,
                                           None, {"capacity": BOXES_PER_POSITION}))
        for start in range(0, len(rows), CHUNK):
            self.insert(Location, rows[start:start + CHUNK])
        return ids

    def holds(self, classes: dict, team_by_code: dict[str, int]) -> None:
        held_classes = [code for code in classes if code.startswith("CSC-")]
        moratorium = LegalHold(name=MORATORIUM, placed_by="rm1", starts_on=date(2015, 7, 1),
                               reason="Retention instruction from a statutory public inquiry: "
                                      "no children's social care record may be destroyed "
                                      "(Inquiries Act 2005 s.35).")
        litigation = LegalHold(name=LITIGATION, placed_by="rm1",
                               starts_on=self.as_of - timedelta(days=400),
                               reason="Claim against the council over carriageway resurfacing; "
                                      "legal advice is to keep all highways maintenance records "
                                      "of the period.")
        self.session.add_all([moratorium, litigation])
        self.session.flush()
        for code in held_classes:
            self.session.add(HoldScope(hold_id=moratorium.id, class_id=classes[code][0]))
        self.session.add(HoldScope(hold_id=litigation.id, team_id=team_by_code["PLE-01"],
                                   records_from=self.as_of - timedelta(days=365 * 8),
                                   records_to=self.as_of - timedelta(days=365 * 2)))
        self.events.append(audit.Event("rm1", "hold.create", "hold", MORATORIUM, None,
                                       {"classes": held_classes}))
        self.events.append(audit.Event("rm1", "hold.create", "hold", LITIGATION, None,
                                       {"teams": ["PLE-01"]}))

    # -- boxes -------------------------------------------------------------
    def batch_dates(self) -> list[date]:
        """Quarterly destruction runs over the last five years."""
        first = add_months(self.as_of.replace(day=15), -60)
        return [add_months(first, 3 * q) for q in range(20)
                if add_months(first, 3 * q) < self.as_of - timedelta(days=20)]

    def record_dates(self, received: date, trigger: Trigger) -> tuple[date, date, date]:
        rng = self.rng
        date_to = received - timedelta(days=rng.randint(30, 3 * 365))
        date_from = date_to - timedelta(days=rng.randint(0, 5 * 365))
        if trigger is Trigger.CREATION:
            trigger_date = date_from
        elif trigger is Trigger.DATE_OF_BIRTH:
            trigger_date = date_from - timedelta(days=rng.randint(0, 17 * 365))
        elif trigger is Trigger.DEPOSIT:
            trigger_date = received
        else:
            trigger_date = date_to
        return date_from, date_to, trigger_date

    def build(self, total: int) -> dict:
        session = self.session
        self.plans = plan_teams(self.seed)
        self._directorates: list[tuple[int, str, list[str]]] = []
        classes = _classes(session)
        team_ids, team_classes = self.structure()
        team_by_code = {p.code: t for p, t in zip(self.plans, team_ids, strict=True)}
        location_ids = self.locations(math.ceil(total * 1.12 / BOXES_PER_POSITION) + 10)
        self.holds(classes, team_by_code)
        batch_days = self.batch_dates()
        batch_ids = {}
        for day in batch_days:
            created = datetime.combine(day - timedelta(days=45), time(10, 0))
            batch = DisposalBatch(created_by="rm1", created_at=created,
                                  as_of=day - timedelta(days=45), status=BatchStatus.COMPLETED,
                                  completed_on=day, method="confidential shredding",
                                  contractor="Shire Secure Shredding Ltd",
                                  certificate_no=f"SSS-{day:%Y%m}-{len(batch_ids) + 1:03d}",
                                  witnesses="Records Manager")
            session.add(batch)
            session.flush()
            batch_ids[day] = batch.id
        counts = allocate(self.plans, total, self.seed, self.as_of)
        litigation_team = team_by_code["PLE-01"]
        class_weights = {}
        deposits, boxes, loans, decisions = [], [], [], []
        destroyed_by_batch: dict[int, list[str]] = defaultdict(list)
        slot, made, sequence = 0, 0, 0
        rng = self.rng
        for m in range(YEARS * 12):
            month = _month_start(self.as_of, m)
            days_in = (add_months(month, 1) - month).days
            for t, plan in enumerate(self.plans):
                remaining = counts.get((t, m), 0)
                team_id = team_ids[t]
                pool = team_classes[team_id]
                weights = class_weights.setdefault(team_id, [rng.random() + 0.2 for _ in pool])
                while remaining:
                    size = min(remaining, rng.randint(1, 9))
                    remaining -= size
                    received = month + timedelta(days=rng.randrange(days_in))
                    if received > self.as_of:
                        received = self.as_of
                    deposit_id = self.ids.take("deposits")
                    deposits.append({"id": deposit_id, "team_id": team_id, "received_on": received,
                                     "brought_by": f"{plan.name} officer", "received_by": "desk1",
                                     "box_count": size, "notes": "",
                                     "created_at": audit.utcnow()})
                    code = rng.choices(pool, weights)[0]
                    class_id, trigger, period, action = classes[code]
                    barcodes = []
                    for _ in range(size):
                        sequence += 1
                        barcode = make_barcode(sequence)
                        barcodes.append(barcode)
                        date_from, date_to, trigger_date = self.record_dates(received, trigger)
                        due = disposal_date(trigger, period, trigger_date, received)
                        status, location = BoxStatus.IN_STORE, None
                        box_id = self.ids.take("boxes")
                        batch_day = None
                        if (due and action is not Action.REVIEW and not code.startswith("CSC-")
                                and team_id != litigation_team):
                            ready = max(due + timedelta(days=60), received + timedelta(days=30))
                            batch_day = next((d for d in batch_days if d >= ready), None)
                        if batch_day and rng.random() < 0.75:
                            status = "destroyed"
                            batch_id = batch_ids[batch_day]
                            decisions.append({"batch_id": batch_id, "box_id": box_id,
                                              "decision": "destroy", "approval": "approved",
                                              "approved_by": self._directorates[plan.directorate][1],
                                              "approved_at": audit.utcnow(),
                                              "outcome": "destroyed"})
                            destroyed_by_batch[batch_id].append(barcode)
                        else:
                            location = location_ids[slot // BOXES_PER_POSITION]
                            slot += 1
                        boxes.append({
                            "id": box_id, "barcode": barcode, "legacy": False,
                            "deposit_id": deposit_id, "team_id": team_id, "class_id": class_id,
                            "title": self.title(code, date_from, date_to),
                            "date_from": date_from, "date_to": date_to,
                            "trigger_date": trigger_date, "disposal_date": due,
                            "received_on": received,
                            "security": "official_sensitive" if code[:3] in ("CSC", "ASC", "HR-")
                            else "official",
                            "width_mm": 143, "weight_kg": round(rng.uniform(7, 15), 1),
                            "location_id": location, "status": status, "version": 1,
                            "updated_at": audit.utcnow()})
                        if status == BoxStatus.IN_STORE:
                            self.maybe_loan(loans, box_id, boxes[-1], team_id)
                    self.events.append(audit.Event("desk1", "deposit.create", "deposit", deposit_id,
                                                   None, {"team": plan.code, "class": code,
                                                          "received_on": received,
                                                          "barcodes": barcodes}))
                    made += size
                    self.report(made, total, "loading boxes")
                    if len(boxes) >= CHUNK:
                        self.flush(deposits, boxes)
        self.flush(deposits, boxes)
        for start in range(0, len(decisions), CHUNK):
            self.insert(DisposalDecision, decisions[start:start + CHUNK])
        self.insert(Loan, loans)
        for batch_id, barcodes in destroyed_by_batch.items():
            self.events.append(audit.Event("rm1", "disposal.complete", "disposal_batch", batch_id,
                                           None, {"destroyed": barcodes}))
        session.execute(update(Counter).where(Counter.name == "box").values(value=sequence))
        session.execute(update(Counter).where(Counter.name == "location")
                        .values(value=len(location_ids)))
        self.report(total, total, "writing the audit trail")
        for start in range(0, len(self.events), CHUNK):
            audit.record_many(session, self.events[start:start + CHUNK])
        return {"boxes": sequence, "teams": len(team_ids), "deposits": self.ids.next["deposits"] - 1,
                "locations": len(location_ids), "loans": len(loans),
                "destroyed": len(decisions), "holds": 2, "seed": self.seed,
                "as_of": self.as_of.isoformat()}

    def flush(self, deposits: list, boxes: list) -> None:
        self.insert(Deposit, deposits)
        self.insert(Box, boxes)
        deposits.clear()
        boxes.clear()

    def title(self, code: str, date_from: date, date_to: date) -> str:
        stem = TITLES.get(code.split("-")[0], "Records")
        return f"{stem} {code} {date_from.year}-{date_to.year}"

    def maybe_loan(self, loans: list, box_id: int, box: dict, team_id: int) -> None:
        """About one box in 250 is out on loan now; a third of those are overdue."""
        rng = self.rng
        if box["received_on"] > self.as_of - timedelta(days=90) or rng.random() > 0.004:
            return
        issued = self.as_of - timedelta(days=rng.randint(1, 80))
        due = issued + timedelta(days=28)
        box["status"] = BoxStatus.OUT_ON_LOAN
        loans.append({"id": self.ids.take("loans"), "box_id": box_id, "team_id": team_id,
                      "issued_on": issued, "due_on": due, "returned_on": None,
                      "issued_by": "desk1", "returned_by": None})
        self.events.append(audit.Event("desk1", "box.issue", "box", box["barcode"],
                                       {"status": BoxStatus.IN_STORE},
                                       {"status": BoxStatus.OUT_ON_LOAN, "due_on": due}))
