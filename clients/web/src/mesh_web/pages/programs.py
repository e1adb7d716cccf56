"""Joining a program through its registration questions, and confirming the profile a program's roster
made for someone (home lists it as waiting for them).

Joining: the program (profile's ``GET /programs/{id}``) as a form, checked here first, then sent as the
ParticipantProfile profile's ``POST /participants`` takes, with the address the institution vouches for;
a refusal names each rule that failed, beside the field it reads. Claiming: ``POST /participants/claim``."""

from typing import Any
from uuid import UUID

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response

from mesh_web import failures
from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices, profile_form, profile_refusals
from mesh_web.pages.profile_context import facts_of, form_context, remember_zone
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()


@router.get("/programs/{program_id}/join")
async def join_form(visit: PersonDep, program_id: str) -> Response:
    program = await remembered_program(visit, program_id)
    everything = await _participations(visit)
    theirs = _of_program(everything, program_id)
    if theirs is not None:
        return see_other(_place_of(theirs))
    kept = failures.restore(visit, visit.request.url.path)
    if kept:
        return _join_page(visit, program, profile_form.restored(kept))
    zone = await _guessed_zone(visit, everything)
    return _join_page(
        visit,
        program,
        Form(
            values=profile_form.newcomer(
                program, name=visit.who.name, language=visit.language, zone=zone, campuses=_campuses(visit, program)
            )
        ),
    )


@router.post("/programs/{program_id}/join")
async def join(visit: PersonDep, program_id: str) -> Response:
    program = await remembered_program(visit, program_id)
    form = await profile_form.posted(visit.request)
    if _blocked(visit, program):
        return _join_page(visit, program, form, status=409)
    fields = profile_form.checked(form, program, _campuses(visit, program))
    if not form.ok:
        return _join_page(visit, program, form, status=422)
    body = fields | {"program_id": program["program_id"], "program_setting": program["setting"], "email": visit.who.email}
    try:
        visit.forget_participations()
        joined = await visit.profile.join(body)
    except ApiProblem as problem:
        if problem.status == 409 and problem.short_kind == "already-joined" and problem.body.get("participant_id"):
            flash(visit, _("You are already in this program."))
            return see_other(f"/participations/{problem.body['participant_id']}")
        if problem.status == 404:
            raise HTTPException(404) from problem
        profile_refusals.apply(form, problem, program, profile_refusals.fields_on_page(program, _fact_fields(program)))
        return _join_page(visit, program, form, status=422)
    remember_zone(visit, fields["time_zone"])
    flash(visit, _("Welcome: you joined %(program)s.", program=program["name"]))
    return see_other(f"/participations/{joined['participant_id']}")


@router.get("/programs/{program_id}/claim")
async def claim_form(visit: PersonDep, program_id: str) -> Response:
    waiting = await _waiting(visit, program_id)
    if not isinstance(waiting, dict):
        return waiting
    kept = failures.restore(visit, visit.request.url.path)
    return page(
        visit,
        "programs/claim.html",
        form=kept or Form(),
        item=waiting,
        roles=[profile_choices.role_names().get(role, role) for role in waiting.get("roles") or []],
    )


@router.post("/programs/{program_id}/claim")
async def claim(visit: PersonDep, program_id: str) -> Response:
    waiting = await _waiting(visit, program_id)
    if not isinstance(waiting, dict):
        return waiting
    try:
        visit.forget_participations()
        claimed = await visit.profile.claim(program_id)
    except ApiProblem as problem:
        form = Form()
        form.error(profile_refusals.GENERAL, _claim_refusal(problem))
        return page(
            visit,
            "programs/claim.html",
            status=422 if problem.status != 409 else 409,
            form=form,
            item=waiting,
            roles=[profile_choices.role_names().get(role, role) for role in waiting.get("roles") or []],
        )
    remember_zone(visit, (claimed.get("profile") or {}).get("time_zone"))
    flash(visit, _("Welcome: your place in %(program)s is confirmed.", program=waiting.get("program_name", "")))
    return see_other(f"/participations/{claimed['participant_id']}")


async def remembered_program(visit: Visit, program_id: str) -> dict[str, Any]:
    """The program as remembered for a few seconds (``Visit.program``); not theirs to see: not found."""
    try:
        return await visit.program(program_id)
    except ApiProblem as problem:
        if problem.status in (403, 404, 422):
            raise HTTPException(404) from problem
        raise


async def _participations(visit: Visit) -> list[dict[str, Any]]:
    found = await visit.my_participations()
    return list(found.get("participations") or []) if isinstance(found, dict) else list(found or [])


def _of_program(items: list[dict[str, Any]], program_id: str) -> dict[str, Any] | None:
    """Theirs in this program: the active one first, then one waiting for them, then one they left."""
    found = [item for item in items if item.get("program_id") == program_id]
    for state in ("active", "waiting_for_you", "left"):
        for item in found:
            if item.get("state") == state:
                return item
    return None


def _place_of(item: dict[str, Any]) -> str:
    if item.get("state") == "waiting_for_you":
        return f"/programs/{item['program_id']}/claim"
    return f"/participations/{item['participant_id']}"


async def _waiting(visit: Visit, program_id: str) -> dict[str, Any] | Response:
    """The roster's profile waiting for them in the program; theirs already: to it; none: not found."""
    theirs = _of_program(await _participations(visit), program_id)
    if theirs is None:
        raise HTTPException(404)
    if theirs.get("state") != "waiting_for_you":
        return see_other(_place_of(theirs))
    return theirs


def _campuses(visit: Visit, program: dict[str, Any]) -> list[str]:
    """Their campuses the program runs on (the only ones they may join on)."""
    return [campus for campus in visit.who.campuses if campus in (program.get("campuses") or [])]


async def _guessed_zone(visit: Visit, participations: list[dict[str, Any]]) -> str:
    """The zone they chose before (this session, else their profile in another program), else their
    institution's (when its theme names one), else UTC."""
    if visit.session.data.get("zone") and profile_choices.known_zone(visit.zone_name):
        return visit.zone_name
    active = [item for item in participations if item.get("state") == "active"]
    if active:
        try:
            other = await visit.profile.participant(UUID(active[-1]["participant_id"]))
        except (ApiProblem, ValueError):
            other = {}
        zone = (other.get("profile") or {}).get("time_zone")
        if isinstance(zone, str) and profile_choices.known_zone(zone):
            return zone
    theme = visit.request.app.state.wiring.themes.of(visit.who.institution)
    zone = getattr(theme, "time_zone", None)
    return zone if isinstance(zone, str) and profile_choices.known_zone(zone) else "UTC"


def _blocked(visit: Visit, program: dict[str, Any]) -> str | None:
    """Why they cannot join at all, if they cannot: then the page says so instead of asking."""
    if program.get("status") != "open":
        return _("This program has closed: it takes no new participants.")
    if not _campuses(visit, program):
        return _("This program does not run on any of your campuses.")
    if not visit.who.email:
        return _(
            "Your institution has not given us a verified email address for you, so you cannot join here. "
            "Ask the program's coordinator to add you through the program's roster."
        )
    if not profile_form.roles(program):
        return _("This program takes no new participants just now.")
    return None


def _fact_fields(program: dict[str, Any]) -> list[str]:
    return [fact["field"] for fact in facts_of(program, None)]


def _join_page(visit: Visit, program: dict[str, Any], form: Form, status: int = 200) -> Response:
    blocked = _blocked(visit, program)
    context: dict[str, Any] = {"program": program, "blocked": blocked}
    if not blocked:
        context |= {
            "ctx": form_context(program, form),
            "campuses": _campuses(visit, program),
            "facts": facts_of(program, None),
            "rules": profile_refusals.rules(program),
            "criteria": program.get("participation_criteria") or [],
        }
    return page(visit, "programs/join.html", status=status, form=form, **context)


def _claim_refusal(problem: ApiProblem) -> str:
    if problem.status == 404:
        return _("Nothing waits for you in this program any more. Ask its coordinator for help.")
    if problem.status == 409:
        return _("This profile is already someone's, or you are in this program already. Ask its coordinator for help.")
    if problem.status == 403:
        return _(
            "Your institution has not given us a verified email address for you, or this profile is on a campus "
            "of someone else's, so it cannot be confirmed here. Ask the program's coordinator for help."
        )
    return profile_refusals.general_message(problem)
