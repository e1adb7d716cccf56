"""Scheduling's own PostgreSQL database: one store per module, on one unit of work."""

from mesh_scheduling.adapters.postgres.unit_of_work import PostgresSchedulingUnitOfWork

__all__ = ["PostgresSchedulingUnitOfWork"]
