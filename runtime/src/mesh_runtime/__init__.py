"""Plumbing shared by every Mentoring Mesh service, written once.

A service supplies its domain, use cases, migrations, HTTP routes and event handlers;
``mesh_runtime.app.build_service`` wires them to PostgreSQL, Kafka and the health endpoints.
"""
