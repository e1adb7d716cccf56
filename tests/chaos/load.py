"""The chaos load: people who join, are proposed, accept, meet and record it, or erase themselves,
each through the services' APIs with their own token, as a careful client would while the platform
is being broken under them.

The outcome must not depend on timing, so that a run with faults can be held against one without:
pair ``i`` shares a topic with nobody else (a mentor of capacity one and a mentee), so each pair is
proposed to each other and only to each other, whatever the order joins arrive in. Each person's
steps are in the order a person takes them (an erasure only after the welcome mail came), and the
first sessions fall days ahead, so no reminder falls due during a run.
"""

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from benchmarks.platform import Platform, ensure_program, person_token
from mesh_local.steps import eventually
from tests.support.factories import mentor_profile, profile

RETRIED_STATUSES = (500, 502, 503, 504)
PATIENCE = 600.0  # seconds a journey waits for the platform to do its part, faults and all
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class LoadError(RuntimeError):
    """A step the platform never answered as it should, however long it was given."""


@dataclass(frozen=True)
class LoadPlan:
    pairs: int
    erasures: int  # people who join, get their welcome, then erase themselves
    program_id: str = field(default_factory=lambda: f"chaos-{uuid.uuid4().hex[:6]}")
    in_flight: int = 24  # people's journeys under way at once
    seconds: float = 60.0  # the journeys start evenly over this long

    @property
    def people(self) -> int:
        return 2 * self.pairs + self.erasures


@dataclass
class PatientClient:
    """Tries again after a refused connection, a timeout or a 5xx, pausing longer each time, for up to
    ``give_up_after`` seconds: what a well-made client of the platform does. ``seen`` counts what it met."""

    http: httpx.AsyncClient
    give_up_after: float = 600.0
    seen: Counter[str] = field(default_factory=Counter)

    async def send(self, method: str, url: str, headers: dict[str, str], body: Any = None) -> httpx.Response:
        deadline, pause = time.monotonic() + self.give_up_after, 0.2
        while True:
            self.seen["requests"] += 1
            try:
                response = await self.http.request(method, url, headers=headers, json=body)
                if response.status_code not in RETRIED_STATUSES:
                    return response
                self.seen[f"status_{response.status_code}"] += 1
                if response.status_code != 503:  # a server error: which request, and what it said, for the report
                    self.seen[f"{response.status_code} {method} {httpx.URL(url).path}: {response.text[:200]}"] += 1
                if response.status_code == 503 and "Retry-After" not in response.headers:
                    self.seen["503_without_retry_after"] += 1
            except httpx.TransportError as error:
                self.seen[f"transport_{type(error).__name__}"] += 1
            if time.monotonic() > deadline:
                raise LoadError(f"{method} {url} got no answer in {self.give_up_after:.0f}s")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 2.0)


@dataclass
class Person:
    profile: Any
    subject: str = field(default_factory=lambda: str(uuid.uuid4()))
    participant_id: str | None = None

    def token(self, service: str) -> dict[str, str]:
        return person_token(service, self.subject, str(self.profile.email))  # as their institution vouches


class Load:
    """Drives a plan's journeys against a running platform."""

    def __init__(self, platform: Platform, http: httpx.AsyncClient, plan: LoadPlan) -> None:
        self.platform, self.plan, self.client = platform, plan, PatientClient(http)
        self.completed: Counter[str] = Counter()  # journeys finished, by kind
        day = WEEKDAYS[(datetime.now(UTC) + timedelta(days=3)).weekday()]
        self._availability = [{"weekday": day, "start": "10:00", "end": "14:00"}]

    def url(self, service: str, path: str) -> str:
        return f"{self.platform.url(service)}{path}"

    async def run(self) -> None:
        """Every journey, started evenly over the plan's seconds, at most ``in_flight`` at once."""
        await ensure_program(self.client.http, self.platform, self.plan.program_id)
        spread = self.plan.pairs / max(self.plan.erasures, 1)  # the erasures fall evenly among the pairs
        journeys = sorted(
            [(float(index), "pair", index) for index in range(self.plan.pairs)]
            + [((index + 0.5) * spread, "erasure", index) for index in range(self.plan.erasures)]
        )
        gate, pace = asyncio.Semaphore(self.plan.in_flight), self.plan.seconds / max(len(journeys), 1)
        started = time.monotonic()

        async def one(position: int, kind: str, index: int) -> None:
            await asyncio.sleep(max(0.0, started + position * pace - time.monotonic()))
            async with gate:
                await (self.pair(index) if kind == "pair" else self.erasure(index))
                self.completed[kind] += 1

        await asyncio.gather(*(one(position, kind, index) for position, (_, kind, index) in enumerate(journeys)))

    async def pair(self, index: int) -> None:
        topic = f"chaos topic {index}"
        mentor = Person(
            mentor_profile(
                program_id=self.plan.program_id,
                mentor_capacity=1,
                email=_email("mentor", index),
                topics=[{"topic": topic, "role": "mentor"}],
                weekly_availability=self._availability,
            )
        )
        mentee = Person(
            profile(
                program_id=self.plan.program_id,
                email=_email("mentee", index),
                topics=[{"topic": topic, "role": "mentee"}],
                weekly_availability=self._availability,
            )
        )
        for person in (mentor, mentee) if index % 2 else (mentee, mentor):
            await self.join(person)
        match = await eventually(lambda: self._proposal(mentee), f"pair {index}'s proposal", timeout=PATIENCE, interval=0.5)
        for person in (mentor, mentee):
            await self.accept(match, person)
        session = await eventually(
            lambda: self._first_session(match, mentor), f"pair {index}'s first session", timeout=PATIENCE, interval=0.5
        )
        await self.complete(session, mentor)

    async def erasure(self, index: int) -> None:
        person = Person(
            profile(
                program_id=self.plan.program_id,
                email=_email("leaver", index),
                topics=[{"topic": f"chaos alone {index}", "role": "mentee"}],
            )
        )
        await self.join(person)
        await eventually(lambda: self._welcomed(person), f"leaver {index}'s welcome", timeout=PATIENCE, interval=0.5)
        response = await self.client.send(
            "DELETE", self.url("profile", f"/participants/{person.participant_id}"), person.token("profile")
        )
        _expect(response, (202,), f"leaver {index}'s erasure")

    async def join(self, person: Person) -> None:
        response = await self.client.send(
            "POST", self.url("profile", "/participants"), person.token("profile"), person.profile.model_dump(mode="json")
        )
        if response.status_code == 409 and response.json().get("participant_id"):  # an earlier try got through
            self.client.seen["join_answered_already_joined"] += 1
            person.participant_id = response.json()["participant_id"]
            return
        person.participant_id = _expect(response, (201,), "a join").json()["participant_id"]

    async def accept(self, match: dict[str, Any], person: Person) -> None:
        response = await self.client.send(
            "POST",
            self.url("matching", f"/matches/{match['match_id']}/accept"),
            person.token("matching"),
            {"participant_id": person.participant_id},
        )
        _expect(response, (200,), f"accepting match {match['match_id']}")

    async def complete(self, session: dict[str, Any], person: Person) -> None:
        path = f"/sessions/{session['session_id']}"
        response = await self.client.send(
            "POST",
            self.url("scheduling", f"{path}/complete"),
            person.token("scheduling"),
            {"participant_id": person.participant_id, "progress_rating": 4, "notes": "Worked through two past exam questions."},
        )
        if response.status_code == 409:  # an earlier try got through: the session must say so
            again = await self.client.send("GET", self.url("scheduling", path), person.token("scheduling"))
            if _expect(again, (200,), "reading a session").json()["status"] == "completed":
                self.client.seen["complete_answered_already_completed"] += 1
                return
        _expect(response, (200,), f"completing session {session['session_id']}")

    async def _proposal(self, mentee: Person) -> dict[str, Any] | None:
        response = await self.client.send(
            "GET", self.url("matching", f"/participants/{mentee.participant_id}/matches"), mentee.token("matching")
        )
        if response.status_code == 404:  # matching has not heard of the join yet
            return None
        return next(iter(_expect(response, (200,), "listing matches").json()), None)

    async def _first_session(self, match: dict[str, Any], member: Person) -> dict[str, Any] | None:
        response = await self.client.send(
            "GET", self.url("scheduling", f"/matches/{match['match_id']}/sessions"), member.token("scheduling")
        )
        return next(iter(_expect(response, (200,), "listing sessions").json()), None)

    async def _welcomed(self, person: Person) -> bool:
        response = await self.client.send(
            "GET", self.url("notify", f"/notifications?recipient_id={person.participant_id}"), person.token("notify")
        )
        if response.status_code == 404:
            return False
        listed = _expect(response, (200,), "listing notifications").json()
        return any(n["template"] == "welcome" and n["status"] == "sent" for n in listed)


def _email(kind: str, index: int) -> str:
    return f"{kind}.{index}.{uuid.uuid4().hex[:6]}@chaos.example.edu"


def _expect(response: httpx.Response, statuses: tuple[int, ...], what: str) -> httpx.Response:
    if response.status_code not in statuses:
        raise LoadError(f"{what} answered {response.status_code}: {response.text[:300]}")
    return response
