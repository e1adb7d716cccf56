"""What the participation hub and the pair's pages share: which of a match's two people is the one
signed in, the form as posted, a service's refusal as messages on the form, and the participant's zone.

A match's members carry participant ids, not accounts: the one signed in is the member whose id is
among their own participations (profile's ``GET /me/participations``). Whatever does not belong to
them is "not found", as the services answer it."""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from babel.numbers import format_decimal
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from mesh_web import i18n
from mesh_web.api.base import ApiProblem
from mesh_web.failures import PAGE_FIELD
from mesh_web.i18n import gettext as _
from mesh_web.rendering import Form
from mesh_web.visit import Visit


def not_found() -> HTTPException:
    return HTTPException(404)


async def read(call: Any) -> Any:
    """A read whose 403/404 means "not yours, or no such thing": the not-found page."""
    try:
        return await call
    except ApiProblem as problem:
        if problem.status in (403, 404):
            raise not_found() from problem
        raise


async def my_participant_ids(visit: Visit) -> set[UUID]:
    return {
        UUID(str(item["participant_id"])) for item in await visit.my_participations() if item.get("state") != "waiting_for_you"
    }


def sides(match: dict[str, Any], mine: set[UUID]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(me, partner) among a match's two members; not found if the signed-in person is neither."""
    members = match.get("participants") or []
    for index, member in enumerate(members):
        if UUID(str(member["participant_id"])) in mine and len(members) == 2:
            return member, members[1 - index]
    raise not_found()


def use_zone(visit: Visit, zone_name: str | None) -> None:
    """Times in the participant's own zone: the session's if one was chosen, else their profile's
    (kept with the session from then on)."""
    if not zone_name or visit.session.data.get("zone"):
        return
    visit.session.data["zone"] = zone_name
    visit.session.changed = True
    visit.zone_name = zone_name
    i18n.current_zone.set(i18n.zone(zone_name))


async def posted(visit: Visit) -> dict[str, Any]:
    """The posted fields (a name sent twice, as checkboxes are, becomes a list), without the page field."""
    values: dict[str, Any] = {}
    for key, value in (await visit.request.form()).multi_items():
        if isinstance(value, UploadFile) or key == PAGE_FIELD:
            continue
        if key in values:
            values[key] = [*values[key], value] if isinstance(values[key], list) else [values[key], value]
        else:
            values[key] = value
    return values


def text_of(values: dict[str, Any], name: str) -> str:
    value = values.get(name, "")
    return (value[-1] if isinstance(value, list) else value).replace("\r\n", "\n").replace("\r", "\n").strip()


def list_of(values: dict[str, Any], name: str) -> list[str]:
    value = values.get(name, [])
    return [item for item in (value if isinstance(value, list) else [value]) if item]


def has_controls(text: str, multi_line: bool = False) -> bool:
    allowed = "\n\t" if multi_line else ""
    return any((ord(char) < 32 or 127 <= ord(char) < 160) and char not in allowed for char in text)


def check_text(form: Form, name: str, text: str, limit: int, *, missing: str | None = None, multi_line: bool = False) -> None:
    """``missing``: the message when the text is required and left empty."""
    if missing and not text:
        form.error(name, missing)
    elif len(text) > limit:
        form.error(
            name,
            _(
                "Write at most %(limit)s characters (you wrote %(count)s).",
                limit=format_decimal(limit, locale=i18n.babel_locale()),
                count=format_decimal(len(text), locale=i18n.babel_locale()),
            ),
        )
    elif has_controls(text, multi_line):
        form.error(name, _("Remove the special characters this text holds."))


def local_moment(text: str, zone_name: str) -> datetime | None:
    """A ``datetime-local`` value, read in the participant's zone; None if it is not one."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None or not 2000 <= moment.year < 3000:
        return None
    return moment.replace(tzinfo=i18n.zone(zone_name))


def input_moment(moment: str | datetime | None) -> str:
    """A moment as a ``datetime-local`` input shows it, in the visitor's zone."""
    if not moment:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(i18n.current_zone.get() or i18n.zone(None)).strftime("%Y-%m-%dT%H:%M")


def refused(
    form: Form,
    problem: ApiProblem,
    *,
    general: str,
    fields: set[str] | tuple[str, ...] = (),
    kinds: dict[str, tuple[str, str]] | None = None,
) -> None:
    """A service's refusal as messages: on the field it names (a dotted name such as ``goals.0.description``,
    or the field it belongs to, ``expectations`` for ``expectations.3``), on the field a known refusal
    kind concerns (``kinds``: kind -> (field, message)), else at the top (``general``: the form's id)."""
    if problem.status in (403, 404):
        raise not_found() from problem
    known = (kinds or {}).get(problem.short_kind)
    if known:
        form.error(known[0], known[1])
        return
    for location, message in problem.field_errors().items():
        name = location
        while name and name not in fields:
            name = name.rpartition(".")[0]
        if name:
            form.error(name, _("This was not accepted: %(reason)s", reason=message))
    if form.ok:
        if problem.status == 409:
            form.error(general, _("This cannot be done now: it may have changed meanwhile. Check the page and try again."))
        else:
            form.error(general, _("This was not accepted: %(reason)s", reason=problem.detail))


@dataclass
class Pair:
    """A match as one of its two people sees it."""

    match: dict[str, Any]
    me: dict[str, Any]
    partner: dict[str, Any]

    @property
    def my_id(self) -> UUID:
        return UUID(str(self.me["participant_id"]))

    @property
    def formed(self) -> bool:
        return self.match.get("status") == "accepted"


async def load_pair(visit: Visit, match_id: UUID, *also: Any) -> tuple[Pair, list[Any]]:
    """The match and who is who in it, with whatever else is read at the same time (``also``)."""
    match, mine, *more = await asyncio.gather(
        read(visit.matching.match(match_id)), my_participant_ids(visit), *(read(call) for call in also)
    )
    me, partner = sides(match, mine)
    pair = Pair(match, me, partner)
    if not visit.session.data.get("zone"):
        use_zone(visit, ((await visit.profile.participant(pair.my_id)).get("profile") or {}).get("time_zone"))
    return pair, more
