"""Creating and changing a program, one part per page, then "check your answers" and a preview of the
registration page participants will see; only the last step sends it (profile's ``POST /programs`` or
``PUT /programs/{id}``).

The answers so far are a draft kept in the session (per program, and one for a new program): a step
left halfway, a page reloaded, a sign-in again, keeps what was typed. Profile's refusal on saving comes
back on the page of the step whose field it names."""

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages.console import program_pages
from mesh_web.pages.console import program_steps as steps
from mesh_web.pages.pairing import posted
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import StaffDep, Visit

router = APIRouter()
DRAFTS, MOST_DRAFTS = "program_drafts", 5
GENERAL = "program"  # the id of the save button's region: where a refusal naming no field is shown


@dataclass(frozen=True)
class Editing:
    """A new program (``program_id`` None), or one being changed."""

    program_id: str | None

    @property
    def key(self) -> str:
        return self.program_id or "+new"

    @property
    def base(self) -> str:
        return f"/console/programs/{self.program_id}/edit" if self.program_id else "/console/new-program"


# ---- routes: a new program and an existing one share every handler ------------------------------------


@router.get("/console/new-program")
async def start_new(visit: StaffDep) -> Response:
    if _draft(visit, Editing(None)) is None:
        _keep(visit, Editing(None), steps.blank_program())
    return see_other(f"{Editing(None).base}/about")


@router.get("/console/programs/{program_id}/edit")
async def start_edit(visit: StaffDep, program_id: str) -> Response:
    program = await program_pages.program_of(visit, program_id)
    if program.get("status") != "open":
        flash(visit, _("A closed program cannot change."))
        return see_other(f"/console/programs/{program_id}")
    _keep(visit, Editing(program_id), steps.definition_of(program))
    return see_other(f"{Editing(program_id).base}/check")


@router.get("/console/new-program/check")
async def check_new(visit: StaffDep) -> Response:
    return await _check(visit, Editing(None))


@router.post("/console/new-program/check")
async def save_new(visit: StaffDep) -> Response:
    return await _save(visit, Editing(None))


@router.get("/console/new-program/preview")
async def preview_new(visit: StaffDep) -> Response:
    return _preview(visit, Editing(None))


@router.get("/console/new-program/{step}")
async def step_new(visit: StaffDep, step: str) -> Response:
    return _step_page(visit, Editing(None), step)


@router.post("/console/new-program/{step}")
async def answer_new(visit: StaffDep, step: str) -> Response:
    return await _answer(visit, Editing(None), step)


@router.get("/console/programs/{program_id}/edit/check")
async def check_edit(visit: StaffDep, program_id: str) -> Response:
    return await _check(visit, Editing(program_id))


@router.post("/console/programs/{program_id}/edit/check")
async def save_edit(visit: StaffDep, program_id: str) -> Response:
    return await _save(visit, Editing(program_id))


@router.get("/console/programs/{program_id}/edit/preview")
async def preview_edit(visit: StaffDep, program_id: str) -> Response:
    return _preview(visit, Editing(program_id))


@router.get("/console/programs/{program_id}/edit/{step}")
async def step_edit(visit: StaffDep, program_id: str, step: str) -> Response:
    return _step_page(visit, Editing(program_id), step)


@router.post("/console/programs/{program_id}/edit/{step}")
async def answer_edit(visit: StaffDep, program_id: str, step: str) -> Response:
    return await _answer(visit, Editing(program_id), step)


# ---- what they do ------------------------------------------------------------------------------------


def _step_page(
    visit: Visit, editing: Editing, step: str, form: Form | None = None, status: int = 200, more: bool = False
) -> Response:
    draft = _draft_or_404(visit, editing, step)
    if form is None:
        form = Form(values=steps.values_of(step, draft, draft.get("program_id") or editing.program_id))
    rows = steps.rows_shown(step, form.values, more) if step in ("terms", "questions", "rules") else 0
    return page(
        visit,
        "console/program_step.html",
        status=status,
        form=form,
        step=step,
        steps=steps.STEPS,
        editing=editing,
        draft=draft,
        rows=rows,
        campus_options=[(campus, campus) for campus in _campus_choices(visit, draft)],
        titles=steps.step_titles(),
        **program_pages.described(draft),
        back=editing.program_id is not None or "check" in (visit.request.query_params.get("from"), form.values.get("_to")),
    )


async def _answer(visit: Visit, editing: Editing, step: str) -> Response:
    draft = _draft_or_404(visit, editing, step)
    values = await posted(visit)
    form = Form(values=values)
    if "_more" in values:  # "add another": the same page with one more blank row, nothing checked yet
        return _step_page(visit, editing, step, form, more=True)
    updated = steps.read(step, values, form, draft, new=editing.program_id is None)
    if not form.ok:
        return _step_page(visit, editing, step, form, status=422)
    _keep(visit, editing, updated)
    following = steps.STEPS.index(step) + 1
    if values.get("_to") == "check" or editing.program_id is not None or following == len(steps.STEPS):
        return see_other(f"{editing.base}/check")
    return see_other(f"{editing.base}/{steps.STEPS[following]}")


async def _check(visit: Visit, editing: Editing, form: Form | None = None, status: int = 200) -> Response:
    draft = _draft(visit, editing)
    if draft is None:
        return see_other(f"/console/programs/{editing.program_id}/edit" if editing.program_id else "/console/new-program")
    return page(
        visit,
        "console/program_check.html",
        status=status,
        form=form or Form(),
        draft=draft,
        editing=editing,
        steps=steps.STEPS,
        titles=steps.step_titles(),
        **program_pages.described(draft),
    )


async def _save(visit: Visit, editing: Editing) -> Response:
    draft = _draft(visit, editing)
    if draft is None:
        return see_other(editing.base)
    definition = {name: value for name, value in draft.items() if name != "program_id"}
    try:
        if editing.program_id is None:
            saved = await visit.profile.create_program({"program_id": draft.get("program_id", ""), **definition})
        else:
            current = await program_pages.program_of(visit, editing.program_id)
            saved = await visit.profile.change_program(
                editing.program_id, definition | {"coordinators": current.get("coordinators") or []}
            )
    except ApiProblem as problem:
        return await _refused(visit, editing, draft, problem)
    visit.session.data[DRAFTS].pop(editing.key, None)
    visit.session.changed = True
    flash(
        visit,
        _("%(program)s is created.", program=saved["name"])
        if editing.program_id is None
        else _("Your changes to %(program)s are saved.", program=saved["name"]),
    )
    return see_other(f"/console/programs/{saved['program_id']}")


async def _refused(visit: Visit, editing: Editing, draft: dict[str, Any], problem: ApiProblem) -> Response:
    """On the page of the first step whose field profile names; a refusal of the whole at the save button."""
    if problem.status == 404:
        raise HTTPException(404) from problem
    if problem.short_kind == "program-id-taken":
        form = Form(values=steps.values_of("about", draft, draft.get("program_id")))
        form.error("program_id", _("A program with this id exists already: choose another id."))
        return _step_page(visit, editing, "about", form, status=409)
    named = problem.field_errors()
    for step in steps.STEPS:
        here = {
            location: message for location, message in named.items() if steps.STEP_OF_FIELD.get(location.split(".")[0]) == step
        }
        if here:
            form = Form(values=steps.values_of(step, draft, draft.get("program_id") or editing.program_id))
            for location, message in here.items():
                form.error(_field_on_page(location), message)
            return _step_page(visit, editing, step, form, status=422)
    form = Form()
    if problem.status == 403:
        form.error(
            GENERAL,
            _(
                "Only an admin, or a coordinator of every campus the program runs on, may create or "
                "change it. Choose only campuses you coordinate, or ask an admin."
            ),
        )
    elif problem.short_kind == "program-closed":
        form.error(GENERAL, _("This program has closed: it cannot change."))
    else:
        form.error(GENERAL, _("The program could not be saved: %(reason)s", reason=problem.detail))
    return await _check(visit, editing, form, status=problem.status if problem.status in (403, 409) else 422)


def _field_on_page(location: str) -> str:
    """Profile names a capacity by its place in the list; the page names it by role."""
    return location if not location.startswith("capacity.") else "capacity.mentor"


def _preview(visit: Visit, editing: Editing) -> Response:
    draft = _draft(visit, editing)
    if draft is None:
        return see_other(editing.base)
    return program_pages.registration_preview(visit, draft, editing.base)


def _draft(visit: Visit, editing: Editing) -> dict[str, Any] | None:
    return (visit.session.data.get(DRAFTS) or {}).get(editing.key)


def _draft_or_404(visit: Visit, editing: Editing, step: str) -> dict[str, Any]:
    draft = _draft(visit, editing)
    if step not in steps.STEPS or draft is None:
        raise HTTPException(404)
    return draft


def _keep(visit: Visit, editing: Editing, draft: dict[str, Any]) -> None:
    drafts = visit.session.data.setdefault(DRAFTS, {})
    drafts.pop(editing.key, None)
    drafts[editing.key] = draft
    while len(drafts) > MOST_DRAFTS:  # the oldest draft goes first
        drafts.pop(next(iter(drafts)))
    visit.session.changed = True


def _campus_choices(visit: Visit, draft: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys([*visit.who.campuses, *draft.get("campuses", [])]))
