"""GET /metrics on a running service: requests by route template, the outbox's backlog and age, the pool."""

import uuid

from prometheus_client.parser import text_string_to_metric_families

from mesh_matching.bootstrap import DEFINITION
from tests.support.services import running


def samples(text: str) -> list[tuple[str, dict[str, str], float]]:
    return [(s.name, s.labels, s.value) for family in text_string_to_metric_families(text) for s in family.samples]


async def test_metrics_name_routes_by_template_and_read_the_outbox_and_pool_at_each_scrape(endpoints, database_factory) -> None:
    async with running(
        DEFINITION, endpoints.kafka_bootstrap, await database_factory(DEFINITION), outbox_poll_interval_seconds=3600
    ) as (
        app,
        client,
    ):
        someone = uuid.uuid4()
        assert (await client.get(f"/participants/{someone}/matches")).status_code in (200, 404)
        assert (await client.get("/no/such/route")).status_code == 404
        # an unpublished row two minutes old (written without NOTIFY, so the relay leaves it for now)
        pool = app.state.components.database.pool
        async with pool.acquire() as held:  # one connection in use while scraped
            await held.execute(
                """INSERT INTO mesh_outbox (event_id, event_type, topic, key, headers, value, created_at)
                   VALUES ($1, 'org.mentoringmesh.Probe.v1', 'probe', '', '{}', '', now() - interval '2 minutes')""",
                uuid.uuid4(),
            )
            try:
                scraped = await client.get("/metrics", headers={"Authorization": ""})  # no token: scraped like the probes
            finally:
                await held.execute("DELETE FROM mesh_outbox WHERE topic = 'probe'")
        assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
        found = samples(scraped.text)
        counts = {
            (labels["route"], labels["status"]): value
            for name, labels, value in found
            if name == "mesh_http_request_duration_seconds_count"
        }
        assert (
            counts[("/participants/{participant_id}/matches", "404")] == 1
            or counts.get(("/participants/{participant_id}/matches", "200")) == 1
        )
        assert counts[("<unmatched>", "404")] == 1
        assert not [route for route, _ in counts if str(someone) in route]  # never a raw path: ids do not grow series
        values = {name: value for name, labels, value in found if labels.get("service") == "matching"}
        assert values["mesh_outbox_backlog"] == 1 and values["mesh_outbox_oldest_age_seconds"] >= 120
        assert values["mesh_db_pool_connections"] >= 1 and values["mesh_db_pool_connections_in_use"] >= 1
