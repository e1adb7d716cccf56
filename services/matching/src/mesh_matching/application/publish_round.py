"""Use case: a coordinator publishes a round they previewed: exactly its pairs are proposed (a
MatchProposed each, as a round's), under the policy that was current when it was previewed.

Refused while the preview is not ready, for a candidate policy's preview, and once the program's
pool or policy changed since (the preview is then marked stale: preview again). Publishing again
answers what was published the first time. Two coordinators publishing at once make one set of
proposals: the program's lock, then the preview's row lock, and the second finds it published."""

from collections import Counter
from uuid import UUID

from mesh_matching.application.coordinator_ports import PreviewLedger
from mesh_matching.application.errors import CandidatePolicy, PreviewNotFound, PreviewNotReady, PreviewStale
from mesh_matching.application.places import propose_all
from mesh_matching.application.ports import MatchingUnitOfWork
from mesh_matching.domain.round_preview import PlannedPreview, stale_because
from mesh_matching.domain.scoring import PairScore, reference_week, score_pair


async def publish_preview(
    uow: MatchingUnitOfWork, ledger: PreviewLedger, program_id: str, preview_id: UUID
) -> tuple[list[UUID], bool]:
    """The published matches' ids, and whether they were proposed now (False: published before).
    Raises PreviewNotFound, a PreviewRefused (PreviewStale once marked so: the caller commits that
    before answering), or NotProposing (the program closed, or its participants choose their
    partners only)."""
    now = uow.clock.now()
    await uow.lock_program(program_id)
    preview = await ledger.planned_for_update(program_id, preview_id)
    if preview is None:
        raise PreviewNotFound(f"no round preview {preview_id} in program {program_id!r}")
    if preview.status == "published":
        return preview.published_match_ids, False
    if preview.status == "stale":
        raise PreviewStale("the program's pool or policy changed since this preview; preview again", preview_id=str(preview_id))
    if preview.status != "ready":
        raise PreviewNotReady(
            f"the preview is {preview.status}, not ready: "
            + ("wait until it is" if preview.status == "running" else "preview again"),
            preview_id=str(preview_id),
        )
    if preview.candidate:
        raise CandidatePolicy(
            "this preview was planned under a candidate policy that is not saved: "
            "save the policy (PUT /programs/{id}/policy), then preview again and publish that",
            preview_id=str(preview_id),
        )
    (await uow.programs.standing(program_id)).require_rounds()
    version, _ = await uow.policies.current(program_id)
    reason = stale_because(
        candidate=False,
        version_then=preview.policy_version,
        version_now=version,
        digest_then=preview.digest,
        digest_now=await ledger.pool_digest(program_id),
    )
    proposals = [] if reason else await _scored(uow, ledger, preview)
    if reason is None and proposals is None:
        reason = "a previewed pair was proposed, requested or declined since the preview; preview again"
    if (
        reason is None
        and proposals
        and not await uow.candidates.reserve_round(
            dict(Counter(pid for first, second, _ in proposals for pid in (first.participant_id, second.participant_id)))
        )
    ):
        reason = "a place was taken since the preview; preview again"  # not under the program's lock: never expected
    if reason is not None:
        await ledger.mark_stale(preview_id, reason)
        raise PreviewStale(reason, preview_id=str(preview_id))
    matches = await propose_all(uow, proposals, now) if proposals else []
    match_ids = [match.match_id for match in matches]
    await ledger.mark_published(preview_id, match_ids, now)
    return match_ids, True


async def _scored(uow: MatchingUnitOfWork, ledger: PreviewLedger, preview: PlannedPreview) -> list | None:
    """Each previewed pair scored as a proposal is (reasons and parts), under the preview's policy
    and week; None when one may no longer be proposed (excluded since, or no longer eligible)."""
    people = list({pid for pair in preview.pairs for pid in pair})
    excluded = await uow.matches.excluded_among(people)
    if any(tuple(sorted(pair)) in excluded for pair in preview.pairs):
        return None
    candidates = {c.participant_id: c for c in await ledger.candidates(people)}
    week = reference_week(preview.planned_at)
    proposals = []
    for first, second in preview.pairs:
        pair = score_pair(candidates[first], candidates[second], preview.policy, week)
        if not isinstance(pair, PairScore):
            return None
        proposals.append((candidates[first], candidates[second], pair))
    return proposals
