"""A participant's notification preferences: per kind, on or off, and quiet hours in their own time zone."""

from datetime import time
from typing import Literal, Self
from uuid import UUID

from fastapi import APIRouter
from pydantic import BaseModel, Field, StrictBool, model_validator

from mesh_notify.adapters.access import recipient_tenancy
from mesh_notify.adapters.http.dependencies import Uow
from mesh_notify.application.change_preferences import change_preferences
from mesh_notify.domain.preferences import KINDS, Preference, QuietHours
from mesh_runtime.dependencies import PrincipalDep, authorize, error_responses

router: APIRouter = APIRouter(tags=["notification preferences"])
Kind = Literal["matches", "agreements", "sessions", "reminders", "nudges"]


class QuietHoursView(BaseModel):
    start: time = Field(description="Local time quiet begins, in the participant's time zone.", examples=["22:00"])
    end: time = Field(description="Local time it ends (the next day when not after start).", examples=["07:00"])

    @model_validator(mode="after")
    def _differ(self) -> Self:
        if self.start == self.end:
            raise ValueError("quiet hours need a start and an end that differ")
        if self.start.tzinfo or self.end.tzinfo:
            raise ValueError("quiet hours are local times without an offset: the participant's time zone applies")
        return self


class PreferenceView(BaseModel):
    kind: Kind = Field(
        description="matches (proposals and their answers), agreements, sessions (scheduled, moved, "
        "cancelled, recorded, missed), reminders (before each session), nudges (a pair "
        "gone quiet). The welcome is always sent."
    )
    enabled: StrictBool = True
    quiet_hours: QuietHoursView | None = None


class PreferencesBody(BaseModel):
    participant_id: UUID
    time_zone: str | None = Field(description="Quiet hours are read in this zone (the participant's profile).")
    preferences: list[PreferenceView] = Field(description="One per kind, each kind once.")


class PreferencesChange(BaseModel):
    preferences: list[PreferenceView] = Field(
        min_length=1, max_length=len(KINDS), description="The kinds to set; kinds not named stay as they are."
    )

    @model_validator(mode="after")
    def _once_each(self) -> Self:
        kinds = [p.kind for p in self.preferences]
        if len(set(kinds)) != len(kinds):
            raise ValueError("name each kind once")
        return self


PATH = "/participants/{participant_id}/notification-preferences"


@router.get(PATH, summary="What a participant wants to hear (theirs, and their admins')", responses=error_responses(403, 404))
async def get_preferences(participant_id: UUID, uow: Uow, principal: PrincipalDep) -> PreferencesBody:
    tenancy = await recipient_tenancy(uow.connection, participant_id)
    authorize(principal, tenancy, f"participant {participant_id}", coordinators_may=False)
    return await _current(uow, participant_id)


@router.put(PATH, summary="Set what a participant wants to hear (themself only)", responses=error_responses(403, 404, 422))
async def set_preferences(participant_id: UUID, change: PreferencesChange, uow: Uow, principal: PrincipalDep) -> PreferencesBody:
    tenancy = await recipient_tenancy(uow.connection, participant_id)
    authorize(principal, tenancy, f"participant {participant_id}", coordinators_may=False)
    chosen = [
        Preference(
            view.kind, view.enabled, QuietHours(view.quiet_hours.start, view.quiet_hours.end) if view.quiet_hours else None
        )
        for view in change.preferences
    ]
    await change_preferences(uow, participant_id, chosen, principal.subject)
    return await _current(uow, participant_id)


async def _current(uow: Uow, participant_id: UUID) -> PreferencesBody:
    contact = await uow.contacts.get(participant_id)
    stored = await uow.preferences.all_of(participant_id)
    return PreferencesBody(
        participant_id=participant_id,
        time_zone=contact.time_zone if contact else None,
        preferences=[
            PreferenceView(
                kind=p.kind,  # type: ignore[arg-type]  # a stored kind is one of KINDS
                enabled=p.enabled,
                quiet_hours=QuietHoursView(start=p.quiet_hours.start, end=p.quiet_hours.end) if p.quiet_hours else None,
            )
            for p in stored
        ],
    )
