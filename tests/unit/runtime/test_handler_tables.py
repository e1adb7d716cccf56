"""A service's handler table: what it consumes is derived from it, retired versions go to the current
version's handler, and each handler is given the service's unit of work, caused by the event."""

from dataclasses import dataclass
from datetime import UTC, datetime
from uuid import uuid4

from mentoring_contracts import (
    MatchAccepted,
    MatchAcceptedV1,
    ParticipantErased,
    ParticipantJoined,
    ParticipantJoinedV1,
    new_envelope,
)
from mesh_runtime.app import ServiceDefinition
from mesh_runtime.clock import Clock
from mesh_runtime.db import UnitOfWork
from mesh_runtime.handlers import bind, with_history


def test_an_event_comes_with_its_retired_versions_whether_or_not_they_subclass_it() -> None:
    assert with_history(MatchAccepted) == [MatchAccepted, MatchAcceptedV1]  # a subclass
    assert with_history(ParticipantJoined) == [ParticipantJoined, ParticipantJoinedV1]  # a sibling
    assert with_history(ParticipantErased) == [ParticipantErased]  # never retired


async def _nothing(uow: object, event: object) -> None:
    return None


def test_a_definition_consumes_what_its_table_handles_and_their_history() -> None:
    definition = ServiceDefinition(
        name="x",
        title="x",
        description="x",
        migrations_package="x",
        routers=[],
        handlers={ParticipantJoined: _nothing, ParticipantErased: _nothing},
    )
    assert set(definition.consumes) == {ParticipantJoined, ParticipantJoinedV1, ParticipantErased}


@dataclass
class _Transaction:
    connection: object = None


@dataclass
class _Components:
    source: str = "/mentoring-mesh/x"
    clock: Clock = Clock()


async def test_each_version_reaches_the_handler_with_a_unit_of_work_caused_by_the_event() -> None:
    seen: list[tuple[UnitOfWork, object]] = []

    async def on_erased(uow: UnitOfWork, event: object) -> None:
        seen.append((uow, event))

    components = _Components()
    bound = bind({ParticipantErased: on_erased}, UnitOfWork, components)  # type: ignore[arg-type]  # a stand-in
    assert set(bound) == {ParticipantErased}
    erased = ParticipantErased(participant_id=uuid4(), erased_at=datetime(2026, 1, 1, tzinfo=UTC))
    envelope = new_envelope(erased, source="/mentoring-mesh/profile", institution="uni-a")
    transaction = _Transaction()
    await bound[ParticipantErased](transaction, envelope)  # type: ignore[arg-type]  # a stand-in transaction
    [(uow, event)] = seen
    assert event is envelope.data
    assert uow.transaction is transaction and uow.clock is components.clock
    assert uow.cause.causation_id == envelope.id and uow.cause.institution == "uni-a"
    assert uow.cause.correlation_id == envelope.correlationid
