"""Who a service erased, in memory, as ``mesh_runtime.erasures.PostgresErasures`` keeps them: each
remembered once, when first told."""

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID


class FakeErasures:
    def __init__(self) -> None:
        self.erased: dict[UUID, datetime] = {}

    async def remember(self, participant_id: UUID, at: datetime) -> None:
        self.erased.setdefault(participant_id, at)

    async def erased_among(self, participant_ids: Iterable[UUID]) -> set[UUID]:
        return {participant_id for participant_id in participant_ids if participant_id in self.erased}
