"""Notify's PostgreSQL adapters: one store per module, and the unit of work that holds them."""

from mesh_notify.adapters.postgres.unit_of_work import PostgresNotifyUnitOfWork

__all__ = ["PostgresNotifyUnitOfWork"]
