"""Profile's own PostgreSQL database: its unit of work and one store per aggregate."""

from mesh_profile.adapters.postgres.unit_of_work import PostgresProfileUnitOfWork

__all__ = ["PostgresProfileUnitOfWork"]
