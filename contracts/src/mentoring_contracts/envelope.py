"""The CloudEvents 1.0 envelope every event travels in."""

from datetime import UTC, datetime
from typing import Generic, Literal, TypeVar
from uuid import UUID, uuid4

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from mentoring_contracts.events.base import Event

DataT = TypeVar("DataT", bound=Event)


TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"


RESERVED_TENANT = "unassigned"  # mesh_runtime's UNASSIGNED: no token, feed or event may name it


class EventEnvelope(BaseModel, Generic[DataT]):
    """CloudEvents 1.0 context attributes, plus correlation, causation, tenancy and distributed-tracing
    extensions.

    ``correlationid`` is shared by every event of one journey (a request and all it caused);
    ``causationid`` is the id of the event that directly caused this one (none for a command);
    ``institution`` is the tenant the event belongs to: every platform consumer refuses an event
    without it, and a subscriber serving one institution filters on it without parsing the data.
    """

    model_config = ConfigDict(frozen=True)

    id: UUID = Field(description="Unique per event: the idempotency key for every consumer.")
    source: str = Field(examples=["/mentoring-mesh/profile"])
    type: str = Field(examples=["org.mentoringmesh.ParticipantJoined.v1"])
    specversion: Literal["1.0"] = "1.0"
    time: AwareDatetime
    subject: str = Field(description="The aggregate id; also the Kafka record key.")
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str
    correlationid: UUID
    causationid: UUID | None = None
    institution: str | None = Field(
        default=None,
        pattern=r"^[a-z0-9][a-z0-9-]{0,62}$",
        description="The institution (tenant) the event belongs to; never "
        f"{RESERVED_TENANT!r}, the tenant of rows from before identity.",
    )
    traceparent: str | None = Field(
        default=None,
        pattern=TRACEPARENT_PATTERN,
        description=("CloudEvents distributed-tracing extension: the W3C trace context of the span that emitted it."),
    )
    tracestate: str | None = Field(default=None, max_length=512, description="W3C tracestate, with traceparent.")
    data: DataT

    @field_validator("institution")
    @classmethod
    def _not_the_reserved_tenant(cls, value: str | None) -> str | None:
        if value == RESERVED_TENANT:
            raise ValueError(f"{RESERVED_TENANT!r} is reserved for rows from before identity; no event belongs to it")
        return value


def new_envelope(
    data: DataT,
    *,
    source: str,
    correlation_id: UUID | None = None,
    causation_id: UUID | None = None,
    occurred_at: datetime | None = None,
    institution: str | None = None,
    traceparent: str | None = None,
    tracestate: str | None = None,
) -> EventEnvelope[DataT]:
    """Wrap an event for publishing; a new journey starts a new correlation id."""
    event_id = uuid4()
    # Parametrised with the event's own class, so pydantic validates and serialises all its fields.
    return EventEnvelope[type(data)](  # type: ignore[misc,operator]  # a class known at run time only
        id=event_id,
        source=source,
        type=data.event_type(),
        time=occurred_at or datetime.now(UTC),
        subject=data.aggregate_id(),
        dataschema=data.data_schema(),
        correlationid=correlation_id or event_id,
        causationid=causation_id,
        institution=institution,
        traceparent=traceparent,
        tracestate=tracestate if traceparent else None,
        data=data,
    )
