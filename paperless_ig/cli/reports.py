"""Reports: depositing trends and the forward plan."""

from __future__ import annotations

from paperless_ig.cli.common import actor, open_db
from paperless_ig.cli.registry import arguments, command, emit
from paperless_ig.domain.dates import parse_date
from paperless_ig.services import forward_plan, trends


def _change(figures: trends.Figures) -> str:
    if figures.change is None:
        return "new" if figures.last_12 else "-"
    return f"{figures.change:+.0%}"


def _years(value: float | None) -> str:
    return "never at this rate" if value is None else f"{value:.1f} years"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _trends_text(report: trends.TrendReport) -> str:
    lines = [f"Depositing trends as of {report.as_of.isoformat()}: the 12 months "
             f"{report.last_12_from:%b %Y} to {report.months[-1]:%b %Y} against the 12 before"
             + (f" ({report.store.month_to_date:,} boxes since)" if report.store.month_to_date else "")]
    flagged = report.flagged()
    lines += ["", f"Flagged teams ({len(flagged)} of {len(report.teams)})",
              f"{'TEAM':<8} {'NAME':<28} {'DIRECTORATE':<28} {'LAST 12':>7} {'PRIOR 12':>8} "
              f"{'CHANGE':>7} {'NEXT 12':>7}  FLAGS"]
    for t in flagged:
        lines.append(f"{t.team:<8} {_cut(t.name, 28):<28} {_cut(t.directorate, 28):<28} {t.last_12:>7} "
                     f"{t.prior_12:>8} {_change(t):>7} {t.forecast_12:>7.0f}  {', '.join(t.flags)}")
    lines += ["", "Directorates",
              f"{'DIRECTORATE':<37} {'LAST 12':>7} {'PRIOR 12':>8} {'CHANGE':>7} {'NEXT 12':>7} "
              f"{'METRES':>7}  FLAGS"]
    for d in report.directorates:
        lines.append(f"{_cut(d.directorate, 37):<37} {d.last_12:>7} {d.prior_12:>8} {_change(d):>7} "
                     f"{d.forecast_12:>7.0f} {d.last_12_metres:>7.1f}  {', '.join(d.flags)}")
    s = report.store
    lines += ["", f"Store: {s.last_12:,} boxes deposited in the last 12 months ({_change(s)}), "
                  f"{s.forecast_12:,.0f} forecast for the next 12; {s.holdings_now:,} boxes held, "
                  f"{s.capacity_places:,} places ({s.capacity_metres:,.0f} m of shelf), "
                  f"{s.free_places:,} free; net {s.net_12:+,} boxes in the last 12 months "
                  f"({s.left_last_12:,} destroyed or transferred)",
              f"Full in {_years(s.years_to_full())}; {_years(s.years_to_full(with_due=True))} if the "
              f"{s.due_now:,} boxes due for disposal go" if s.capacity_places
              else "No shelf places are recorded, so no date when the store is full"]
    return "\n".join(lines)


def _team_text(report: trends.TrendReport, team: trends.TeamTrend) -> str:
    lines = [f"{team.team} {team.name} ({team.directorate}) as of {report.as_of.isoformat()}",
             f"last 12 months {team.last_12} boxes ({team.last_12_metres:.1f} m), the 12 before "
             f"{team.prior_12} ({_change(team)}); next 12 forecast {team.forecast_12:.0f} "
             f"(seasonal pattern of the {team.seasonal_source})",
             f"flags: {', '.join(team.flags) or 'none'}; first deposit {team.first_deposit or '-'}, "
             f"last {team.last_deposit or '-'}", "", f"{'MONTH':<8} {'BOXES':>6} {'METRES':>7}"]
    for month, boxes, metres in zip(report.months, team.boxes, team.metres, strict=True):
        lines.append(f"{month:%Y-%m}  {boxes:>6} {metres:>7.2f}")
    lines.append(f"to date  {team.month_to_date:>6}")
    lines += ["", f"{'FORECAST':<8} {'BOXES':>6}"]
    lines += [f"{month:%Y-%m}  {value:>6.1f}" for month, value in zip(report.forecast_months,
                                                                       team.forecast, strict=True)]
    return "\n".join(lines)


@arguments
def _trends_args(p):
    p.add_argument("--months", type=int, default=trends.MIN_MONTHS,
                   help=f"complete months of history (at least {trends.MIN_MONTHS}; default "
                        f"{trends.MIN_MONTHS})")
    p.add_argument("--as-of", type=parse_date, default=None, help="default: today")
    p.add_argument("--team", default=None, metavar="CODE", help="one team's months in detail")


@command("trends", help="depositing trends: teams, directorates, the store, and forecasts")
@_trends_args
def trends_show(args):
    report = trends.team_trends(open_db(args), args.as_of, args.months)
    if args.team:
        team = report.team(args.team)
        data = report.as_json()
        data["teams"] = [team.as_json()]
        data["directorates"] = [d for d in data["directorates"] if d["directorate"] == team.directorate]
        emit(args, data, _team_text(report, team))
        return 0
    emit(args, report.as_json(), _trends_text(report))
    return 0


# -- the forward plan ------------------------------------------------------------------------
def _effect_text(effect: forward_plan.Effect | None) -> str:
    if effect is None:
        return ""
    if not effect.months:
        return effect.verdict
    return (f"{effect.before_per_month:.1f} -> {effect.after_per_month:.1f} boxes/month over "
            f"{effect.months} months: {effect.verdict}")


def _plan_text(items: list[forward_plan.PlanItem]) -> str:
    lines = [f"{'TEAM':<8} {'STATUS':<11} {'SOURCE':<9} {'OWNER':<18} {'ACTION':<26} {'FROM':<10}  EFFECT"]
    for i in items:
        since = i.action_on.isoformat() if i.action_on else "-"
        lines.append(f"{i.team:<8} {i.status:<11} {i.source:<9} {_cut(i.owner, 18):<18} "
                     f"{_cut(i.action or '-', 26):<26} {since:<10}  {_effect_text(i.effect)}")
    return "\n".join(lines)


@command("plan", "propose", help="put teams flagged by the trends or referred at the desk on the plan")
@arguments(lambda p: p.add_argument("--as-of", type=parse_date, default=None, help="default: today"))
def plan_propose(args):
    items = forward_plan.propose(open_db(args), actor(args), args.as_of)
    text = "no team to add" if not items else "\n".join(
        [f"{len(items)} team{'s' if len(items) != 1 else ''} proposed:"]
        + [f"  {i.team:<8} {i.source:<9} {i.notes}" for i in items])
    emit(args, [i.as_json() for i in items], text)


@command("plan", "list", help="the forward plan, with each action's effect on deposits")
@arguments(lambda p: p.add_argument("--as-of", type=parse_date, default=None, help="default: today"))
def plan_list(args):
    items = forward_plan.list_plan(open_db(args), args.as_of)
    emit(args, [i.as_json() for i in items], _plan_text(items) if items else "the forward plan is empty")


@arguments
def _plan_update_args(p):
    p.add_argument("team", help="team code")
    p.add_argument("--owner", default=None, help="who in CIGT leads the work with the team")
    p.add_argument("--action", default=None, choices=forward_plan.ACTIONS, metavar="ACTION",
                   help=f"one of: {', '.join(forward_plan.ACTIONS)}")
    p.add_argument("--status", default=None, choices=forward_plan.STATUSES, metavar="STATUS",
                   help=f"one of: {', '.join(forward_plan.STATUSES)}")
    p.add_argument("--action-on", type=parse_date, default=None,
                   help="the date the action took (or takes) effect")
    p.add_argument("--notes", default=None)


@command("plan", "update", help="set a plan item's owner, action, status, date or notes")
@_plan_update_args
def plan_update(args):
    item = forward_plan.update(open_db(args), actor(args), args.team, args.owner, args.action,
                               args.status, args.action_on, args.notes)
    emit(args, item.as_json(), f"{item.team}: {item.status}, {item.action or 'no action yet'}"
                               + (f" from {item.action_on.isoformat()}" if item.action_on else "")
                               + (f", owner {item.owner}" if item.owner else ""))


@command("plan", "effect", help="whether a team's deposits fell after its action")
@arguments(lambda p: (p.add_argument("team", help="team code"),
                      p.add_argument("--as-of", type=parse_date, default=None, help="default: today"),
                      p.add_argument("--action-on", type=parse_date, default=None,
                                     help="instead of the plan item's date")))
def plan_effect(args):
    result = forward_plan.effect(open_db(args), args.team, args.as_of, args.action_on)
    emit(args, result.as_json(), f"{result.team}: {_effect_text(result)}"
                                 + (f" (a year before: {result.year_before} boxes)" if result.months else ""))
