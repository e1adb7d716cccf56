"""Adapters of the notify service: PostgreSQL, SMTP, HTTP, Kafka event handlers, the delivery worker."""
