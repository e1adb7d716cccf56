"""Whose events a consumer applies: only those its type's owners published (security review M4)."""

from typing import Any

from mentoring_contracts import TOPICS, EventEnvelope, ParticipantErasureConfirmed, service_source


class NotFromItsOwner(Exception):
    """An event its type's owners did not publish, as far as a consumer can tell: refused, never applied."""


_PLAN_TOPICS = frozenset(topic.name for topic in TOPICS)


def check_owner(topic: str, envelope: EventEnvelope[Any]) -> None:
    """An event is applied only as its type's owners, the writers of its topic, published it: with one
    of them as ``ce_source``, and, read from a topic of the plan, read from its type's own topic.

    The source is only what the producer says; the topic is what the Kafka ACLs vouch for (only its
    writers may write it). Together they refuse a type another service forged, on its own topic or
    on one it may write (an erasure confirmation found on profile's participants topic). Of a topic
    that several services write, one does not speak for another: a service confirms only its own erasure."""
    own = type(envelope.data).topic
    if topic in _PLAN_TOPICS and topic != own.name:
        raise NotFromItsOwner(
            f"{envelope.type} travels on {own.name}, written by {', '.join(own.writers)}; "
            f"read from {topic}, where they do not write it"
        )
    if envelope.source not in own.sources:
        raise NotFromItsOwner(f"{envelope.type} is published by {', '.join(sorted(own.sources))}, not {envelope.source!r}")
    confirmed = envelope.data
    if isinstance(confirmed, ParticipantErasureConfirmed) and envelope.source != service_source(confirmed.service):
        raise NotFromItsOwner(f"an erasure confirmation for {confirmed.service!r} from {envelope.source!r}")
