"""Notify service: tells participants by email what happened on their journey; records each delivery."""
