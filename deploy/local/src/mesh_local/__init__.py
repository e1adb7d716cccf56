"""Mentoring Mesh on one machine, without Docker: real Kafka, real PostgreSQL, a real SMTP server."""
