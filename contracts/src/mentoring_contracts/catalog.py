"""Which event types exist, so a reader can turn a ``ce_type`` into a model."""

from collections.abc import Iterable, Iterator

from mentoring_contracts.errors import UnknownEventType
from mentoring_contracts.events import ALL_EVENTS, Event


class EventCatalog:
    def __init__(self, models: Iterable[type[Event]]) -> None:
        self._by_type: dict[str, type[Event]] = {}
        for model in models:
            if model.event_type() in self._by_type:
                raise ValueError(f"event type {model.event_type()} registered twice")
            self._by_type[model.event_type()] = model

    def model_for(self, event_type: str) -> type[Event]:
        try:
            return self._by_type[event_type]
        except KeyError:
            raise UnknownEventType(f"no event type {event_type!r} in the catalogue") from None

    def __iter__(self) -> Iterator[type[Event]]:
        return iter(self._by_type.values())

    def __contains__(self, event_type: object) -> bool:
        return event_type in self._by_type


CATALOG = EventCatalog(ALL_EVENTS)


def topics_read(models: Iterable[type[Event]]) -> tuple[str, ...]:
    """The topics a consumer of these event types subscribes to: each type's own, where it is applied
    from its topic's writers only, and those it travelled on before (``formerly_on``), where it is refused."""
    return tuple(sorted({topic.name for model in models for topic in (model.topic, *model.formerly_on)}))
