"""Adapters of the matching service: PostgreSQL, HTTP and Kafka event handlers."""
