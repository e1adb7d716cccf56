"""The one place the matching service is wired together."""

from mentoring_contracts import (
    MatchAccepted,
    MatchArranged,
    MatchDeclined,
    MatchEnded,
    MatchExpired,
    MatchNudged,
    MatchProposed,
    MatchStalled,
    ParticipantErasureConfirmed,
)
from mesh_matching.adapters.events import HANDLERS
from mesh_matching.adapters.http import ROUTERS
from mesh_matching.adapters.http.refusals import REFUSALS
from mesh_matching.adapters.peers import Peers, prefetch
from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.adapters.workers import workers
from mesh_matching.settings import MatchingSettings
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="matching",
    title="Mentoring Mesh: matching",
    description="Scores pairs of participants with reasons, proposes matches, takes acceptances and declines, expires lapsed proposals, and ends pairs that lie dormant.",
    migrations_package="mesh_matching.migrations",
    routers=ROUTERS,
    unit_of_work=PostgresMatchingUnitOfWork,
    handlers=HANDLERS,
    refusals=REFUSALS,
    peers=Peers.of,
    prefetch=prefetch,
    publishes=[
        MatchProposed,
        MatchAccepted,
        MatchDeclined,
        MatchExpired,
        MatchEnded,
        MatchStalled,
        MatchArranged,
        MatchNudged,
        ParticipantErasureConfirmed,
    ],
    workers=workers,
    reads_from=["profile"],
    settings_class=MatchingSettings,
)
