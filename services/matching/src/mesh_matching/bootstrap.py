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
    ParticipantErased,
    ParticipantErasureConfirmed,
    ParticipantJoined,
    ParticipantJoinedV1,
    ParticipantLeft,
    ParticipantLeftV1,
    ParticipantProfileUpdated,
    ParticipantProfileUpdatedV1,
    ProgramClosed,
    ProgramCreated,
    ProgramUpdated,
    SessionCancelled,
    SessionCancelledV1,
    SessionCompleted,
    SessionCompletedV1,
    SessionScheduled,
)
from mesh_matching.adapters.attention_http import router as attention_router
from mesh_matching.adapters.directory_http import router as directory_router
from mesh_matching.adapters.dormancy import dormancy_worker
from mesh_matching.adapters.events import event_handlers, profile_prefetch
from mesh_matching.adapters.expiry import expiry_worker
from mesh_matching.adapters.health_http import router as health_router
from mesh_matching.adapters.http import router
from mesh_matching.adapters.institution_health_http import router as institution_health_router
from mesh_matching.adapters.kept_in_memory import decoded_profiles_sweep, forget_listener
from mesh_matching.adapters.kernels import KernelWarmUp
from mesh_matching.adapters.manual_http import router as manual_router
from mesh_matching.adapters.policy_http import router as policy_router
from mesh_matching.adapters.round_preview_jobs import RoundPreviewJobs
from mesh_matching.adapters.round_previews_http import router as round_previews_router
from mesh_matching.adapters.rounds_http import router as rounds_router
from mesh_matching.adapters.selection_http import router as selection_router
from mesh_matching.adapters.slots import SlotBackfill
from mesh_matching.settings import MatchingSettings
from mesh_runtime.app import ServiceDefinition

DEFINITION = ServiceDefinition(
    name="matching",
    title="Mentoring Mesh: matching",
    description="Scores pairs of participants with reasons, proposes matches, takes acceptances and declines, expires lapsed proposals, and ends pairs that lie dormant.",
    migrations_package="mesh_matching.migrations",
    routers=[
        router,
        policy_router,
        rounds_router,
        round_previews_router,
        selection_router,
        health_router,
        attention_router,
        institution_health_router,
        manual_router,
        directory_router,
    ],
    handlers=event_handlers,
    prefetch=profile_prefetch,
    consumes=[
        ProgramCreated,
        ProgramUpdated,
        ProgramClosed,
        SessionScheduled,
        SessionCompleted,
        SessionCancelled,
        SessionCompletedV1,
        SessionCancelledV1,
        ParticipantJoined,
        ParticipantProfileUpdated,
        ParticipantLeft,
        ParticipantErased,
        ParticipantJoinedV1,
        ParticipantProfileUpdatedV1,
        ParticipantLeftV1,
    ],  # v1: history from before 2.0
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
    workers=lambda components: [
        SlotBackfill(components),
        KernelWarmUp(),
        expiry_worker(components),
        dormancy_worker(components),
        decoded_profiles_sweep(),
        forget_listener(components),
        RoundPreviewJobs(components),
    ],
    reads_from=["profile"],
    settings_class=MatchingSettings,
)
