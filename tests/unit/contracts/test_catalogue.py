"""The catalogue itself: complete, documented, consistent, and its published documents current."""

from typing import Any

from pydantic import BaseModel

from mentoring_contracts import CATALOG, CURRENT_EVENTS, TOPICS
from mesh_runtime.registry import service_definitions
from tools import contracts_docs

FAMILIES = {
    "mentoring.programs.v1": {"ProgramCreated", "ProgramUpdated", "ProgramClosed"},
    "mentoring.participants.v1": {"ParticipantJoined", "ParticipantProfileUpdated", "ParticipantLeft", "ParticipantErased"},
    "mentoring.matches.v1": {
        "MatchProposed",
        "MatchAccepted",
        "MatchDeclined",
        "MatchExpired",
        "MatchEnded",
        "MatchStalled",
        "MatchArranged",
        "MatchNudged",
    },
    "mentoring.agreements.v1": {"AgreementProposed", "AgreementSet"},
    "mentoring.sessions.v1": {"SessionScheduled", "SessionRescheduled", "SessionCancelled", "SessionCompleted", "SessionMissed"},
    "mentoring.notifications.v1": {"NotificationSent", "NotificationFailed"},
    "mentoring.erasure-confirmations.v1": {"ParticipantErasureConfirmed"},
}


def test_every_family_has_its_events_on_its_topic() -> None:
    found: dict[str, set[str]] = {}
    for model in CATALOG:
        found.setdefault(model.topic.name, set()).add(model.name)
    assert found == FAMILIES
    assert {topic.name for topic in TOPICS} == set(FAMILIES)


def test_names_are_past_tense_and_keys_are_fields_of_the_event() -> None:
    for model in CATALOG:
        verb = "".join(c if not c.isupper() else f" {c}" for c in model.name).split()[-1]
        assert verb.endswith("ed") or verb in {"Set", "Left", "Sent"}, model.name
        assert model.aggregate_field in model.model_fields, model.name
        assert model.event_type() == f"org.mentoringmesh.{model.name}.v{model.version}"


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    if model in seen:
        return seen
    seen.add(model)
    for field in model.model_fields.values():
        for candidate in _nested(field.annotation):
            _models(candidate, seen)
    return seen


def _nested(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in getattr(annotation, "__args__", ()) for m in _nested(arg)]


def test_every_field_of_every_event_has_a_description_and_an_example() -> None:
    missing = []
    for event in CATALOG:
        for model in _models(event, set()):
            for name, field in model.model_fields.items():
                nested_model = bool(_nested(field.annotation))
                if not field.description:
                    missing.append(f"{model.__name__}.{name}: description")
                if not field.examples and not nested_model:
                    missing.append(f"{model.__name__}.{name}: example")
    assert missing == []


def test_published_documents_are_current_and_compatible_with_the_last_release() -> None:
    assert contracts_docs.drift() == [], "run `make contracts`"
    assert contracts_docs.incompatibilities() == []


def test_every_topic_is_written_by_the_services_the_contracts_name_and_by_no_other() -> None:
    """Single-writer topics (security review M4): each current event type is published by exactly its
    topic's declared writers, so a type's owners are its topic's writers."""
    for model in CURRENT_EVENTS:
        publishers = {service.name for service in service_definitions() if model in service.publishes}
        assert publishers == set(model.topic.writers), model.name
