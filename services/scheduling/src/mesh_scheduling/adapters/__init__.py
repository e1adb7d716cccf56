"""Adapters of the scheduling service: PostgreSQL, HTTP and Kafka event handlers."""
