"""How a program is doing, per campus and for all its campuses: the funnel from joined to active pairs,
sessions per week over the term, pairs ended by reason, and the key figures; each chart followed by
its table (the text alternative) and a CSV of the same figures.

The figures are matching's (``GET /programs/{id}/health``): the page shows them and never counts
anything itself, so the chart, its table, its CSV and the API always agree."""

import io
from typing import Any

from babel.numbers import format_decimal, format_percent
from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_roster import spreadsheet
from mesh_web import charts, i18n
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages.console.program_pages import program_of
from mesh_web.rendering import page
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
ALL = "*"  # matching's name for all of a program's campuses together
CHARTS = ("funnel", "weeks", "ended", "campuses")


@router.get("/console/programs/{program_id}/health")
async def health_page(visit: StaffDep, program_id: str, campus: str | None = None) -> Response:
    program = await program_of(visit, program_id)
    health = await _health(visit, program_id)
    chosen, figures = _chosen(health, campus)
    tables = tables_of(health, figures)
    drawn = {
        "funnel": charts.bars("chart-funnel", _("From joining to an active pair"), _bars(tables["funnel"])),
        "weeks": charts.columns("chart-weeks", _("Sessions completed each week"), _bars(tables["weeks"])),
        "ended": charts.bars("chart-ended", _("Pairs ended, by reason"), _bars(tables["ended"])),
        "campuses": charts.bars("chart-campuses", _("Active pairs on each campus"), _bars(tables["campuses"])),
    }
    return page(
        visit,
        "console/health.html",
        program=program,
        health=health,
        chosen=chosen,
        figures=figures,
        tables=tables,
        drawn=drawn,
        key=_key_figures(figures),
        ALL=ALL,
        number=number,
    )


@router.get("/console/programs/{program_id}/health/{chart}.csv")
async def health_csv(visit: StaffDep, program_id: str, chart: str, campus: str | None = None) -> Response:
    if chart not in CHARTS:
        raise HTTPException(404)
    health = await _health(visit, program_id)
    chosen, figures = _chosen(health, campus)
    table = tables_of(health, figures)[chart]
    text = io.StringIO()
    writer = spreadsheet.writer(text)  # campus and reason names are the institution's text: never run as formulas
    writer.writerow(table["columns"])
    for row in table["rows"]:
        writer.writerow([row["key"], *row["values"]])
    name = f"{program_id}-{chart}-{'all' if chosen == ALL else chosen}.csv"
    return Response(
        text.getvalue(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


async def _health(visit: Visit, program_id: str) -> dict[str, Any]:
    try:
        return await visit.matching.health(program_id)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise HTTPException(404) from problem
        raise


def _chosen(health: dict[str, Any], campus: str | None) -> tuple[str, dict[str, Any]]:
    """The campus asked for, else all campuses (when the visitor may see them all), else their first."""
    by_campus = {item["campus"]: item for item in health["campuses"]}
    if campus in by_campus:
        return campus, by_campus[campus]
    if health.get("all_campuses"):
        return ALL, health["all_campuses"]
    if not by_campus:
        raise HTTPException(404)
    first = sorted(by_campus)[0]
    return first, by_campus[first]


def tables_of(health: dict[str, Any], figures: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each chart's figures as a table: columns, then rows of a key (matching's own: the CSV's), a label
    (the page's words) and its values (raw numbers; the page formats them, the CSV keeps them as they are)."""
    reasons = {
        "participant left": _("A participant left"),
        "program closed": _("The program closed"),
        "dormant": _("Dormant too long"),
        "ended by the pair or a coordinator": _("Ended by the pair or a coordinator"),
    }
    funnel = figures.get("funnel") or {}
    weeks = figures.get("weeks") or []
    ended = figures.get("ended_by_reason") or {}
    return {
        "funnel": {
            "columns": [_("Stage"), _("People")],
            "rows": [
                {"key": stage, "label": label, "values": [funnel.get(stage, 0)]}
                for stage, label in (
                    ("joined", _("Joined")),
                    ("proposed", _("Proposed a partner")),
                    ("matched", _("Matched")),
                    ("active", _("In an active pair")),
                )
            ],
        },
        "weeks": {
            "columns": [_("Week starting"), _("Sessions completed"), _("Pairs that met")],
            "rows": [
                {
                    "key": week["week_starting"],
                    "label": week["week_starting"],
                    "values": [week.get("sessions_completed", 0), week.get("pairs_met", 0)],
                }
                for week in weeks
            ],
        },
        "ended": {
            "columns": [_("Reason"), _("Pairs")],
            "rows": [
                {"key": reason, "label": reasons.get(reason, reason), "values": [count]}
                for reason, count in sorted(ended.items(), key=lambda item: -item[1])
            ],
        },
        "campuses": {
            "columns": [_("Campus"), _("Active pairs"), _("Dormant pairs"), _("Waiting")],
            "rows": [
                {
                    "key": item["campus"],
                    "label": item["campus"],
                    "values": [item.get("active_pairs", 0), item.get("dormant_pairs", 0), item.get("waiting", 0)],
                }
                for item in health["campuses"]
            ],
        },
    }


def _bars(table: dict[str, Any]) -> list[charts.Bar]:
    return [
        charts.Bar(label=str(row["label"]), value=float(row["values"][0] or 0), shown=number(row["values"][0]))
        for row in table["rows"]
    ]


def _key_figures(figures: dict[str, Any]) -> list[tuple[str, str]]:
    def hours(value: float | None) -> str:
        if value is None:
            return _("Not yet known")
        if value < 48:
            return _("%(hours)s hours", hours=number(round(value, 1)))
        return _("%(days)s days", days=number(round(value / 24, 1)))

    share = figures.get("reflected_share")
    rating = figures.get("average_rating")
    return [
        (_("Waiting for a partner"), number(figures.get("waiting", 0))),
        (_("Proposals not yet answered"), number(figures.get("proposed", 0))),
        (_("Active pairs"), number(figures.get("active_pairs", 0))),
        (_("Dormant pairs"), number(figures.get("dormant_pairs", 0))),
        (_("Sessions a week (last four weeks)"), number(round(figures.get("sessions_per_week", 0), 1))),
        (
            _("Sessions with a reflection"),
            _("Not yet known") if share is None else format_percent(share, locale=i18n.babel_locale()),
        ),
        (_("Average progress rating (1 to 5)"), _("Not yet known") if rating is None else number(round(rating, 2))),
        (_("Time from joining to a first proposal"), hours(figures.get("hours_to_first_proposal"))),
        (_("Time from joining to a first session"), hours(figures.get("hours_to_first_session"))),
    ]


def number(value: Any) -> str:
    return format_decimal(value or 0, locale=i18n.babel_locale())
