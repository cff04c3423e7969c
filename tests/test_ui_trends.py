"""The Trends page as a records manager uses it before a committee.

Every figure the page shows is checked against a ``team_trends`` report
worked out here, in the test, from the same database; the forward plan
against ``forward_plan.list_plan``.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtWidgets import QDialogButtonBox

from paperless_ig.services import forward_plan, trends, users
from paperless_ig.ui import tasks
from paperless_ig.ui.trends_view import (
    CONTENT_PAGE,
    EMPTY_PAGE,
    LOADING_PAGE,
    PLAN_TAB,
    TrendsPage,
    label_step,
    month_label,
    nice_axis,
    wrapped_name,
    years_text,
)
from tests.conftest import ADMIN
from tests.helpers import copied_db, make_demo_file

pytestmark = pytest.mark.gui
WAIT = 30_000  # generous for a loaded CI machine; a pass is still fast
BOXES = 3000
MONTH = re.compile(r"^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}$")


@pytest.fixture(scope="module")
def demo_file(sqlite_template, tmp_path_factory):
    """One demo council for the module; each test gets its own copy of the file."""
    return make_demo_file(sqlite_template, tmp_path_factory.mktemp("trends"), BOXES, seed=3)


@pytest.fixture
def demo_db(demo_file, tmp_path):
    db = copied_db(demo_file, tmp_path / "trends.sqlite3")
    yield db
    db.dispose()


def open_page(qtbot, db, login=ADMIN) -> tuple[TrendsPage, trends.TrendReport]:
    page = TrendsPage(db, login)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    with qtbot.waitSignal(page.loaded, timeout=WAIT) as blocker:
        page.show()
        # Nothing has come back yet: the events that would deliver it have not run.
        assert page.states.currentIndex() == LOADING_PAGE
        assert page.loading_label.text() == "Working out the trends…"
    return page, blocker.args[0]


@pytest.fixture
def opened(qtbot, demo_db):
    page, report = open_page(qtbot, demo_db)
    yield page, report
    # Workers must be done before the database is disposed and the page deleted.
    assert tasks.wait_for_tasks()


def table_codes(page: TrendsPage) -> list[str]:
    return page.teams_proxy.codes()


def cell(page: TrendsPage, row: int, column: int) -> str:
    return page.teams_proxy.index(row, column).data()


def line_values(page: TrendsPage) -> list[tuple[float, float]]:
    return [(p.x(), p.y()) for p in page.line_chart.actual.points()]


def test_opens_with_the_flagged_teams_and_the_store_figures(qtbot, opened, demo_db, qtmodeltester):
    """GIVEN a demo council of 3,000 boxes WHEN the Trends page opens
    THEN after "Working out the trends…" it lists exactly the teams the report flags, with
    the report's figures, shows the store's figures, and its models are sound Qt models."""
    page, report = opened
    expected = trends.team_trends(demo_db, report.as_of)
    flagged = expected.flagged()
    assert flagged, "the demo council should have flagged teams"
    assert page.states.currentIndex() == CONTENT_PAGE
    assert sorted(table_codes(page)) == sorted(t.team for t in flagged)
    assert page.table_label.text() == f"Flagged teams ({len(flagged)})"
    for row in range(page.teams_proxy.rowCount()):
        trend = expected.team(cell(page, row, 0))
        assert cell(page, row, 3) == f"{trend.last_12:,}"
        assert cell(page, row, 4) == f"{trend.prior_12:,}"
        assert cell(page, row, 6) == f"{round(trend.forecast_12):,}"
        assert cell(page, row, 7) == ", ".join(trend.flags)
    # Largest depositors first, as the report ranks them.
    lasts = [expected.team(code).last_12 for code in table_codes(page)]
    assert lasts == sorted(lasts, reverse=True)

    store = expected.store
    assert page.store_values["held"].text().startswith(f"{store.holdings_now:,} boxes")
    assert page.store_values["net"].text() == f"{store.net_12:+,} boxes"
    assert page.store_values["full"].text() == years_text(store.years_to_full(), store)
    assert page.store_values["full_due"].text() == years_text(store.years_to_full(with_due=True), store)
    assert store.capacity_places
    if store.net_12 < 0:  # this small demo council usually destroys more than it takes in
        assert page.store_values["full"].text() == "never: the store is shrinking"
    else:
        assert page.store_values["full"].text().endswith(" years")

    # The line chart opens on the whole store: 24 months, then 12 forecast.
    assert page.shown == ("store", "")
    assert [y for _x, y in line_values(page)] == list(store.boxes)
    assert page.line_chart.forecast_points() == pytest.approx(list(store.forecast))
    labels = page.line_chart.x_axis.categoriesLabels()
    assert labels and all(MONTH.match(label) for label in labels)

    qtmodeltester.check(page.teams_model)
    qtmodeltester.check(page.teams_proxy)
    qtmodeltester.check(page.plan_model)


def test_sorting_by_change_puts_new_depositors_first(qtbot, opened):
    """GIVEN the flagged teams WHEN the table is sorted by change, largest first
    THEN new depositors lead, then rises from largest to smallest."""
    page, report = opened
    page.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    changes = [report.team(code).change for code in table_codes(page)]
    keys = [math.inf if c is None and report.team(code).last_12 else (-math.inf if c is None else c)
            for c, code in zip(changes, table_codes(page), strict=True)]
    assert keys == sorted(keys, reverse=True)


def test_clicking_a_directorates_bar_drills_down_to_its_teams(qtbot, opened):
    """GIVEN the page WHEN a directorate's bar is clicked
    THEN the table lists only that directorate's flagged teams, the line chart shows the
    directorate's months, and "Show all directorates" brings every team back."""
    page, report = opened
    directorate = next(d for d in report.directorates
                       if any(t.flags for t in report.teams if t.directorate == d.directorate)
                       and d.last_12 and d.prior_12)
    name = directorate.directorate
    view = page.bar_chart
    # The middle of the shorter of its two bars: on one of them, whichever is nearer.
    position = len(view.names) - 1 - view.names.index(name)
    value = min(directorate.last_12, directorate.prior_12) / 2
    scene_point = view.chart().mapToPosition(QPointF(value, position - 0.2), view.series)
    point = view.mapFromScene(view.chart().mapToScene(scene_point))
    with qtbot.waitSignal(page.shown_changed, timeout=WAIT) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(point.x(), point.y()))
    assert blocker.args == ["directorate", name]

    expected = [t.team for t in report.teams if t.directorate == name and t.flags]
    assert sorted(table_codes(page)) == sorted(expected)
    assert {cell(page, row, 2) for row in range(page.teams_proxy.rowCount())} == {name}
    assert page.directorate_box.currentText() == name
    assert [y for _x, y in line_values(page)] == list(directorate.boxes)
    assert page.line_chart.forecast_points() == pytest.approx(list(directorate.forecast))
    assert view.value_of(name) == (directorate.prior_12, directorate.last_12)
    # Every other directorate's bars are faded; this one's are not.
    assert not view.last.isBarSelected(position)
    assert len(view.last.selectedBars()) == len(view.names) - 1

    # Unticking "only flagged" shows every team of the directorate.
    page.flagged_only.setChecked(False)
    assert sorted(table_codes(page)) == sorted(t.team for t in report.teams if t.directorate == name)

    qtbot.mouseClick(page.whole_store_button, Qt.MouseButton.LeftButton)
    assert page.shown == ("store", "")
    assert page.teams_proxy.rowCount() == len(report.teams)
    assert not view.last.selectedBars()


def test_select_directorate_and_the_picker_agree(qtbot, opened):
    """GIVEN the page WHEN a directorate is chosen in the picker THEN it drills down as a click does."""
    page, report = opened
    name = report.directorates[-1].directorate
    page.directorate_box.setCurrentIndex(page.directorate_box.findData(name))
    assert page.shown == ("directorate", name)
    assert all(report.team(code).directorate == name for code in table_codes(page))
    page.select_directorate(None)
    assert page.directorate_box.currentIndex() == 0
    with pytest.raises(ValueError, match="no directorate"):
        page.select_directorate("Ministry of Silly Walks")


def test_a_team_shows_its_24_months_and_12_forecast_in_the_line_chart(qtbot, opened):
    """GIVEN a flagged team WHEN it is selected THEN the line chart holds its 24 monthly counts,
    then its 12 forecast months joined on from the last one; clicking a table row does the same."""
    page, report = opened
    team = next(t for t in report.flagged() if t.last_12 and t.forecast_12)
    page.select_team(team.team)
    assert page.shown == ("team", team.team)
    assert line_values(page) == [(float(i), float(v)) for i, v in enumerate(team.boxes)]
    assert len(line_values(page)) == 24
    forecast = page.line_chart.forecast.points()
    assert len(forecast) == 13
    assert (forecast[0].x(), forecast[0].y()) == (23.0, float(team.boxes[-1]))
    assert [p.x() for p in forecast[1:]] == [float(23 + h) for h in range(1, 13)]
    assert page.line_chart.forecast_points() == pytest.approx(list(team.forecast))
    assert team.team in page.line_chart.chart().title()
    assert page.table.currentIndex().row() == table_codes(page).index(team.team)
    # The forecast is drawn apart: another colour, dashed.
    assert page.line_chart.forecast.pen().style() == Qt.PenStyle.DashLine
    assert page.line_chart.forecast.pen().color() != page.line_chart.actual.pen().color()

    other = table_codes(page)[2] if table_codes(page)[2] != team.team else table_codes(page)[3]
    row = table_codes(page).index(other)
    rect = page.table.visualRect(page.teams_proxy.index(row, 1))
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.shown == ("team", other)
    assert [y for _x, y in line_values(page)] == list(report.team(other).boxes)


def test_each_chart_saves_as_a_png_of_its_size(qtbot, opened, tmp_path):
    """GIVEN a team shown WHEN each chart is saved THEN a PNG of the chart's size, with a picture on it."""
    page, report = opened
    page.select_team(report.teams[0].team)
    for which in ("line", "bar"):
        path = page.save_chart_png(which, tmp_path / f"{which}.png")
        assert path.stat().st_size > 0
        view = page.chart_view(which)
        ratio = view.devicePixelRatioF()
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == (round(view.width() * ratio), round(view.height() * ratio))
            assert len(image.convert("RGB").getcolors(maxcolors=1 << 16) or range(1 << 16)) > 20
    assert page.save_chart_png("line", tmp_path / "no-suffix").suffix == ".png"
    with pytest.raises(ValueError, match="no chart"):
        page.save_chart_png("pie", tmp_path / "pie.png")


def test_the_forward_plan_is_proposed_and_edited_through_the_form(qtbot, opened, demo_db, qtmodeltester):
    """GIVEN an empty forward plan WHEN a records manager proposes from the trends and then
    edits one item through the form THEN the table holds what forward_plan.list_plan holds,
    the flagged teams table says who is on the plan, and the edit is saved."""
    page, report = opened
    page.tabs.setCurrentIndex(PLAN_TAB)
    assert page.plan_model.rowCount() == 0
    assert page.plan_stack.currentIndex() == 1  # "nothing is on the plan yet"
    assert page.propose_button.isVisible() and page.propose_button.isEnabled()

    with qtbot.waitSignal(page.plan_loaded, timeout=WAIT) as blocker:
        qtbot.mouseClick(page.propose_button, Qt.MouseButton.LeftButton)
    plan = forward_plan.list_plan(demo_db, report.as_of)
    proposed = {t.team for t in report.teams if set(t.flags) & set(forward_plan.PROPOSE_FLAGS)}
    assert proposed <= {item.team for item in plan}
    assert [item.team for item in blocker.args[0]] == [item.team for item in plan]
    assert [page.plan_model.item(row).team for row in range(page.plan_model.rowCount())] \
        == [item.team for item in plan]
    assert page.message.text().startswith(f"{len(plan)} teams added to the forward plan")
    assert page.tabs.tabText(PLAN_TAB) == f"&Forward plan ({len(plan)})"
    on_plan = {cell(page, row, 0): cell(page, row, 8) for row in range(page.teams_proxy.rowCount())}
    assert all(on_plan[code] == "proposed" for code in proposed if code in on_plan)
    qtmodeltester.check(page.plan_model)

    code = sorted(proposed)[0]
    action_on = date(report.as_of.year - 1, report.as_of.month, 1)
    page.select_plan_item(code)
    page.edit_selected()
    form = page.plan_form
    assert form is not None and form.isVisible()
    form.owner.setText("Priya Shah")
    form.action.setCurrentIndex(form.action.findData("scan on demand"))
    form.status.setCurrentIndex(form.status.findData("agreed"))
    form.action_on.set_value(action_on)
    save = form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(page.plan_loaded, timeout=WAIT):
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)

    saved = next(item for item in forward_plan.list_plan(demo_db, report.as_of) if item.team == code)
    assert (saved.owner, saved.action, saved.status, saved.action_on) == \
        ("Priya Shah", "scan on demand", "agreed", action_on)
    row = page.plan_model.row_of(code)
    texts = [page.plan_model.index(row, column).data() for column in range(4, 9)]
    assert texts[:4] == ["Priya Shah", "scan on demand", "agreed", action_on.strftime("%d/%m/%Y")]
    assert texts[4].startswith(saved.effect.verdict)
    assert page.selected_plan_item().team == code
    assert page.message.text() == f"{code} is now agreed, scan on demand, owner Priya Shah."
    # The trends tab shows it too: on the plan as agreed, and its action date on its line.
    assert cell(page, table_codes(page).index(code), 8) == "agreed"
    page.select_team(code)
    assert len(page.line_chart.action.points()) == 2
    assert page.line_chart.action.name() == f"Action: scan on demand, {action_on:%d/%m/%Y}"


def test_others_see_the_plan_read_only_and_the_service_refuses_them(qtbot, demo_db):
    """GIVEN a viewer WHEN they open the Trends page THEN they see the plan with no buttons to
    change it, and a proposal they try anyway is refused by the service, nothing changed."""
    users.add_user(demo_db, ADMIN, "vic", "viewer")
    page, _report = open_page(qtbot, demo_db, login="vic")
    try:
        page.tabs.setCurrentIndex(PLAN_TAB)
        assert not page.propose_button.isVisible()
        assert not page.edit_button.isVisible()
        assert page.read_only_note.isVisible()
        with qtbot.waitSignal(page.action_failed, timeout=WAIT) as blocker:
            page.propose()
        assert "cannot propose teams for the forward plan" in blocker.args[0]
        assert forward_plan.list_plan(demo_db) == []
    finally:
        assert tasks.wait_for_tasks()


def test_an_empty_database_says_what_brings_trends(qtbot, sqlite_db):
    """GIVEN a database with no deposits WHEN the page opens THEN it says how trends come about."""
    page, report = open_page(qtbot, sqlite_db)
    try:
        assert report.teams == ()
        assert page.states.currentIndex() == EMPTY_PAGE
        assert page.empty_heading.text() == "No deposits to show yet"
    finally:
        assert tasks.wait_for_tasks()


def test_set_overview_works_the_trends_out_again(qtbot, opened):
    """GIVEN the page on show WHEN the window says the data changed THEN it reloads, keeping
    the team shown."""
    page, report = opened
    code = report.teams[0].team
    page.select_team(code)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.set_overview(None)
    assert page.shown == ("team", code)
    assert page.states.currentIndex() == CONTENT_PAGE


def test_the_words_and_numbers_of_the_charts():
    """Month labels spelt out, a label step that fits, whole-box axis steps, wrapped names."""
    assert month_label(date(2025, 9, 30)) == "Sep 2025"
    assert label_step(36, 2600, 70) == 1
    assert label_step(36, 1300, 70) == 2
    assert label_step(36, 1000, 70) == 3
    assert label_step(36, 500, 70) == 6
    assert label_step(36, 100, 70) == 12  # never fewer labels than one a year
    assert nice_axis(7.3) == (8.0, 2.0)
    assert nice_axis(0.4) == (1.0, 1.0)
    assert nice_axis(0) == (5.0, 1.0)
    assert nice_axis(6868 * 1.18) == (10000.0, 2000.0)
    assert wrapped_name("Resources") == "Resources"
    assert wrapped_name("Early Help and Family Services") == "Early Help and<br>Family Services"
    assert wrapped_name("Children's & Families") == "Children's<br>&amp; Families"
