"""Typed clients of the four services' HTTP APIs: each call names its route and typed parameters, so
no path a browser sent ever reaches a service."""
