"""The participation hub: one program as the participant sees it. Their state, the proposals matching
made them (with score and reasons; accept, or decline with a reason), their pairs, and where the
program lets people choose, the partners they could ask, several at once."""

import asyncio
from typing import Any
from uuid import UUID

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.api.matching import MAX_REQUESTS
from mesh_web.failures import restore
from mesh_web.i18n import gettext as _
from mesh_web.i18n import ngettext
from mesh_web.pages.pairing import (
    check_text,
    list_of,
    my_participant_ids,
    not_found,
    posted,
    read,
    refused,
    sides,
    text_of,
    use_zone,
)
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import PersonDep, Visit

router = APIRouter()
CHOOSING = ("self_selection", "both")  # the program's matchmaking modes in which people ask partners themselves
PAST = ("declined", "expired", "ended")


@router.get("/participations/{participant_id}")
async def participation(visit: PersonDep, participant_id: UUID) -> Response:
    return await hub(visit, participant_id, restore(visit, visit.request.url.path))


async def hub(visit: Visit, participant_id: UUID, form: Form | None = None, status: int = 200) -> Response:
    participant, matches = await asyncio.gather(read(visit.profile.participant(participant_id)), _matches(visit, participant_id))
    profile = participant.get("profile") or {}
    use_zone(visit, profile.get("time_zone"))
    program = await _program(visit, profile.get("program_id"))
    for match in matches:
        match["me"], match["partner"] = sides(match, {participant_id})
    return page(
        visit,
        "participation/hub.html",
        status=status,
        form=form,
        participant=participant,
        profile=profile,
        program=program,
        active=participant.get("status") == "active",
        choosing=_choosing(participant, program),
        proposals=[m for m in matches if m["status"] == "proposed"],
        pairs=[m for m in matches if m["status"] == "accepted"],
        past=[m for m in matches if m["status"] in PAST][:10],
    )


def _choosing(participant: dict[str, Any], program: dict[str, Any]) -> bool:
    """Whether they may ask partners themselves: active, in an open program that lets people choose."""
    return (
        participant.get("status") == "active"
        and program.get("matchmaking", "both") in CHOOSING
        and program.get("status", "open") == "open"
    )


@router.get("/participations/{participant_id}/partners")
async def partners_page(visit: PersonDep, participant_id: UUID) -> Response:
    return await partners(visit, participant_id, restore(visit, visit.request.url.path))


async def partners(visit: Visit, participant_id: UUID, form: Form | None = None, status: int = 200) -> Response:
    """The people they could ask, best first, with the reasons; the form to ask several at once."""
    participant = await read(visit.profile.participant(participant_id))
    program = await _program(visit, (participant.get("profile") or {}).get("program_id"))
    if not _choosing(participant, program):
        return see_other(f"/participations/{participant_id}")
    suggestions, no_suggestions = await _suggestions(visit, participant_id)
    results = visit.session.data.pop("partner_requests", None)
    if results is not None:
        visit.session.changed = True
    return page(
        visit,
        "participation/partners.html",
        status=status,
        form=form,
        participant=participant,
        program=program,
        max_requests=MAX_REQUESTS,
        suggestions=suggestions,
        no_suggestions=no_suggestions,
        request_results=results if results and results.get("for") == str(participant_id) else None,
    )


async def _matches(visit: Visit, participant_id: UUID) -> list[dict[str, Any]]:
    try:
        return await visit.matching.matches(participant_id)
    except ApiProblem as problem:
        if problem.status == 404:  # matching has not learnt of them yet (a join takes a moment to reach it)
            return []
        if problem.status == 403:
            raise not_found() from problem
        raise


async def _program(visit: Visit, program_id: str | None) -> dict[str, Any]:
    if not program_id:
        return {}
    try:
        return await visit.program(program_id)
    except ApiProblem:
        return {"program_id": program_id}


async def _suggestions(visit: Visit, participant_id: UUID) -> tuple[list[dict[str, Any]], bool]:
    """The partners they could ask; (nothing, True) when they are in no pool with room left."""
    try:
        return await visit.matching.suggestions(participant_id), False
    except ApiProblem as problem:
        if problem.status in (404, 409):
            return [], True
        raise


@router.post("/participations/{participant_id}/requests")
async def ask_partners(visit: PersonDep, participant_id: UUID) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    chosen = list_of(values, "partner_ids")
    try:
        partner_ids = [UUID(value) for value in chosen]
    except ValueError:
        raise not_found() from None
    if not partner_ids:
        form.error("partner_ids", _("Choose at least one person to ask."))
    elif len(set(partner_ids)) > MAX_REQUESTS:
        form.error("partner_ids", _("Choose at most %(limit)s people at once.", limit=MAX_REQUESTS))
    if form.ok:
        try:
            outcomes = await visit.matching.request_partners(participant_id, list(dict.fromkeys(partner_ids)))
        except ApiProblem as problem:
            refused(
                form,
                problem,
                general="partner_ids",
                fields={"partner_ids"},
                kinds={"program-not-proposing": ("partner_ids", _("The program does not make new pairs just now."))},
            )
        else:
            names = {item: text_of(values, f"name.{item}") for item in chosen}
            asked = [o for o in outcomes if o.get("match_id")]
            visit.session.data["partner_requests"] = {
                "for": str(participant_id),
                "outcomes": [
                    {"name": names.get(str(o["partner_id"])) or "", "match_id": o.get("match_id"), "refused": o.get("refused")}
                    for o in outcomes
                ],
            }
            if asked:
                flash(
                    visit,
                    ngettext(
                        "You asked %(num)s person. They see your request among their proposals.",
                        "You asked %(num)s people. They see your request among their proposals.",
                        len(asked),
                    ),
                )
            return see_other(f"/participations/{participant_id}/partners")
    return await partners(visit, participant_id, form, status=422)


@router.post("/matches/{match_id}/accept")
async def accept(visit: PersonDep, match_id: UUID) -> Response:
    match = await read(visit.matching.match(match_id))
    me, _partner = sides(match, await my_participant_ids(visit))
    participant_id = UUID(str(me["participant_id"]))
    enhanced = bool(visit.request.headers.get("hx-request"))
    try:
        answered = await visit.matching.accept(match_id, participant_id)
    except ApiProblem as problem:
        form = Form()
        if problem.status == 409:
            form.error(f"proposal-{match_id}", _("This proposal is no longer open: it was answered, or it lapsed."))
        else:
            refused(form, problem, general=f"proposal-{match_id}")
        return await hub(visit, participant_id, form, status=200 if enhanced else 409)  # htmx swaps only a 200
    if answered.get("status") == "accepted":
        flash(visit, _("You accepted, and so did your partner: you are now a pair."))
    else:
        flash(visit, _("You accepted. When your partner accepts too, you are a pair."))
    return see_other(f"/participations/{participant_id}#matches")


@router.get("/matches/{match_id}/decline")
async def decline_form(visit: PersonDep, match_id: UUID) -> Response:
    return await _decline_page(visit, match_id, restore(visit, visit.request.url.path) or Form())


@router.post("/matches/{match_id}/decline")
async def decline(visit: PersonDep, match_id: UUID) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    reason = text_of(values, "reason")
    check_text(form, "reason", reason, 1000, multi_line=True)
    if form.ok:
        match = await read(visit.matching.match(match_id))
        me, _partner = sides(match, await my_participant_ids(visit))
        try:
            await visit.matching.decline(match_id, UUID(str(me["participant_id"])), reason or None)
        except ApiProblem as problem:
            refused(form, problem, general="decline-form", fields={"reason"})
        else:
            flash(visit, _("You declined the proposal. Matching will look for someone else for you."))
            return see_other(f"/participations/{me['participant_id']}#matches")
    return await _decline_page(visit, match_id, form, status=422)


async def _decline_page(visit: Visit, match_id: UUID, form: Form, status: int = 200) -> Response:
    match = await read(visit.matching.match(match_id))
    me, partner = sides(match, await my_participant_ids(visit))
    return page(visit, "participation/decline.html", status=status, form=form, match=match, me=me, partner=partner)
