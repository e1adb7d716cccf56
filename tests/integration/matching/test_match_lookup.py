"""``POST /matches/lookup``: many matches in one call, for the platform's services (notify reads the
words a batch of match events' mails quote there, before the batch's transaction). Each shown exactly
as ``GET /matches/{id}`` shows it to a service; across institutions, as a service reads; refused to
people; audited in each institution read, naming which."""

import uuid

from mesh_matching.application.register_candidate import register_candidate
from mesh_matching.domain.candidate import Candidate
from tests.integration.matching.support import in_transaction
from tests.support.factories import mentor_profile, profile
from tests.support.identity import INSTITUTION, as_

ELSEWHERE = "other-college"
NOTIFY = as_("matching", "service", institution=None, campuses=(), azp="mesh-notify")


async def proposed_pair(app, client, institution: str = INSTITUTION) -> tuple[str, str]:
    """A mentor and a mentee matching proposes to each other: (the match's id, the mentee's account)."""
    mentee_account = f"ada-{uuid.uuid4()}"
    people = [
        Candidate(uuid.uuid4(), mentor_profile(mentor_capacity=1), f"ben-{uuid.uuid4()}"),
        Candidate(uuid.uuid4(), profile(), mentee_account),
    ]
    for person in people:
        await in_transaction(app, lambda uow, person=person: register_candidate(uow, person), institution=institution)
    admin = as_("matching", "admin", institution=institution)
    [match] = (await client.get(f"/participants/{people[1].participant_id}/matches", headers=admin)).json()
    return match["match_id"], mentee_account


async def test_a_service_reads_many_matches_in_one_call_as_one_by_one_and_it_is_audited(matching) -> None:
    app, client = matching
    ours = [(await proposed_pair(app, client))[0] for _ in range(2)]
    theirs, _ = await proposed_pair(app, client, ELSEWHERE)
    stranger = str(uuid.uuid4())
    wanted = [*ours, theirs, stranger, ours[0]]  # an id asked twice is answered once
    answer = await client.post("/matches/lookup", json={"match_ids": wanted}, headers=NOTIFY)
    assert answer.status_code == 200, answer.text
    for institution, which in ((INSTITUTION, sorted(ours)), (ELSEWHERE, [theirs])):  # in the trail of each institution read
        trail = (await client.get("/audit", headers=as_("matching", "admin", institution=institution))).json()
        reads = [(e["client_id"], e["resource"], e["details"]["ids"]) for e in trail if e["action"] == "personal_data.read"]
        assert [read for read in reads if read[0] == "mesh-notify"] == [("mesh-notify", "matches", which)]  # one entry a call
    found = {view["match_id"]: view for view in answer.json()["matches"]}
    assert sorted(found) == sorted([*ours, theirs]) and answer.json()["unknown"] == [
        stranger
    ]  # a service serves every institution
    for match_id, view in found.items():
        one = await client.get(f"/matches/{match_id}", headers=NOTIFY)
        assert view == one.json()  # the same reasons (as a participant reads them), names and all
        assert view["reasons"] and all(member["display_name"] for member in view["participants"])


async def test_only_a_service_reads_matches_in_bulk_and_at_most_a_thousand_at_a_time(matching) -> None:
    app, client = matching
    match_id, mentee_account = await proposed_pair(app, client)
    for person in (
        as_("matching", "admin"),
        as_("matching", "coordinator", campuses=("north",)),
        as_("matching", "participant", subject=mentee_account, campuses=("north",)),  # even one of the pair
        as_("matching", "admin", institution=ELSEWHERE),
    ):
        refused = await client.post("/matches/lookup", json={"match_ids": [match_id]}, headers=person)
        assert refused.status_code == 403 and "only a service may read matches in bulk" in refused.json()["detail"], refused.text
    for wrong in ([], [str(uuid.uuid4())] * 1001):
        assert (await client.post("/matches/lookup", json={"match_ids": wrong}, headers=NOTIFY)).status_code == 422
