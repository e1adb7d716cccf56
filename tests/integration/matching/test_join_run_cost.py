"""What a run of joins reads must not grow with the pool: among 100,000 waiting mentees of one program
(and 20,000 people of another institution), under row-level security and as the service's own role,
a run of 200 mentees joining reads about the run and the mentors with room, never the pool, and the
planner's estimate of each tenant-filtered scan stays near what it really reads (the tenant predicate
is written so that it can be estimated: ``institution = setting OR setting = '*'``)."""

import uuid

import pytest

from mesh_matching.adapters.postgres import PostgresMatchingUnitOfWork
from mesh_matching.application.register_candidate import register_candidates
from mesh_matching.domain.candidate import Candidate
from mesh_runtime.db import Cause, Database, create_pool
from tests.integration.matching.test_directory_cost import cohort_profile
from tests.support.bulk_candidates import add_candidates
from tests.support.databases import as_owner, create_database, drop_database
from tests.support.fakes.clock import FixedClock
from tests.support.identity import INSTITUTION
from tests.support.plans import Explained

POOL, OTHERS, MENTORS, RUN = 100_000, 20_000, 40, 200
OTHER_INSTITUTION = "other-university"


@pytest.fixture(scope="module")
async def big_pool(endpoints):
    """100,000 waiting mentees and a few mentors with room in one program; another institution's 20,000
    beside them. Loaded with the triggers off, then the open places filled in as the trigger would."""
    url = await create_database(endpoints.postgres_admin_url, "mesh_matching.migrations")
    await as_owner(url, "ALTER TABLE candidates DISABLE TRIGGER USER")
    pool = await create_pool(url, max_size=2)
    database = Database(pool)
    for institution, rows in ((INSTITUTION, range(1, POOL + 1)), (OTHER_INSTITUTION, range(POOL + 1, POOL + OTHERS + 1))):
        async with database.transaction(institution) as transaction:
            await add_candidates(transaction.connection, "big", [cohort_profile("big", "mentee", "calculus")], rows)
    async with database.transaction(INSTITUTION) as transaction:
        mentors = range(POOL + OTHERS + 1, POOL + OTHERS + MENTORS + 1)
        await add_candidates(transaction.connection, "big", [cohort_profile("big", "mentor", "calculus")], mentors)
    await as_owner(
        url,
        "SELECT set_config('mesh.institution', '*', false)",  # every institution's rows (row-level security binds the owner too)
        "INSERT INTO open_slots (slot, participant_id, institution) "
        "SELECT DISTINCT unnest(slots), participant_id, institution FROM candidates WHERE active AND used < capacity",
        "ALTER TABLE candidates ENABLE TRIGGER USER",
        "VACUUM ANALYZE candidates",
        "VACUUM ANALYZE open_slots",
    )
    try:
        yield database
    finally:
        await pool.close()
        await drop_database(endpoints.postgres_admin_url, url)


class _Undone(Exception):
    """Ends the run's transaction without keeping it: the pool stays as loaded."""


async def test_a_run_of_two_hundred_joins_reads_the_run_and_the_mentors_never_the_pool(big_pool) -> None:
    tenant = Cause(institution=INSTITUTION)
    newcomers = [(Candidate(uuid.uuid4(), cohort_profile("big", "mentee", "calculus")), tenant) for _ in range(RUN)]
    with pytest.raises(_Undone):
        async with big_pool.transaction(INSTITUTION) as transaction:
            explained = Explained(transaction.connection, writes=True)
            uow = PostgresMatchingUnitOfWork(transaction, "/test", tenant, clock=FixedClock())
            uow.connection = explained  # type: ignore[assignment]  # every statement also explained
            for store in (uow.candidates, uow.matches, uow.erasures, uow.policies, uow.programs):
                store._connection = explained  # type: ignore[attr-defined]  # the stores' own statements too
            proposed = await register_candidates(uow, newcomers)
            raise _Undone
    assert len(proposed) == MENTORS * 2  # every mentor's two places went to the first mentees
    examined = explained.examined
    assert examined.get("candidates", 0) <= 20 * RUN, examined  # the run's rows and the mentors, never 100,000
    assert examined.get("open_slots", 0) <= 20 * RUN, examined
    misjudged = [
        (relation, estimated, actual, " ".join(query.split())[:160])
        for relation, estimated, actual, query in explained.estimates
        if max(estimated, actual) > 100 and not (estimated <= 10 * actual and actual <= 10 * estimated)
    ]
    assert not misjudged, misjudged
