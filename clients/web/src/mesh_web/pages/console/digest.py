"""A coordinator's daily digest of their campuses (notify's ``/coordinators/me/digest``): ask for it,
choose when it comes, stop it."""

from fastapi import APIRouter
from fastapi.responses import Response

from mesh_web.api.base import ApiProblem
from mesh_web.i18n import gettext as _
from mesh_web.pages import profile_choices
from mesh_web.pages.pairing import not_found, posted, text_of
from mesh_web.rendering import Form, flash, page, see_other
from mesh_web.visit import StaffDep, Visit

router = APIRouter()


@router.get("/console/digest")
async def digest(visit: StaffDep) -> Response:
    current = await _current(visit)
    values = (
        {"hour": str(current["hour"]), "time_zone": current["time_zone"]}
        if current
        else {"hour": "8", "time_zone": visit.zone_name}
    )
    return _page(visit, current, Form(values=values))


@router.post("/console/digest")
async def answer(visit: StaffDep) -> Response:
    values = await posted(visit)
    form = Form(values=values)
    if values.get("_action") == "stop":
        try:
            await visit.notify.stop_digest()
        except ApiProblem as problem:
            if problem.status != 404:
                raise
        flash(visit, _("Your daily digest is stopped."))
        return see_other("/console/digest")
    hour, zone = text_of(values, "hour"), text_of(values, "time_zone")
    if not (hour.isdigit() and 0 <= int(hour) <= 23):
        form.error("hour", _("Choose the hour it comes at."))
    if not profile_choices.known_zone(zone):
        form.error("time_zone", _("Choose your time zone from the list."))
    if form.ok:
        try:
            await visit.notify.ask_digest(int(hour), zone)
        except ApiProblem as problem:
            if problem.status == 403:
                raise not_found() from problem
            form.error("hour", problem.detail)
    if not form.ok:
        return _page(visit, await _current(visit), form, status=422)
    flash(visit, _("Your daily digest is set."))
    return see_other("/console/digest")


async def _current(visit: Visit) -> dict | None:
    try:
        return await visit.notify.my_digest()
    except ApiProblem as problem:
        if problem.status == 403:
            raise not_found() from problem
        raise


def _page(visit: Visit, current: dict | None, form: Form, status: int = 200) -> Response:
    hours = [(str(hour), f"{hour:02d}:00") for hour in range(24)]
    return page(
        visit,
        "console/digest.html",
        status=status,
        form=form,
        current=current,
        hours=hours,
        zones=profile_choices.zone_groups(str(form.value("time_zone"))),
    )
