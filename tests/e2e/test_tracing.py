"""One trace from a join's HTTP request to the mail proposing the match it led to, across three
processes: profile's server span, the ParticipantJoined it emitted (W3C trace context in the
CloudEvents extension, on the outbox row and the Kafka record), matching's consumer span, the
MatchProposed that emitted in turn, notify's consumer span and its SMTP span, each exported over
OTLP to a receiver, each the child of the span before it."""

import secrets
import uuid

import httpx
import pytest

from benchmarks.platform import ensure_program, join, person_token, platform
from mentoring_contracts.topics import MATCHES
from tests.integration.kafka_helpers import eventually, read_to_end
from tests.support.factories import mentor_profile, profile
from tests.support.otlp import OtlpReceiver


@pytest.mark.timeout(300)
async def test_one_trace_spans_a_join_to_the_proposal_mail(endpoints) -> None:
    receiver = OtlpReceiver()
    environment = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.url, "OTEL_BSP_SCHEDULE_DELAY": "300"}
    try:
        async with (
            platform(endpoints, name="tracing", http_port_base=29600, environment=environment) as running,
            httpx.AsyncClient(timeout=30) as http,
        ):
            program, topic = f"traced-{uuid.uuid4().hex[:6]}", f"traced topic {uuid.uuid4().hex[:6]}"
            await ensure_program(http, running, program)
            mentor, account = await join(
                http, running, mentor_profile(program_id=program, topics=[{"topic": topic, "role": "mentor"}])
            )

            async def mentor_known() -> bool:  # else the mentor's join, handled second, would make the proposal
                known = await http.get(
                    f"{running.url('matching')}/participants/{mentor}/matches", headers=person_token("matching", account)
                )
                return known.status_code == 200

            assert await eventually(mentor_known, timeout=60)
            trace_id, caller_span = secrets.token_hex(16), secrets.token_hex(8)  # the caller's own trace
            mentee = profile(program_id=program, topics=[{"topic": topic, "role": "mentee"}])
            response = await http.post(
                f"{running.url('profile')}/participants",
                json=mentee.model_dump(mode="json"),
                headers=person_token("profile", str(uuid.uuid4()), str(mentee.email))
                | {"traceparent": f"00-{trace_id}-{caller_span}-01"},
            )
            assert response.status_code == 201, response.text

            def spans(service: str, name: str) -> list:
                return [s for s in receiver.trace(trace_id) if s.service == f"mesh-{service}" and s.name == name]

            def profile_spans() -> set[str]:
                return {s.span_id for s in receiver.trace(trace_id) if s.service == "mesh-profile"}

            def matching_ids() -> set[str]:  # a retried attempt (RetryLater, a redelivery) is a span of its own
                return {s.span_id for s in spans("matching", "matching process ParticipantJoined")}

            def linked() -> dict[str, bool]:
                return {
                    "profile continued the caller's trace": any(
                        s.parent_span_id == caller_span for s in receiver.trace(trace_id) if s.service == "mesh-profile"
                    ),
                    "matching continued the event's context": any(
                        s.parent_span_id in profile_spans() for s in spans("matching", "matching process ParticipantJoined")
                    ),
                    "notify continued MatchProposed's": any(
                        s.parent_span_id in matching_ids() for s in spans("notify", "notify process MatchProposed")
                    ),
                    "the proposal mail continues it": any(
                        s.parent_span_id in matching_ids() for s in spans("notify", "notify send mail")
                    ),
                    "the welcome mail continues the join's": any(
                        s.parent_span_id in profile_spans() for s in spans("notify", "notify send mail")
                    ),
                }

            async def whole() -> bool:  # each process exports on its own timer: wait for all of them
                return all(linked().values())

            assert await eventually(whole, timeout=90), (
                linked(),
                sorted((s.service, s.name, s.span_id, s.parent_span_id) for s in receiver.trace(trace_id)),
            )
            matched = next(
                s
                for s in spans("matching", "matching process ParticipantJoined")
                if any(t.parent_span_id == s.span_id for t in spans("notify", "notify process MatchProposed"))
            )

            records = [
                r
                for r in await read_to_end(endpoints.kafka_bootstrap, [MATCHES.name])
                if trace_id.encode() in dict(r.headers).get("ce_traceparent", b"")
            ]
            assert records, "the MatchProposed record carries the trace in ce_traceparent"
            async with running.database("matching") as connection:
                stored = await connection.fetchval(
                    "SELECT headers->>'ce_traceparent' FROM mesh_outbox WHERE event_type LIKE '%MatchProposed%' "
                    "AND headers->>'ce_traceparent' LIKE $1",
                    f"00-{trace_id}-%",
                )
            assert stored == f"00-{trace_id}-{matched.span_id}-01"  # the outbox row, as the record
    finally:
        receiver.close()
