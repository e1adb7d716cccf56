"""Health figures as the API shows them, made from the counted measures (``http.queries_health``): the same
for one program's campuses, for the institution's programs and campuses, and for the CSVs.

Every measure is a sum, so the figures of several programs are those of their summed measures: the
institution's are its programs' together, exactly (shares and averages from summed numerators and
denominators, never averaged averages)."""

import io
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from mesh_matching.adapters.http.queries_health import ALL_CAMPUSES, RECENT_DAYS, Measures
from mesh_runtime.spreadsheet import writer as csv_writer

ENDED = "ended:"


class Funnel(BaseModel):
    """People, not pairs: how far each person who joined has come. Someone in several pairs (a
    mentor with room for three) counts once at each step."""

    joined: int = Field(default=0, description="Ever joined the program (those who left since included).")
    proposed: int = Field(
        default=0,
        description="Of those, ever had a proposal: by matching, a round, a coordinator, "
        "or their own or another's request, whatever its answer.",
    )
    matched: int = Field(default=0, description="Ever in a formed pair (both accepted), ended since or not.")
    active: int = Field(default=0, description="In a formed pair now that has not ended and is not dormant.")


class Week(BaseModel):
    week_starting: date = Field(description="The week's Monday (weeks by UTC dates).", examples=["2026-09-14"])
    sessions_completed: int = Field(description="Sessions completed that week (each session once, by its completion).")
    pairs_met: int = Field(description="Pairs with at least one session completed that week.")


class Figures(BaseModel):
    campus: str = Field(description=f"A campus, or {ALL_CAMPUSES!r} for all of the program's together.")
    joined: int = 0
    waiting: int = Field(default=0, description="Active with room and no open match: eligible, waiting.")
    proposed: int = Field(default=0, description="Proposals not yet answered.")
    matched: int = Field(default=0, description="Pairs ever formed.")
    active_pairs: int = 0
    dormant_pairs: int = Field(default=0, description="Formed pairs found dormant (MatchStalled) and not active since.")
    ended_by_reason: dict[str, int] = Field(default_factory=dict, description="Formed pairs that ended, by why.")
    sessions_per_week: float = Field(
        default=0, description=f"Completed on the last {RECENT_DAYS} days (UTC dates, today included), over four."
    )
    sessions_completed: int = 0
    reflected_share: float | None = Field(default=None, description="Of the sessions due, the share completed with reflections.")
    average_rating: float | None = Field(default=None, description="Progress rating over every reflection, 1 to 5.")
    hours_to_first_proposal: float | None = Field(default=None, description="On average, from joining.")
    hours_to_first_session: float | None = Field(default=None, description="On average, from joining to its start.")
    funnel: Funnel = Field(default_factory=Funnel)
    weeks: list[Week] | None = Field(
        default=None,
        description="Week by week (see the report's weeks_of), every week "
        "shown, those with no session too; None where not asked for (the institution's "
        "roll-up).",
    )


def figures_of(campus: str, measures: Measures, weeks: list[Week] | None = None) -> Figures:
    """The figures of one set of summed measures (missing ones are 0)."""

    def count(name: str) -> int:
        return int(measures.get(name, 0))

    def ratio(numerator: Decimal, denominator: Decimal, scale: float = 1) -> float | None:
        return None if not denominator else float(numerator) / float(denominator) / scale

    due = count("sessions_due_done") + count("sessions_pending") - count("sessions_pending_later")
    to_proposal = ratio(measures.get("first_proposal_seconds", Decimal(0)), Decimal(count("first_proposal_people")), 3600)
    to_session = ratio(measures.get("first_session_seconds", Decimal(0)), Decimal(count("first_session_people")), 3600)
    return Figures(
        campus=campus,
        joined=count("joined"),
        waiting=count("waiting"),
        proposed=count("proposed"),
        matched=count("matched"),
        active_pairs=count("active_pairs"),
        dormant_pairs=count("dormant_pairs"),
        ended_by_reason={
            name.removeprefix(ENDED): int(amount)
            for name, amount in sorted(measures.items())
            if name.startswith(ENDED) and amount
        },
        sessions_per_week=count("sessions_completed_recent") / 4,
        sessions_completed=count("sessions_completed"),
        reflected_share=ratio(Decimal(count("sessions_reflected")), Decimal(due)),
        average_rating=ratio(Decimal(count("rating_sum")), Decimal(count("reflections"))),
        hours_to_first_proposal=None if to_proposal is None else round(to_proposal, 3),
        hours_to_first_session=None if to_session is None else round(to_session, 3),
        funnel=Funnel(
            joined=count("joined"),
            proposed=count("funnel_proposed"),
            matched=count("funnel_matched"),
            active=count("funnel_active"),
        ),
        weeks=weeks,
    )


def summed(parts: Iterable[Measures]) -> Measures:
    total: Measures = {}
    for measures in parts:
        for name, amount in measures.items():
            total[name] = total.get(name, Decimal(0)) + amount
    return total


def weeks_of(mondays: list[date], counted: dict[date, tuple[int, int]]) -> list[Week]:
    return [
        Week(week_starting=monday, sessions_completed=counted.get(monday, (0, 0))[0], pairs_met=counted.get(monday, (0, 0))[1])
        for monday in mondays
    ]


COLUMNS = [name for name in Figures.model_fields if name not in ("ended_by_reason", "funnel", "weeks")]
FUNNEL_COLUMNS = [f"funnel_{name}" for name in Funnel.model_fields]


def figures_csv(leading: list[str], rows: list[tuple[list, Figures]]) -> str:
    """One row per figures, after its ``leading`` cells; then the funnel, then one column per way pairs
    ended. Campus labels and reasons are the institution's own text: written through the formula-safe
    writer, so none of them runs in a coordinator's spreadsheet."""
    reasons = sorted({reason for _, figures in rows for reason in figures.ended_by_reason})
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow([*leading, *COLUMNS, *FUNNEL_COLUMNS, *(f"ended: {reason}" for reason in reasons)])
    for cells, figures in rows:
        values = figures.model_dump()
        writer.writerow(
            [
                *cells,
                *(("" if values[c] is None else values[c]) for c in COLUMNS),
                *values["funnel"].values(),
                *(figures.ended_by_reason.get(reason, 0) for reason in reasons),
            ]
        )
    return text.getvalue()
