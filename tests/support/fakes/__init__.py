"""In-memory fakes of each service's unit of work: use cases run on them in milliseconds, without PostgreSQL."""
