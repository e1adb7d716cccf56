"""Profile's unit of work: its repositories on one transaction the runtime opened."""

from mesh_profile.adapters.postgres.participants import PostgresParticipants
from mesh_profile.adapters.postgres.programs import PostgresPrograms, PostgresSeats
from mesh_runtime.clock import Clock
from mesh_runtime.db import SYSTEM_CLOCK, Cause, Transaction, UnitOfWork


class PostgresProfileUnitOfWork(UnitOfWork):
    def __init__(self, transaction: Transaction, source: str, cause: Cause, *, clock: Clock = SYSTEM_CLOCK) -> None:
        super().__init__(transaction, source, cause, clock=clock)
        self.participants = PostgresParticipants(self.connection)
        self.programs = PostgresPrograms(self.connection)
        self.seats = PostgresSeats(self.connection)

    async def lock_roster(self, program_id: str) -> None:
        await self.connection.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"roster/{self.institution}/{program_id}"
        )
