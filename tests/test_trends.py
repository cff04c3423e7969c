"""Depositing trends, the seasonal forecast, and the forward plan."""

from __future__ import annotations

import json
import uuid
from datetime import date, timedelta
from statistics import median

import pytest
from sqlalchemy import create_engine, insert, select, text, update

from paperless_ig.domain.errors import BadInput, NotFound, PermissionDenied
from paperless_ig.domain.retention import add_months
from paperless_ig.services import (
    audit,
    demo,
    deposits,
    disposal,
    forward_plan,
    locations,
    schedule,
    teams,
    trends,
    users,
)
from paperless_ig.services.trends import FLAG_GROWING, FLAG_NEW, FLAG_STOPPED, FLAG_TOP, forecast
from paperless_ig.store import migrate
from paperless_ig.store.database import Database
from paperless_ig.store.models import Box, RetentionClass, Team
from tests.conftest import ADMIN, PG_URL, REQUIRE_PG

SEASON = demo.SEASON  # Jan..Dec
DEMO_AS_OF = date(2025, 9, 20)
DEMO_SEED = 3


def _seasonal(years: int, per_month: float, growth: float = 1.0, first_month: int = 1) -> list[float]:
    """A monthly series with the demo's seasons, growing by ``growth`` a year."""
    return [per_month * growth ** (i / 12) * SEASON[(first_month - 1 + i) % 12]
            for i in range(years * 12)]


# -- the forecast on synthetic series ------------------------------------------------------
def test_a_steady_seasonal_series_forecasts_its_last_year_with_its_seasons():
    """GIVEN three steady years with a spring peak and a quiet August
    WHEN the next 12 months are forecast
    THEN the total is last year's within 10 %, and the peak and trough fall in the same months."""
    series = _seasonal(3, 40)
    wobble = [1.04, 0.97, 1.0, 0.95, 1.03, 1.01, 0.98, 1.02, 0.99, 1.05, 0.96, 1.0]
    series = [v * wobble[i % 12] for i, v in enumerate(series)]
    ahead = forecast(series)
    assert len(ahead) == 12
    assert sum(ahead) == pytest.approx(sum(series[-12:]), rel=0.10)
    assert ahead.index(max(ahead)) == 2  # March, as the series starts in January
    assert ahead.index(min(ahead)) == 7  # August


def test_a_growing_series_forecasts_more_than_last_year_but_a_damped_amount():
    series = _seasonal(3, 20, growth=1.3)
    last = sum(series[-12:])
    ahead = sum(forecast(series))
    assert last * 1.08 < ahead < last * 1.3


def test_a_shrinking_series_forecasts_less_than_last_year():
    series = _seasonal(3, 50, growth=0.7)
    assert sum(forecast(series)) < sum(series[-12:]) * 0.95


def test_a_stopped_series_forecasts_nothing():
    assert sum(forecast([10.0] * 24 + [0.0] * 12)) == 0
    # Stopped four months ago, when 40 boxes were expected: stopped, not merely quiet.
    assert sum(forecast([10.0] * 32 + [0.0] * 4)) == pytest.approx(0, abs=0.5)
    # A small depositor's quiet months are not a stop.
    assert sum(forecast([1.0, 0.0] * 16 + [0.0] * 2)) > 2


def test_a_new_depositor_is_forecast_from_the_months_it_has_been_depositing():
    """GIVEN nothing for 18 months, then 10 boxes a month for 6
    THEN the next year forecasts about 120 (a rate, not last year's total of 60)."""
    ahead = sum(forecast([0.0] * 18 + [10.0] * 6, seasonal=[1.0] * 12))
    assert ahead == pytest.approx(120, rel=0.05)


def test_seasonal_indices():
    indices = trends.seasonal_indices(_seasonal(2, 30, growth=1.2))
    assert sum(indices) == pytest.approx(12)
    assert indices[2] == pytest.approx(SEASON[2] / (sum(SEASON) / 12), rel=0.05)
    # Every year has an empty month: no pattern can be learnt.
    assert trends.seasonal_indices([0.0] + [5.0] * 11 + [0.0] + [5.0] * 11) is None
    assert trends.seasonal_indices([5.0] * 6) is None
    with pytest.raises(ValueError):
        forecast([1.0] * 24, seasonal=[1.0] * 5)
    assert forecast([], 12) == [0.0] * 12


def test_flags_rules():
    assert trends.flags_for(120, 100, True) == [FLAG_GROWING]
    assert trends.flags_for(7, 4, True) == []  # +75 %, but 3 boxes are not "clearly"
    assert trends.flags_for(110, 100, True) == []
    assert trends.flags_for(5, 0, False) == [FLAG_NEW]
    assert trends.flags_for(0, 3, True) == [FLAG_STOPPED]
    assert trends.flags_for(0, 0, True) == [FLAG_STOPPED]
    assert trends.flags_for(0, 0, False) == []
    assert trends.flags_for(60, 100, True) == [trends.FLAG_SHRINKING]


# -- the demo council, loaded once per database ------------------------------------------------
@pytest.fixture(scope="module")
def demo_sqlite(sqlite_template, tmp_path_factory):
    import shutil

    path = tmp_path_factory.mktemp("trends") / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    db = Database(str(path))
    demo.load_demo(db, ADMIN, 20000, seed=DEMO_SEED, as_of=DEMO_AS_OF)
    yield db
    db.dispose()


@pytest.fixture(scope="module")
def demo_pg():
    """Its own schema, so the function-scoped fixtures' clean-ups never empty it."""
    if not PG_URL:
        if REQUIRE_PG:
            pytest.fail("PostgreSQL is required here but PAPERLESS_IG_TEST_PG_URL is not set")
        pytest.skip("PAPERLESS_IG_TEST_PG_URL is not set")
    schema = f"pig_trends_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(PG_URL, schema=schema)
    try:
        migrate.upgrade(db)
        demo.load_demo(db, ADMIN, 20000, seed=DEMO_SEED, as_of=DEMO_AS_OF)
        yield db
    finally:
        db.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="module", params=["sqlite", pytest.param("pg", marks=pytest.mark.pg)])
def demo_db(request) -> Database:
    return request.getfixturevalue(f"demo_{request.param}")


@pytest.fixture(scope="module")
def report(demo_db) -> trends.TrendReport:
    return trends.team_trends(demo_db, DEMO_AS_OF)


@pytest.fixture(scope="module")
def kinds() -> dict[str, str]:
    return {plan.code: plan.kind for plan in demo.plan_teams(DEMO_SEED)}


def test_growing_demo_teams_are_found_growing_and_steady_ones_are_not(report, kinds):
    """GIVEN the demo council, whose teams were generated steady, growing, shrinking...
    THEN across teams, the growing ones show rises and the growing flag far more often."""
    def of(kind):
        return [t for t in report.teams if kinds[t.team] == kind]

    def share(condition, group):
        return sum(1 for t in group if condition(t)) / len(group)

    growing, steady = of("growing"), of("steady")
    with_data = [t for t in growing if t.last_12 + t.prior_12 >= 10]
    steady_with_data = [t for t in steady if t.last_12 + t.prior_12 >= 10]
    assert len(with_data) >= 8 and len(steady_with_data) >= 15
    assert share(lambda t: t.last_12 > t.prior_12, with_data) >= 0.8
    assert share(lambda t: t.last_12 > t.prior_12, steady_with_data) <= 0.1
    assert median(t.change for t in growing if t.change is not None) >= 0.15
    assert abs(median(t.change for t in steady if t.change is not None)) <= 0.05
    flagged_growing = share(lambda t: FLAG_GROWING in t.flags, [t for t in growing if t.prior_12])
    flagged_steady = share(lambda t: FLAG_GROWING in t.flags, [t for t in steady if t.prior_12])
    assert flagged_growing >= 0.2 and flagged_steady <= 0.05
    assert all(FLAG_GROWING not in t.flags for t in of("shrinking"))
    shrinking = [t for t in of("shrinking") if t.change is not None]
    assert median(t.change for t in shrinking) <= -0.15
    new = of("new")
    assert share(lambda t: FLAG_NEW in t.flags or FLAG_GROWING in t.flags, new) >= 0.6


def test_a_steady_teams_forecast_stays_steady(report, kinds):
    steady = [t for t in report.teams if kinds[t.team] == "steady" and t.last_12 >= 10]
    assert steady
    for team in steady:
        assert team.forecast_12 == pytest.approx(team.last_12, rel=0.15), team.team
    assert report.store.forecast_12 == pytest.approx(report.store.last_12, rel=0.15)


def test_stopped_teams_are_flagged_stopped_and_forecast_nothing(report, kinds):
    stopped = [t for t in report.teams if kinds[t.team] == "stopped"]
    assert stopped
    for team in stopped:
        assert team.last_12 == 0 and team.forecast_12 == 0
        # Flagged when it ever deposited (a tiny demo team may never have had a box).
        assert (FLAG_STOPPED in team.flags) == (team.first_deposit is not None), team.team


def test_the_figures_match_independent_sql(demo_db, report):
    """Each team's last and prior 12 months, the directorates' sums, and the store's holdings."""
    assert report.last_12_from == date(2024, 9, 1) and report.last_12_to == date(2025, 8, 31)
    assert report.prior_12_from == date(2023, 9, 1)
    count_by_team = ("SELECT t.code, COUNT(b.id) FROM boxes b JOIN teams t ON t.id = b.team_id "
                     "WHERE b.received_on >= :start AND b.received_on <= :end GROUP BY t.code")
    with demo_db.read() as session:
        last = dict(session.execute(text(count_by_team),
                                    {"start": date(2024, 9, 1), "end": date(2025, 8, 31)}).all())
        prior = dict(session.execute(text(count_by_team),
                                     {"start": date(2023, 9, 1), "end": date(2024, 8, 31)}).all())
        to_date = dict(session.execute(text(count_by_team),
                                       {"start": date(2025, 9, 1), "end": DEMO_AS_OF}).all())
        held_now = session.execute(text(
            "SELECT COUNT(*) FROM boxes WHERE status NOT IN ('destroyed', 'transferred')")).scalar_one()
        month_end = date(2024, 8, 31)
        held_then = session.execute(text(
            "SELECT (SELECT COUNT(*) FROM boxes WHERE received_on <= :d) - "
            "(SELECT COUNT(*) FROM disposal_decisions x JOIN disposal_batches b ON b.id = x.batch_id "
            " WHERE x.outcome IN ('destroyed', 'transferred') AND b.completed_on <= :d)"),
            {"d": month_end}).scalar_one()
        places = session.execute(text("SELECT SUM(capacity) FROM locations")).scalar_one()
    assert last and prior
    for team in report.teams:
        assert team.last_12 == last.get(team.team, 0), team.team
        assert team.prior_12 == prior.get(team.team, 0), team.team
        assert team.month_to_date == to_date.get(team.team, 0), team.team
        assert sum(team.boxes[-12:]) == team.last_12
        assert team.last_12_metres == pytest.approx(team.last_12 * 0.143)
    for directorate in report.directorates:
        members = [t for t in report.teams if t.team in directorate.teams]
        assert directorate.last_12 == sum(t.last_12 for t in members)
        assert directorate.prior_12 == sum(t.prior_12 for t in members)
    store = report.store
    assert store.last_12 == sum(last.values()) and store.prior_12 == sum(prior.values())
    assert store.holdings_now == held_now
    assert store.holdings[report.months.index(date(2024, 8, 1))] == held_then
    assert store.capacity_places == places
    assert store.free_places == places - held_now
    assert store.due_now == disposal.due_count(demo_db, DEMO_AS_OF)
    assert store.years_to_full() == pytest.approx(store.free_places / store.net_12)
    assert store.years_to_full(with_due=True) > store.years_to_full()


def test_the_report_json_keeps_the_contract(report):
    data = json.loads(json.dumps(report.as_json()))
    assert {"teams", "directorates", "store", "as_of"} <= set(data)
    assert len(data["teams"]) == 120
    for team in data["teams"]:
        assert {"team", "last_12", "prior_12", "change", "forecast_12", "flags"} <= set(team)
        assert len(team["monthly"]["boxes"]) == 24 and len(team["forecast_monthly"]) == 12
    assert sum(FLAG_TOP in t["flags"] for t in data["teams"]) == trends.TOP_N
    assert {"holdings", "capacity_places", "free_places", "years_to_full",
            "years_to_full_with_due"} <= set(data["store"])


def test_the_trends_command_prints_the_contract(demo_sqlite, capsys):
    from paperless_ig.cli import main

    assert main(["trends", "--json", "--db", demo_sqlite.url, "--as-of", DEMO_AS_OF.isoformat()]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == DEMO_AS_OF.isoformat() and len(data["teams"]) == 120
    assert {"team", "last_12", "prior_12", "change", "forecast_12", "flags"} <= set(data["teams"][0])
    assert main(["trends", "--db", demo_sqlite.url, "--as-of", DEMO_AS_OF.isoformat()]) == 0
    out = capsys.readouterr().out
    assert "Flagged teams" in out and "Store:" in out
    code = data["teams"][0]["team"]
    assert main(["trends", "--json", "--team", code, "--db", demo_sqlite.url,
                 "--as-of", DEMO_AS_OF.isoformat()]) == 0
    assert [t["team"] for t in json.loads(capsys.readouterr().out)["teams"]] == [code]
    assert main(["trends", "--months", "12", "--json", "--db", demo_sqlite.url]) == 0
    assert len(json.loads(capsys.readouterr().out)["months"]) == 24  # last 12 against the 12 before
    assert main(["trends", "--months", "0", "--db", demo_sqlite.url]) == 2
    assert main(["trends", "--team", "NOPE", "--db", demo_sqlite.url]) == 2
    assert "NOPE" in capsys.readouterr().err


# -- hand-built stores -----------------------------------------------------------------------
AS_OF = date(2025, 6, 30)
RM, DESK = "rita", "dora"


def _add_boxes(db: Database, code: str, per_month: dict[date, int]) -> None:
    """Boxes straight into the table (as a register import would), ``n`` in a month."""
    with db.write() as session:
        team_id = session.execute(select(Team.id).where(Team.code == code)).scalar_one()
        class_id = session.execute(select(RetentionClass.id).where(
            RetentionClass.code == "FIN-01-01")).scalar_one()
        rows = []
        for month, count in per_month.items():
            for n in range(count):
                day = month + timedelta(days=n % 27)
                rows.append({"barcode": f"T-{code}-{month:%Y%m}-{n}", "legacy": True, "team_id": team_id,
                             "class_id": class_id, "title": "Records", "trigger_date": day,
                             "received_on": day, "width_mm": 143, "status": "in_store",
                             "version": 1, "updated_at": audit.utcnow()})
        if rows:
            session.execute(insert(Box), rows)


def _months(first: date, count: int, boxes: int) -> dict[date, int]:
    return {add_months(first, i): boxes for i in range(count)}


@pytest.fixture
def store(db):
    """Ten big steady teams, a small growing one, a small steady one, a small referred one."""
    schedule.import_example(db, ADMIN)
    users.add_user(db, ADMIN, RM, "records_manager")
    users.add_user(db, ADMIN, DESK, "desk")
    two_years_ago = date(2023, 7, 1)  # the 24 months of the window to AS_OF
    for n in range(10):
        code = f"BIG-{n:02d}"
        teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Big", code, f"Big team {n}"))
        _add_boxes(db, code, _months(two_years_ago, 24, 20))
    teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Small", "GROW", "Growing team"))
    _add_boxes(db, "GROW", {**_months(two_years_ago, 12, 5), **_months(date(2024, 7, 1), 12, 10)})
    teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Small", "SMALL", "Small steady team"))
    _add_boxes(db, "SMALL", _months(two_years_ago, 24, 5))
    teams.add_team(db, ADMIN, teams.TeamSpec("Council", "Small", "REFER", "Referred team"))
    _add_boxes(db, "REFER", _months(two_years_ago, 24, 4))
    deposits.log_deposit(db, DESK, deposits.DepositRequest(
        "REFER", "FIN-01-01", [deposits.BoxSpec("Invoices", date(2025, 1, 1))],
        received_on=date(2025, 2, 3),
        challenge=deposits.ChallengeAnswers(why_paper="signed forms", could_be_digital="yes",
                                            outcome="accepted_referred")))
    return db


def test_the_window_is_complete_months_and_the_part_month_is_apart(store):
    _add_boxes(store, "SMALL", {date(2025, 7, 1): 3})
    mid_month = trends.team_trends(store, date(2025, 7, 20))
    small = mid_month.team("SMALL")
    assert mid_month.months[-1] == date(2025, 6, 1) and small.month_to_date == 3
    assert mid_month.store.capacity_places == 0 and mid_month.store.years_to_full() is None
    month_end = trends.team_trends(store, date(2025, 7, 31))
    assert month_end.months[-1] == date(2025, 7, 1) and month_end.team("small").boxes[-1] == 3
    assert len(trends.team_trends(store, AS_OF, months=12).months) == 24
    with pytest.raises(BadInput):
        trends.team_trends(store, AS_OF, months=0)


def test_holdings_capacity_and_years_to_full(store):
    """GIVEN 60 places, boxes arriving, and one box destroyed outside any disposal batch
    THEN the holdings count it gone from the day it was closed, and the years follow."""
    for n in range(10):
        locations.add_location(store, ADMIN, f"M-001-1-{n + 1:02d}", capacity=60)
    with store.write() as session:
        box = session.execute(select(Box).where(Box.barcode == "T-GROW-202407-0")).scalar_one()
        session.execute(update(Box).where(Box.id == box.id).values(
            status="destroyed", updated_at=date(2025, 3, 10)))
    report = trends.team_trends(store, AS_OF)
    store_trend = report.store
    received = 10 * 480 + 180 + 120 + 96 + 1
    assert store_trend.holdings_now == received - 1
    assert store_trend.holdings[report.months.index(date(2025, 2, 1))] == \
        store_trend.holdings[report.months.index(date(2025, 3, 1))] - (10 * 20 + 10 + 5 + 4) + 1
    assert store_trend.capacity_places == 600
    assert store_trend.free_places == 600 - store_trend.holdings_now < 0
    assert store_trend.years_to_full() == 0
    assert store_trend.net_12 == store_trend.last_12 - 1


def test_propose_puts_flagged_and_referred_teams_on_the_plan(store):
    added = forward_plan.propose(store, RM, AS_OF)
    by_team = {item.team: item for item in added}
    assert set(by_team) == {f"BIG-{n:02d}" for n in range(10)} | {"GROW", "REFER"}
    assert by_team["GROW"].source == "trend" and "growing" in by_team["GROW"].notes
    assert by_team["REFER"].source == "challenge" and "referred" in by_team["REFER"].notes
    assert all(item.status == "proposed" for item in added)
    assert forward_plan.propose(store, RM, AS_OF) == []  # nothing twice
    assert [e.action for e in audit.history(store, "forward_plan", "GROW")] == ["plan.propose"]
    assert len(forward_plan.list_plan(store, AS_OF)) == 12
    with pytest.raises(PermissionDenied):
        forward_plan.propose(store, DESK, AS_OF)
    assert audit.verify(store).ok


def test_update_validates_records_before_and_after_and_needs_a_records_manager(store):
    forward_plan.propose(store, RM, AS_OF)
    item = forward_plan.update(store, RM, "GROW", owner="Rita", action="stop printing",
                               status="agreed", action_on=date(2025, 1, 1))
    assert (item.owner, item.action, item.status, item.action_on) == \
        ("Rita", "stop printing", "agreed", date(2025, 1, 1))
    event = audit.history(store, "forward_plan", "GROW")[0]
    assert event.action == "plan.update" and event.actor == RM
    assert event.before == {"owner": "", "action": "", "status": "proposed", "action_on": None}
    assert event.after == {"owner": "Rita", "action": "stop printing", "status": "agreed",
                           "action_on": "2025-01-01"}
    forward_plan.update(store, RM, "GROW", status="in progress")
    assert audit.history(store, "forward_plan", "GROW")[0].after == {"status": "in progress"}
    with pytest.raises(BadInput, match="action"):
        forward_plan.update(store, RM, "GROW", action="burn it")
    with pytest.raises(BadInput, match="status"):
        forward_plan.update(store, RM, "GROW", status="finished")
    with pytest.raises(BadInput, match="nothing to change"):
        forward_plan.update(store, RM, "GROW")
    with pytest.raises(NotFound, match="not on the forward plan"):
        forward_plan.update(store, RM, "SMALL", status="agreed")
    with pytest.raises(NotFound):
        forward_plan.update(store, RM, "NOPE", status="agreed")
    with pytest.raises(PermissionDenied):
        forward_plan.update(store, DESK, "GROW", status="done")
    assert forward_plan.list_plan(store, AS_OF)[0].status == "proposed"
    assert audit.verify(store).ok


def test_effect_sees_deposits_fall_after_the_action(store):
    """GIVEN a team depositing 12 boxes a month that stopped printing on 1 Oct 2024
    WHEN its deposits drop to 3 a month from then
    THEN the effect says they fell; a steady team's did not."""
    teams.add_team(store, ADMIN, teams.TeamSpec("Council", "Small", "STOP", "Stopping team"))
    _add_boxes(store, "STOP", {**_months(date(2023, 10, 1), 12, 12), **_months(date(2024, 10, 1), 9, 3)})
    action_on = date(2024, 10, 1)
    result = forward_plan.effect(store, "STOP", AS_OF, action_on=action_on)
    assert (result.months, result.before, result.after, result.year_before) == (9, 108, 27, 108)
    assert result.fell is True and result.verdict == "fell"
    assert result.after_per_month == 3 and result.change == pytest.approx(-0.75)
    assert forward_plan.effect(store, "STOP", date(2024, 12, 15), action_on).verdict == "too early"
    assert forward_plan.effect(store, "STOP", date(2024, 9, 1), action_on).verdict == "not yet"

    steady = forward_plan.effect(store, "SMALL", AS_OF, action_on=date(2024, 7, 1))
    assert steady.months == 12 and steady.before == steady.after == 60 and steady.fell is False
    with pytest.raises(NotFound):
        forward_plan.effect(store, "SMALL", AS_OF)  # not on the plan, and no date given

    # On the plan, the item's own date is used, and the list shows the effect.
    forward_plan.propose(store, RM, AS_OF)
    forward_plan.update(store, RM, "GROW", action="stop printing", status="done",
                        action_on=date(2025, 1, 1))
    grow = forward_plan.effect(store, "GROW", AS_OF)
    assert (grow.months, grow.before, grow.after, grow.verdict) == (6, 60, 60, "did not fall")
    listed = {i.team: i for i in forward_plan.list_plan(store, AS_OF)}
    assert listed["GROW"].effect == grow
    assert listed["REFER"].effect is None


def test_plan_commands(sqlite_db, capsys):
    """The plan commands, in process, on SQLite."""
    from paperless_ig.cli import main

    schedule.import_example(sqlite_db, ADMIN)
    teams.add_team(sqlite_db, ADMIN, teams.TeamSpec("Council", "Small", "GROW", "Growing team"))
    _add_boxes(sqlite_db, "GROW", {**_months(date(2023, 7, 1), 12, 5), **_months(date(2024, 7, 1), 12, 10)})
    base = ["--db", sqlite_db.url, "--user", ADMIN]
    assert main(["plan", "propose", "--as-of", AS_OF.isoformat(), "--json", *base]) == 0
    assert [i["team"] for i in json.loads(capsys.readouterr().out)] == ["GROW"]
    assert main(["plan", "update", "GROW", "--action", "scan on demand", "--status", "agreed",
                 "--action-on", "2025-01-01", "--owner", "Rita", *base]) == 0
    assert "GROW: agreed, scan on demand from 2025-01-01" in capsys.readouterr().out
    assert main(["plan", "update", "GROW", "--action", "burn it", *base]) == 2
    assert main(["plan", "list", "--json", "--as-of", AS_OF.isoformat(), *base]) == 0
    (item,) = json.loads(capsys.readouterr().out)
    assert item["action"] == "scan on demand" and item["effect"]["months"] == 6
    assert main(["plan", "effect", "GROW", "--as-of", AS_OF.isoformat(), *base]) == 0
    assert "did not fall" in capsys.readouterr().out
