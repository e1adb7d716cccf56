"""Matching's unit of work: its stores on one transaction, the service's clock, and what it reads of profile."""

from typing import Self
from uuid import UUID

from mesh_matching.adapters.postgres.candidates import PostgresCandidates
from mesh_matching.adapters.postgres.dormant_pairs import PostgresDormantPairs
from mesh_matching.adapters.postgres.matches import PostgresMatches
from mesh_matching.adapters.postgres.policies import PostgresPolicies
from mesh_matching.adapters.postgres.programs import PostgresPrograms
from mesh_matching.adapters.postgres.sessions_seen import PostgresSessionsSeen
from mesh_matching.application.ports import ProfileViews
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.clock import Clock
from mesh_runtime.components import Components
from mesh_runtime.db import SYSTEM_CLOCK, Cause, Transaction, UnitOfWork
from mesh_runtime.erasures import PostgresErasures


class NoProfileReads:
    """The profiles of a unit of work made outside a running service (a test's, a benchmark's): none."""

    async def candidate(self, participant_id: UUID) -> Candidate | None:
        raise RuntimeError("this unit of work reads no profiles: it was not made by the running service")


class PostgresMatchingUnitOfWork(UnitOfWork):
    """``profiles``: the running service's reads of profile (``adapters.peers``); one made on its own
    (a test's, a benchmark's) reads none."""

    def __init__(
        self,
        transaction: Transaction,
        source: str,
        cause: Cause,
        *,
        clock: Clock = SYSTEM_CLOCK,
        profiles: ProfileViews | None = None,
    ) -> None:
        super().__init__(transaction, source, cause, clock=clock)
        self.profiles: ProfileViews = profiles or NoProfileReads()
        self.candidates = PostgresCandidates(self.connection)
        self.matches = PostgresMatches(self.connection)
        self.policies = PostgresPolicies(self.connection)
        self.programs = PostgresPrograms(self.connection)
        self.sessions_seen = PostgresSessionsSeen(self.connection)
        self.dormant_pairs = PostgresDormantPairs(self.connection)
        self.erasures = PostgresErasures(self.connection)

    @classmethod
    def of(cls, transaction: Transaction, cause: Cause, components: Components) -> Self:
        """The runtime's seam: with the service's clock, and the profile reads its consumer prefetched."""
        profiles = components.peers.profiles if components.peers is not None else None
        return cls(transaction, components.source, cause, clock=components.clock, profiles=profiles)

    async def lock_program(self, program_id: str) -> None:
        # One program's places change one transaction at a time, on any replica: a join and a freed
        # place committed side by side would each miss the other (both wait, unproposed).
        await self.connection.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"{self.institution}/{program_id}")
