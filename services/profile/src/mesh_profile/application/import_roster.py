"""Use case: a coordinator imports a program's roster at the start of a term, a batch of rows at a time.

Rows are upserted by the institution's own id for the person (``external_id``): a new id joins
(ParticipantJoined, once: the id is unique in the program), a known id whose profile changed is
updated (ParticipantProfileUpdated), an unchanged row changes nothing. So sending a batch again,
after a crash or a kill, ends with every row exactly once and every event exactly once. A row that
cannot be taken is rejected with its reasons; the rest of the batch is not held back by it.

An importer changes, adopts and learns of only the participants on campuses they may place people
on: a row naming (by external id or email) someone on another campus is rejected without saying who
that is, so a coordinator of one campus can neither rewrite nor discover another campus's people.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid4

from pydantic import ValidationError

from mentoring_contracts import Event, ParticipantProfile
from mesh_profile.application.admission import full_roles, program_of, roles_of
from mesh_profile.application.ports import ProfileUnitOfWork, StoredParticipant
from mesh_profile.domain.eligibility import violations
from mesh_profile.domain.participant import Participant, ParticipantStatus, changed_fields, join, mentors
from mesh_profile.domain.program import Program
from mesh_profile.domain.questions import as_the_program_spells_it

Outcome = Literal["new", "updated", "unchanged", "rejected"]


@dataclass(frozen=True, slots=True)
class RosterRow:
    line: int  # in the file, for the error report
    external_id: str
    profile: dict[str, Any]  # as the file gave it; program_id and program_setting default to the program's


@dataclass(slots=True)
class RowResult:
    line: int
    external_id: str
    outcome: Outcome
    participant_id: UUID | None = None
    reasons: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # the profile fields an update changed, for the audit trail


async def import_roster(
    uow: ProfileUnitOfWork, program_id: str, rows: Sequence[RosterRow], *, institution: str, may_place: Callable[[str], bool]
) -> list[RowResult]:
    """``may_place(campus)``: whether the importing coordinator may place people on that campus."""
    program = await program_of(uow, program_id)
    program.require_open_for_joins()
    results, valid = _validated(program, rows, may_place)  # before the lock: checking needs no turn
    await uow.lock_roster(program_id)  # two imports of one program take turns, batch by batch
    named = await uow.participants.named_by(
        program_id, [row.external_id for row, _ in valid], [str(profile.email).lower() for _, profile in valid]
    )
    batch = RosterBatch(
        institution,
        uow.clock.now(),
        may_place,
        known={stored.external_id: stored for stored in named if stored.external_id is not None},
        by_email={stored.email_key: stored for stored in named},
        seats=SeatCount(await uow.seats.limited(program_id)),
    )
    results += [batch.place(row, profile) for row, profile in valid]
    await uow.seats.change(program_id, batch.seats.changes)
    await uow.participants.add_many(batch.joined)
    await uow.participants.save_many(batch.changed)
    await uow.emit_many(batch.events)
    return sorted(results, key=lambda result: result.line)


@dataclass(slots=True)
class RosterBatch:
    """The valid rows of one batch, placed one by one in memory against the participants they name
    (``known``: by external id; ``by_email``: by lower-cased email, both locked, as stored) and the
    program's seats; what they make is written once at the end, one statement per kind of row
    (``joined``, ``changed``), its events with the transaction's outbox rows (``events``)."""

    institution: str
    now: datetime
    may_place: Callable[[str], bool]
    known: dict[str, StoredParticipant]
    by_email: dict[str, StoredParticipant]
    seats: "SeatCount"
    joined: list[Participant] = field(default_factory=list)
    changed: list[Participant] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)

    def place(self, row: RosterRow, profile: ParticipantProfile) -> RowResult:
        """A new external id joins; a known one (or, once, someone who joined themself with this email)
        is updated if their profile changed; anyone on a campus the importer may not place people on,
        or who left or was erased, is not touched, and the row is rejected saying why."""
        result = RowResult(row.line, row.external_id, "rejected")
        current = self.known.get(row.external_id)
        owner = self.by_email.get(str(profile.email).lower())
        if current is not None and not self.may_place(current.campus):
            return _rejected(result, f"external id {row.external_id!r} is a participant on a campus you do not coordinate")
        if owner is not None and owner.participant_id != (current.participant_id if current else None):
            visible = self.may_place(owner.campus)
            if current is not None or owner.external_id is not None or not visible:
                return _rejected(
                    result,
                    f"email {profile.email} belongs to another participant"
                    + (f" (external id {owner.external_id})" if visible and owner.external_id else ""),
                )
            current = owner  # joined themself before the roster came: the roster recognises them by email
        if current is None:
            return self._join(result, row, profile)
        result.participant_id = current.participant_id
        if current.status is not ParticipantStatus.ACTIVE:
            return _rejected(
                result, f"participant {current.participant_id} has {current.status.value}; a roster does not bring them back"
            )
        if current.external_id == row.external_id and _same_profile(current, profile):
            result.outcome = "unchanged"
            return result
        return self._update(result, current.participant, row, profile)

    def _join(self, result: RowResult, row: RosterRow, profile: ParticipantProfile) -> RowResult:
        if full := self.seats.take(roles_of(profile)):
            return _rejected(result, *(violation.message for violation in full_roles(full)))
        participant, event = join(
            uuid4(), profile, self.now, institution=self.institution, subject=None, external_id=row.external_id
        )
        self.joined.append(_roster_approved(participant, self.now))
        self.events += [event] if event is not None else []
        result.outcome, result.participant_id = "new", participant.participant_id
        return result

    def _update(self, result: RowResult, current: Participant, row: RosterRow, profile: ParticipantProfile) -> RowResult:
        before, after = set(roles_of(current.profile)), set(roles_of(profile))
        if full := self.seats.take(sorted(after - before)):
            return _rejected(result, *(violation.message for violation in full_roles(full)))
        self.seats.give_back(sorted(before - after))
        updated, event = current.update(profile, self.now)
        self.changed.append(_roster_approved(_with_external_id(updated, row.external_id), self.now))
        if current.profile != profile or current.mentoring_pending:
            self.events += [event] if event is not None else []
        result.outcome = "updated"
        result.changed = changed_fields(current.profile, profile) + (
            ["external_id"] if current.external_id != row.external_id else []
        )
        return result


def _same_profile(stored: StoredParticipant, profile: ParticipantProfile) -> bool:
    """Whether the row's profile is the stored one: at once if it dumps to the stored document (the
    common case, a roster sent again: no stored profile validated), else as profiles (a document from
    before a field was added differs as text, not as a profile)."""
    return stored.document == profile.model_dump(mode="json") or stored.participant.profile == profile


def _rejected(result: RowResult, *reasons: str) -> RowResult:
    result.reasons += reasons
    return result


class SeatCount:
    """A batch's seats counted in memory from the limited roles' rows (locked), written once at the end."""

    def __init__(self, limited: dict[str, tuple[int, int]]) -> None:
        self._free = {role: most - taken for role, (most, taken) in limited.items()}
        self.changes: dict[str, int] = dict.fromkeys(limited, 0)

    def take(self, roles: Sequence[str]) -> list[str]:
        """The limited roles among ``roles`` with no seat left; if none, a seat of each is taken."""
        full = sorted(role for role in roles if role in self._free and self._free[role] < 1)
        if not full:
            for role in roles:
                if role in self._free:
                    self._free[role] -= 1
                    self.changes[role] += 1
        return full

    def give_back(self, roles: Sequence[str]) -> None:
        for role in roles:
            if role in self._free:
                self._free[role] += 1
                self.changes[role] -= 1


def _validated(
    program: Program, rows: Sequence[RosterRow], may_place: Callable[[str], bool]
) -> tuple[list[RowResult], list[tuple[RosterRow, ParticipantProfile]]]:
    """Rows that are valid profiles the program admits, once each; the others rejected with every reason."""
    rejected: list[RowResult] = []
    valid: list[tuple[RosterRow, ParticipantProfile]] = []
    first_line: dict[str, int] = {}
    first_email: dict[str, int] = {}
    for row in rows:
        reasons: list[str] = []
        if row.external_id in first_line:
            reasons.append(f"external id {row.external_id!r} is also on line {first_line[row.external_id]}")
        first_line.setdefault(row.external_id, row.line)
        try:
            profile = as_the_program_spells_it(
                program.definition,
                ParticipantProfile.model_validate(
                    {"program_id": program.program_id, "program_setting": program.definition.setting, **row.profile}
                ),
            )
        except ValidationError as error:
            reasons += [_explained(problem) for problem in error.errors()]
            rejected.append(RowResult(row.line, row.external_id, "rejected", reasons=reasons))
            continue
        email = str(profile.email).lower()
        if email in first_email and not reasons:
            reasons.append(f"email {profile.email} is also on line {first_email[email]}")
        first_email.setdefault(email, row.line)
        if profile.program_id != program.program_id:
            reasons.append(f"the row is for program {profile.program_id!r}, not {program.program_id!r}")
        if not may_place(profile.campus):
            reasons.append(f"campus {profile.campus!r} is not one you coordinate")
        reasons += [f"{violation.rule_id}: {violation.message}" for violation in violations(program.definition, profile)]
        if reasons:
            rejected.append(RowResult(row.line, row.external_id, "rejected", reasons=reasons))
        else:
            valid.append((row, profile))
    return rejected, valid


def _explained(problem: Any) -> str:
    where = ".".join(str(part) for part in problem["loc"]) or "row"
    return f"{where}: {problem['msg']}"


def _with_external_id(participant: Participant, external_id: str) -> Participant:
    return replace(participant, external_id=external_id)


def _roster_approved(participant: Participant, now: datetime) -> Participant:
    """A roster's mentors are the importing coordinator's own choice: approved, as by the approval route."""
    if not mentors(participant.profile) or participant.mentoring_approved_at is not None:
        return participant
    return replace(participant, mentoring_approved_at=now)
