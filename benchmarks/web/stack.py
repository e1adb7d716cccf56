"""The benchmark's own platform (state .mesh/bench-web, ports 27xxx) and its data, loaded through the APIs."""

import asyncio
import dataclasses
import json
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

import httpx

from mesh_local.cohort import demo_cohort
from mesh_local.config import REPO_ROOT, SERVICES, LocalConfig
from mesh_local.demo_program import import_roster, program_body
from mesh_local.keycloak import user_token
from mesh_local.realm import ADMIN, cohort_username, demo_email
from mesh_local.stack import LocalStack
from mesh_local.steps import JourneyError, as_, eventually

COOKIE = "__Host-mesh_session"
TARGET_P95_MS = 150.0
TARGET_FIRST_VISIT_KB = 150.0  # KB = 1,000 bytes
COHORT = 36
ALONE = 60  # requests a page one at a time: what a page costs without queueing behind others
WARM_UP = 3  # requests for each in flight before timing, and each of a page's instances once
SERVICE_ENV = {
    # The people here ask a page many times a second each, far beyond any person: the services' per-person
    # budget (300 requests a minute, mesh_runtime.rate_limit) would refuse them and measure the limit instead.
    "MESH_RATE_LIMIT_PER_SUBJECT_PER_MINUTE": "0",
}
UUID_SEGMENT = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
USED_FONTS = ("sourcesanspro-regular-webfont.woff2", "sourcesanspro-bold-webfont.woff2")


def bench_config() -> LocalConfig:
    return LocalConfig(
        state_dir=REPO_ROOT / ".mesh" / "bench-web",
        host="127.0.0.1",
        kafka_port=27092,
        kafka_controller_port=27093,
        postgres_port=27432,
        smtp_port=27525,
        http_port_base=27000,
        keycloak_port=27080,
        keycloak_management_port=27090,
        oidc_issuer_override=None,
        durable=True,
        timed_work_interval_seconds=30.0,
    )  # the services' default interval


# --- the platform -------------------------------------------------------------------------------------


def start_stack(config: LocalConfig) -> tuple[LocalStack, bool]:
    """Starts what is not running; a stack left by ``--keep`` is reused (returns True then)."""
    stack = LocalStack(config)
    states = stack.status()
    running = [name for name, state in states.items() if state.startswith("running")]
    if not running and config.state_dir.exists():
        shutil.rmtree(config.state_dir)  # nothing of ours runs: start from empty state
    stack.start_infrastructure()
    stack.services.start(extra_env=SERVICE_ENV)
    stack.services.wait_ready()
    stack.web.start()
    stack.web.wait_ready(timeout=90)
    return stack, len(running) == len(states)


# --- the data ------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Person:
    username: str
    participant_id: str
    match_id: str | None = None


@dataclasses.dataclass
class Data:
    program_id: str  # the cohort's, with pairs
    open_program_id: str  # open to join
    roster_program_id: str  # a roster waiting for the signed-in people to confirm
    people: list[Person]  # in pairs first
    pairs: int = 0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(dataclasses.asdict(self)))

    @staticmethod
    def load(path: Path) -> "Data | None":
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        return Data(**{**raw, "people": [Person(**person) for person in raw["people"]]})


async def expect(response: httpx.Response, what: str, *codes: int) -> Any:
    if response.status_code not in (codes or (200,)):
        raise JourneyError(f"{what} failed: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


async def load_data(config: LocalConfig, people: int) -> Data:
    run = uuid.uuid4().hex[:6]
    urls = {service: config.service_url(service) for service in SERVICES}
    program_id, open_id, roster_id = f"bench-stem-{run}", f"bench-open-{run}", f"bench-roster-{run}"
    async with httpx.AsyncClient(timeout=30) as http:
        admin = await asyncio.to_thread(user_token, config, ADMIN)
        for pid, name in (
            (program_id, "First-year STEM peer mentoring"),
            (open_id, "Study buddies"),
            (roster_id, "Second-term tutoring"),
        ):
            await expect(
                await http.post(f"{urls['profile']}/programs", json=program_body(pid, name), headers=as_(admin)),
                f"creating {pid}",
                201,
            )
        usernames = [cohort_username(index) for index in range(COHORT)]
        cohort = demo_cohort(COHORT, program_id=program_id)
        for person, username in zip(cohort, usernames, strict=True):
            person["email"] = demo_email(username)
        await import_roster(config, admin, program_id, cohort, usernames)
        tokens: dict[str, str] = {}
        ids: dict[str, str] = {}  # participant id -> username
        for username in usernames:
            tokens[username] = await asyncio.to_thread(user_token, config, username)
            claimed = await expect(
                await http.post(
                    f"{urls['profile']}/participants/claim", json={"program_id": program_id}, headers=as_(tokens[username])
                ),
                f"{username}'s claim",
            )
            ids[claimed["participant_id"]] = username
        print(f"  data: program {program_id}, {COHORT} students claimed their profiles", flush=True)

        async def proposals() -> list[dict[str, Any]] | None:
            seen: dict[str, dict[str, Any]] = {}
            for pid, username in ids.items():
                listed = await http.get(f"{urls['matching']}/participants/{pid}/matches", headers=as_(tokens[username]))
                if listed.status_code != 200:
                    return None
                seen |= {match["match_id"]: match for match in listed.json()}
            return list(seen.values()) if len(seen) >= 4 else None

        proposed = await eventually(proposals, "match proposals", timeout=120)
        while len(again := await proposals() or []) > len(proposed):  # until matching has seen the whole cohort
            proposed = again
            await asyncio.sleep(1.0)
        accepted: list[dict[str, Any]] = []
        for match in proposed:
            if match.get("status") != "proposed":
                continue
            answer = None
            for member in match["participants"]:
                answer = await http.post(
                    f"{urls['matching']}/matches/{match['match_id']}/accept",
                    json={"participant_id": member["participant_id"]},
                    headers=as_(tokens[ids[member["participant_id"]]]),
                )
                if answer.status_code != 200:
                    break
            if answer is not None and answer.status_code == 200:
                accepted.append(answer.json())
        print(f"  data: {len(proposed)} matches proposed, {len(accepted)} accepted by both", flush=True)
        for index, match in enumerate(accepted):
            first, second = (member["participant_id"] for member in match["participants"])
            token = tokens[ids[first]]
            sessions_url = f"{urls['scheduling']}/matches/{match['match_id']}/sessions"

            async def scheduled(url: str = sessions_url, token: str = token) -> list[dict[str, Any]] | None:
                answer = await http.get(url, headers=as_(token))
                return answer.json() if answer.status_code == 200 and answer.json() else None

            sessions = await eventually(scheduled, "a pair's first session", timeout=90)
            if index % 2 == 0:  # half the pairs agree their terms: one proposes, the other confirms
                agreements = f"{urls['scheduling']}/matches/{match['match_id']}/agreements"
                await expect(
                    await http.post(
                        agreements,
                        headers=as_(token),
                        json={
                            "participant_id": first,
                            "goals": [
                                {"description": "pass the Calculus II final"},
                                {"description": "a study plan for the term"},
                            ],
                            "expectations": ["come prepared", "reply within two days"],
                            "cadence": "weekly",
                            "meeting_mode": "online",
                            "session_minutes": 45,
                        },
                    ),
                    "proposing an agreement",
                    201,
                )
                await expect(
                    await http.post(f"{agreements}/1/confirm", json={"participant_id": second}, headers=as_(tokens[ids[second]])),
                    "confirming an agreement",
                )
            if index % 3 == 0:  # some have met once and written a reflection
                await expect(
                    await http.post(
                        f"{urls['scheduling']}/sessions/{sessions[0]['session_id']}/complete",
                        headers=as_(token),
                        json={
                            "participant_id": first,
                            "progress_rating": 4,
                            "notes": "We agreed on goals for the term and worked through two past exam questions.",
                        },
                    ),
                    "completing a session",
                )
        paired = [(member["participant_id"], match["match_id"]) for match in accepted for member in match["participants"]]
        # The signed-in people: the first member of each pair, then second members, then the waiting.
        order = paired[::2] + paired[1::2] + [(pid, None) for pid in ids if pid not in {p for p, _ in paired}]
        chosen: list[Person] = []
        for pid, match_id in order:  # a mentor with room may be in two pairs: once here
            if pid not in {person.participant_id for person in chosen}:
                chosen.append(Person(ids[pid], pid, match_id))
        signed = chosen[:people]
        waiting = [
            dict(person, program_id=roster_id)
            for person, username in zip(cohort, usernames, strict=True)
            if username in {p.username for p in signed}
        ]
        await import_roster(config, admin, roster_id, waiting, [u for u in usernames if u in {p.username for p in signed}])

        async def told() -> bool:
            person = signed[0]
            listed = await http.get(
                f"{urls['notify']}/notifications",
                params={"recipient_id": person.participant_id},
                headers=as_(tokens[person.username]),
            )
            return listed.status_code == 200 and sum(item["status"] == "sent" for item in listed.json()) >= 2

        await eventually(told, "the first signed-in person's mail in their inbox", timeout=90)
    print(
        f"  data: agreements in {(len(accepted) + 1) // 2} pairs, a session completed in {(len(accepted) + 2) // 3}; "
        f"programs {open_id} (open to join) and {roster_id} (a roster of the {len(signed)} signed-in people)",
        flush=True,
    )
    return Data(program_id, open_id, roster_id, chosen, len(accepted))


# --- signing in as a browser does ------------------------------------------------------------------------
