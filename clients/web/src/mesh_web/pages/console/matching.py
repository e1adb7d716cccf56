"""A program's matching for its coordinators: the policy (weights and rules) with a dry run of a round
under the edited policy side by side with the current one before saving it, and rounds previewed,
watched as they run, then approved and published exactly as previewed (matching's round previews)."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web import charts
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages.console import policy_form
from mesh_web.pages.console.health import number
from mesh_web.pages.console.program_pages import program_of
from mesh_web.pages.pairing import not_found, posted
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
COMPARING = "policy_comparisons"  # session: program -> {"policy", "candidate", "current"}


@router.get("/console/programs/{program_id}/matching")
async def matching(visit: StaffDep, program_id: str) -> Response:
    program = await program_of(visit, program_id)
    current = await _read(visit.matching.policy(program_id))
    previews = await _read(visit.matching.round_previews(program_id))
    return page(
        visit,
        "console/matching.html",
        program=program,
        current=current,
        previews=previews,
        labels=policy_form.labels(),
        number=number,
    )


@router.post("/console/programs/{program_id}/matching/previews")
async def start_preview(visit: StaffDep, program_id: str) -> Response:
    await program_of(visit, program_id)
    preview = await _start(visit, program_id, None)
    if isinstance(preview, Response):
        return preview
    return see_other(f"/console/programs/{program_id}/matching/previews/{preview['preview_id']}")


@router.get("/console/programs/{program_id}/matching/previews/{preview_id}")
async def preview_page(visit: StaffDep, program_id: str, preview_id: UUID) -> Response:
    program = await program_of(visit, program_id)
    preview = await _read(visit.matching.round_preview(program_id, preview_id))
    # htmx asks every second while it runs, and takes #preview from the page (hx-select)
    return page(
        visit, "console/round_preview.html", program=program, preview=preview, number=number, report=_report(preview, "preview")
    )


@router.post("/console/programs/{program_id}/matching/previews/{preview_id}/publish")
async def publish(visit: StaffDep, program_id: str, preview_id: UUID) -> Response:
    program = await program_of(visit, program_id)
    try:
        published = await visit.matching.publish_round_preview(program_id, preview_id)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        preview = await _read(visit.matching.round_preview(program_id, preview_id))
        form = Form()
        form.error("publish", _publish_refusal(problem))
        return page(
            visit,
            "console/round_preview.html",
            status=409,
            form=form,
            program=program,
            preview=preview,
            report=_report(preview, "preview"),
            number=number,
        )
    count = len(published.get("published_match_ids") or [])
    flash(visit, _("Published: %(count)s pairs proposed. Each person is told and may accept or decline.", count=count))
    return see_other(f"/console/programs/{program_id}/matching")


@router.get("/console/programs/{program_id}/matching/policy")
async def policy_page(visit: StaffDep, program_id: str) -> Response:
    program = await program_of(visit, program_id)
    current = await _read(visit.matching.policy(program_id))
    kept = (visit.session.data.get(COMPARING) or {}).get(program_id)
    form = Form(values=policy_form.values_of(kept["policy"] if kept else current["policy"]))
    return page(visit, "console/policy.html", form=form, program=program, current=current, labels=policy_form.labels())


@router.post("/console/programs/{program_id}/matching/policy")
async def policy_answer(visit: StaffDep, program_id: str) -> Response:
    program = await program_of(visit, program_id)
    current = await _read(visit.matching.policy(program_id))
    values = await posted(visit)
    form = Form(values=values)
    policy = policy_form.read(values, form)
    if not form.ok:
        return page(
            visit, "console/policy.html", status=422, form=form, program=program, current=current, labels=policy_form.labels()
        )
    if values.get("_action") == "save":
        return await _save(visit, program, current, policy, form)
    candidate = await _start(visit, program_id, policy)
    if isinstance(candidate, Response):
        return candidate
    comparisons = visit.session.data.setdefault(COMPARING, {})
    comparisons[program_id] = {"policy": policy, "candidate": candidate["preview_id"], "current": None}
    visit.session.changed = True
    return see_other(f"/console/programs/{program_id}/matching/compare")


@router.get("/console/programs/{program_id}/matching/compare")
async def compare(visit: StaffDep, program_id: str) -> Response:
    """The candidate policy's round beside the current policy's: the current one starts once the
    candidate's is done (a program plans one round at a time)."""
    program = await program_of(visit, program_id)
    kept = (visit.session.data.get(COMPARING) or {}).get(program_id)
    if not kept:
        return see_other(f"/console/programs/{program_id}/matching/policy")
    candidate = await _read(visit.matching.round_preview(program_id, UUID(kept["candidate"])))
    current = None
    if kept["current"]:
        current = await _read(visit.matching.round_preview(program_id, UUID(kept["current"])))
    elif candidate["status"] != "running":
        try:
            started = await visit.matching.start_round_preview(program_id)
            kept["current"] = started["preview_id"]
            visit.session.changed = True
            current = started
        except ApiProblem as problem:
            if problem.short_kind != "preview-running":
                raise
    return page(
        visit,
        "console/policy_compare.html",
        program=program,
        candidate=candidate,
        current=current,
        policy=kept["policy"],
        labels=policy_form.labels(),
        number=number,
        reports={"candidate": _report(candidate, "candidate"), "current": _report(current, "current") if current else None},
    )


@router.post("/console/programs/{program_id}/matching/compare")
async def save_compared(visit: StaffDep, program_id: str) -> Response:
    program = await program_of(visit, program_id)
    kept = (visit.session.data.get(COMPARING) or {}).get(program_id)
    if not kept:
        return see_other(f"/console/programs/{program_id}/matching/policy")
    current = await _read(visit.matching.policy(program_id))
    return await _save(visit, program, current, kept["policy"], Form(values=policy_form.values_of(kept["policy"])))


async def _save(visit: Visit, program: dict[str, Any], current: dict[str, Any], policy: dict[str, Any], form: Form) -> Response:
    program_id = program["program_id"]
    try:
        saved = await visit.matching.set_policy(program_id, policy)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            form.error("weights", _("Only a coordinator of every campus of the program, or an admin, may change its policy."))
        else:
            for location, message in problem.field_errors().items():
                form.error(policy_form.field_of(location), message)
            form.error("weights", problem.detail)
        return page(
            visit,
            "console/policy.html",
            status=problem.status if problem.status == 403 else 422,
            form=form,
            program=program,
            current=current,
            labels=policy_form.labels(),
        )
    (visit.session.data.get(COMPARING) or {}).pop(program_id, None)
    visit.session.changed = True
    flash(visit, _("The matching policy is saved (version %(version)s). Proposals from now on use it.", version=saved["version"]))
    return see_other(f"/console/programs/{program_id}/matching")


async def _start(visit: Visit, program_id: str, policy: dict[str, Any] | None) -> dict[str, Any] | Response:
    try:
        return await visit.matching.start_round_preview(program_id, policy=policy)
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        if problem.short_kind == "preview-running" and problem.body.get("preview_id"):
            flash(visit, _("A preview of this program is running already: here it is."))
            return see_other(f"/console/programs/{program_id}/matching/previews/{problem.body['preview_id']}")
        if problem.short_kind == "program-not-proposing":
            flash(visit, _("Participants of this program choose their partners themselves: it has no rounds."))
            return see_other(f"/console/programs/{program_id}/matching")
        raise


async def _read(call: Any) -> Any:
    try:
        return await call
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            raise not_found() from problem
        raise


def _report(preview: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """A ready preview's figures and the distribution of its scores as a chart."""
    report = (preview or {}).get("report")
    if not report:
        return None
    tenths = sorted((report.get("distribution") or {}).items())
    bars = [charts.Bar(label=band.split("-")[0], value=count, shown=number(count)) for band, count in tenths]
    return report | {
        "chart": charts.columns(f"chart-scores-{name}", _("Pairs by score, in tenths"), bars, width=320, height=160),
        "bands": tenths,
    }


def _publish_refusal(problem: ApiProblem) -> str:
    return {
        "preview-stale": _(
            "People joined, left or changed since this preview, or the policy changed: preview the round again and publish that."
        ),
        "preview-not-ready": _("This preview has not finished yet."),
        "candidate-policy": _(
            "This preview used a policy that is not saved. Save the policy first, then preview and publish a round."
        ),
    }.get(problem.short_kind, problem.detail)
