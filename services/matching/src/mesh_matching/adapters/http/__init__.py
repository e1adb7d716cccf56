"""Matching's HTTP API: one router per resource. Each route declares ``Uow`` (``dependencies``) to be
handed its unit of work; it reads through ``queries``; what a use case refuses is answered by
``refusals.REFUSALS``, once."""

from mesh_matching.adapters.http import (
    attention,
    coordinator_pairs,
    directory,
    health,
    institution_health,
    match_lookup,
    matches,
    policies,
    round_previews,
    rounds,
    selection,
)

ROUTERS = [
    match_lookup.router,  # before matches: POST /matches/lookup is no match's id
    matches.router,
    policies.router,
    rounds.router,
    round_previews.router,
    selection.router,
    health.router,
    attention.router,
    institution_health.router,
    coordinator_pairs.router,
    directory.router,
]
