"""A mentoring program of one institution: created by its staff, changed, closed; who may join it."""

import enum
from dataclasses import dataclass, replace
from datetime import datetime

from mentoring_contracts import ProgramClosed, ProgramCreated, ProgramDefinition, ProgramUpdated
from mesh_profile.domain.participant import ProfileError


class ProgramStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ProgramClosedForChanges(ProfileError):
    """A closed program takes no joins and no changes; its history stays readable."""


class ProgramIdTaken(ProfileError):
    """Program ids are unique across the platform (every event names a program by its id alone)."""


@dataclass(frozen=True, slots=True)
class Program:
    """``coordinators``: the accounts (token subjects) of the staff who coordinate it; kept here, never on an event."""

    program_id: str
    institution: str
    definition: ProgramDefinition
    coordinators: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    status: ProgramStatus = ProgramStatus.OPEN
    closed_at: datetime | None = None
    closed_reason: str | None = None
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.status is ProgramStatus.OPEN

    def update(
        self, definition: ProgramDefinition, coordinators: tuple[str, ...], now: datetime
    ) -> tuple["Program", ProgramUpdated]:
        """The whole definition is replaced (the event carries all of it); people who joined under the
        old rules stay, the new ones apply to joins and profile changes from now on."""
        self._require_open()
        updated = replace(self, definition=definition, coordinators=coordinators, updated_at=now, version=self.version + 1)
        return updated, ProgramUpdated(program_id=self.program_id, definition=definition, updated_at=now)

    def close(self, reason: str | None, now: datetime) -> tuple["Program", ProgramClosed | None]:
        """Closing a closed program changes nothing and announces nothing (a retried request is safe)."""
        if not self.is_open:
            return self, None
        closed = replace(
            self, status=ProgramStatus.CLOSED, closed_at=now, closed_reason=reason, updated_at=now, version=self.version + 1
        )
        return closed, ProgramClosed(program_id=self.program_id, reason=reason, closed_at=now)

    def _require_open(self) -> None:
        if not self.is_open:
            raise ProgramClosedForChanges(
                f"program {self.program_id!r} closed on {self.closed_at:%Y-%m-%d}; it takes no joins and no changes"
            )

    def require_open_for_joins(self) -> None:
        self._require_open()


def create(
    program_id: str, institution: str, definition: ProgramDefinition, coordinators: tuple[str, ...], now: datetime
) -> tuple[Program, ProgramCreated]:
    program = Program(program_id, institution, definition, coordinators, now, now)
    return program, ProgramCreated(program_id=program_id, definition=definition, created_at=now)
