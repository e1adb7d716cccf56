"""Drives a peer-mentoring journey through the services' HTTP APIs and reports what flowed."""

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from mentoring_contracts import CATALOG, TOPICS
from mesh_local.after_match import AfterMatch, Cast, after_the_match
from mesh_local.cohort import demo_cohort
from mesh_local.config import SERVICES, LocalConfig
from mesh_local.demo_program import import_roster, program_body
from mesh_local.keycloak import user_token
from mesh_local.realm import ADMIN, COHORT_SIZE, cohort_username, demo_email
from mesh_local.steps import JourneyError, as_, eventually


@dataclass
class JourneyReport:
    joined: int = 0
    roster: str = ""  # what mesh-roster printed
    emails: list[str] = field(default_factory=list)
    proposed: list[dict[str, Any]] = field(default_factory=list)
    accepted: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    completed: dict[str, Any] | None = None
    notifications_sent: int = 0
    after: AfterMatch = field(default_factory=AfterMatch)  # what happened after the first sessions
    events: Counter[str] = field(default_factory=Counter)
    missing: list[str] = field(default_factory=list)  # catalogued event types not on Kafka after the journey
    seconds: float = 0.0


async def run_journey(
    config: LocalConfig, cohort_size: int = 36, pairs_to_accept: int = 4, pause: Callable[[], Awaitable[None]] | None = None
) -> JourneyReport:
    """Northbridge's admin creates a program and imports its roster with ``mesh-roster``; each student
    claims their profile, and every later step is taken by the person it belongs to, with their own
    token from the identity provider. ``pause``: awaited after the sessions are planned and before the
    clock moves (a test stops and restarts a service there)."""
    if cohort_size > COHORT_SIZE:
        raise JourneyError(f"the demo realm has {COHORT_SIZE} students; a cohort of {cohort_size} is too large")
    started = time.monotonic()
    report = JourneyReport()
    run = uuid.uuid4().hex[:6]  # a second `make run` starts a new program instead of colliding with the first
    urls = {name: config.service_url(name) for name in SERVICES}
    async with httpx.AsyncClient(timeout=10) as http:
        program_id = f"first-year-stem-{run}"
        admin = await asyncio.to_thread(user_token, config, ADMIN)
        program = await _create_program(http, urls["profile"], admin, program_id)
        cohort = demo_cohort(cohort_size, program_id=program_id)
        usernames = [cohort_username(index) for index in range(cohort_size)]
        for person, username in zip(cohort, usernames, strict=True):
            person["email"] = demo_email(username)  # the address the institution vouches for
        report.roster = await import_roster(config, admin, program_id, cohort, usernames)
        ids, tokens = [], {}
        for person, username in zip(cohort, usernames, strict=True):
            token = await asyncio.to_thread(user_token, config, username)
            response = await http.post(
                f"{urls['profile']}/participants/claim", json={"program_id": program_id}, headers=as_(token)
            )
            if response.status_code != 200:
                raise JourneyError(f"claiming {username}'s profile failed: {response.status_code} {response.text}")
            ids.append(response.json()["participant_id"])
            tokens[ids[-1]] = token
            report.emails.append(person["email"])
        report.joined = len(ids)

        async def proposals() -> list[dict[str, Any]] | None:
            seen: dict[str, dict[str, Any]] = {}
            for pid in ids:
                listed = await http.get(f"{urls['matching']}/participants/{pid}/matches", headers=as_(tokens[pid]))
                if listed.status_code != 200:  # matching has not learnt of their claim yet
                    return None
                for match in listed.json():
                    seen[match["match_id"]] = match
            return list(seen.values()) if len(seen) >= pairs_to_accept else None

        report.proposed = await eventually(proposals, f"{pairs_to_accept} match proposals")
        while len(again := await proposals() or []) > len(report.proposed):  # let matching catch up with the cohort
            report.proposed = again
            await asyncio.sleep(1.0)
        for match in report.proposed[:pairs_to_accept]:
            for member in match["participants"]:
                response = await http.post(
                    f"{urls['matching']}/matches/{match['match_id']}/accept",
                    json={"participant_id": member["participant_id"]},
                    headers=as_(tokens[member["participant_id"]]),
                )
                if response.status_code != 200:
                    raise JourneyError(f"accept failed: {response.status_code} {response.text}")
            report.accepted.append(response.json())

        for match in report.accepted:
            member = tokens[match["participants"][0]["participant_id"]]

            async def first_session(match_id: str = match["match_id"], token: str = member) -> list[dict[str, Any]]:
                return (await http.get(f"{urls['scheduling']}/matches/{match_id}/sessions", headers=as_(token))).json()

            report.sessions.append((await eventually(first_session, "a scheduled session"))[0])

        session = report.sessions[0]
        reflection = {
            "participant_id": session["participant_ids"][0],
            "progress_rating": 4,
            "notes": "We agreed on goals for the term and worked through two past exam questions.",
        }
        response = await http.post(
            f"{urls['scheduling']}/sessions/{session['session_id']}/complete",
            json=reflection,
            headers=as_(tokens[reflection["participant_id"]]),
        )
        if response.status_code != 200:
            raise JourneyError(f"completing the session failed: {response.status_code} {response.text}")
        report.completed = response.json()

        async def all_told() -> int | None:
            statuses = []
            for pid in session["participant_ids"]:
                listed = await http.get(f"{urls['notify']}/notifications", params={"recipient_id": pid}, headers=as_(tokens[pid]))
                statuses += listed.json()
            templates = {n["template"] for n in statuses if n["status"] == "sent"}
            wanted = {"welcome", "match_proposed", "match_accepted", "session_scheduled", "session_completed"}
            return sum(n["status"] == "sent" for n in statuses) if wanted <= templates else None

        report.notifications_sent = await eventually(all_told, "the pair's five emails each", timeout=60)
        in_pairs = {member["participant_id"] for match in report.accepted for member in match["participants"]}
        unanswered = [m for m in report.proposed[pairs_to_accept:] if not in_pairs & _member_ids(m)]
        proposed_to = {pid for match in unanswered for pid in _member_ids(match)}
        waiting = sorted((pid for pid in ids if pid not in in_pairs), key=lambda pid: pid in proposed_to)
        cast = Cast(urls, admin, tokens, report.accepted, unanswered, waiting)
        report.after = await after_the_match(http, config, cast, program_id, program, pause)
    report.events = await count_events(config)
    report.missing = sorted({model.name for model in CATALOG if not model.retired} - report.events.keys())
    report.seconds = time.monotonic() - started
    return report


def _member_ids(match: dict[str, Any]) -> set[str]:
    return {member["participant_id"] for member in match["participants"]}


async def _create_program(http: httpx.AsyncClient, url: str, admin: str, program_id: str) -> dict[str, Any]:
    body = program_body(program_id)
    response = await http.post(f"{url}/programs", json=body, headers=as_(admin))
    if response.status_code != 201:
        raise JourneyError(f"creating the program failed: {response.status_code} {response.text}")
    return body


async def count_events(config: LocalConfig) -> Counter[str]:
    """Reads every event topic from the beginning, without a consumer group, and counts types."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=config.kafka_bootstrap, group_id=None, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await consumer.start()
    counts: Counter[str] = Counter()
    try:
        partitions = [TopicPartition(topic.name, p) for topic in TOPICS for p in range(topic.partitions)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        end = await consumer.end_offsets(partitions)
        remaining = {tp for tp, offset in end.items() if offset > 0}
        while remaining:
            batch = await consumer.getmany(timeout_ms=1000)
            for records in batch.values():
                for record in records:
                    headers = dict(record.headers)
                    counts[headers.get("ce_type", b"?").decode().rsplit(".", 2)[-2]] += 1
            remaining = {tp for tp in remaining if await consumer.position(tp) < end[tp]}
    finally:
        await consumer.stop()
    return counts
