"""Scheduling's unit of work: its stores on one transaction, the service's clock, and what it reads
from profile."""

from typing import Self

from mesh_runtime.clock import Clock
from mesh_runtime.components import Components
from mesh_runtime.db import SYSTEM_CLOCK, Cause, Transaction, UnitOfWork
from mesh_runtime.erasures import PostgresErasures
from mesh_scheduling.adapters.peers import ProfileReads
from mesh_scheduling.adapters.postgres.agreements import PostgresAgreements
from mesh_scheduling.adapters.postgres.calendar_feeds import PostgresCalendarFeeds
from mesh_scheduling.adapters.postgres.pairs import PostgresPairs
from mesh_scheduling.adapters.postgres.sessions import PostgresSessions


class PostgresSchedulingUnitOfWork(UnitOfWork):
    def __init__(
        self,
        transaction: Transaction,
        source: str,
        cause: Cause,
        *,
        clock: Clock = SYSTEM_CLOCK,
        profiles: ProfileReads | None = None,
    ) -> None:
        super().__init__(transaction, source, cause, clock=clock)
        self.erasures = PostgresErasures(self.connection)
        self.pairs = PostgresPairs(self.connection)
        self.sessions = PostgresSessions(self.connection)
        self.agreements = PostgresAgreements(self.connection)
        self.calendar_feeds = PostgresCalendarFeeds(self.connection)
        self._profiles = profiles

    @classmethod
    def of(cls, transaction: Transaction, cause: Cause, components: Components) -> Self:
        """As the runtime builds it, with the service's reader of profile (``ServiceDefinition.peers``)."""
        return cls(transaction, components.source, cause, clock=components.clock, profiles=components.peers)

    @property
    def profiles(self) -> ProfileReads:
        """Whose a pair's sessions are, read from profile (only the consumer of MatchAccepted asks)."""
        if self._profiles is None:
            raise RuntimeError("this unit of work was built without the service's peers (build it with `of`)")
        return self._profiles
