"""The cases every consumer of ``ParticipantErased`` must pass. A subclass names its service and gives
the hooks: the events that put a person (and their partner) into it, what else the person may write
there over HTTP, and which tables may keep an erased person's id (tombstones). The cases then hold
for each: nothing names the person after their erasure, the service confirms it once, a late event
about them leaves nothing, the order of erasure and events does not matter, and a redelivered
erasure changes nothing more."""

import dataclasses
import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import FastAPI

from mentoring_contracts import Event, ParticipantErased
from mesh_runtime.app import ServiceDefinition
from tests.integration.services.cases.holdings import BOOKKEEPING, fingerprint, mentions, rows_naming
from tests.support.events import deliver, deliver_all
from tests.support.services import all_published, running


def _letters(tag: str) -> str:
    return "".join(chr(ord("a") + int(digit, 16)) for digit in tag)


@dataclasses.dataclass(frozen=True)
class Person:
    """Someone whose every trace can be searched for: an id, a name, an address, an account and words
    of their own, each found nowhere else."""

    participant_id: uuid.UUID
    given_name: str
    family_name: str
    email: str
    subject: str
    words: tuple[str, ...]
    program_id: str

    @classmethod
    def new(cls, program_id: str) -> "Person":
        tag = uuid.uuid4().hex[:10]
        given, family = _letters(tag[:5]).capitalize(), _letters(tag[5:]).capitalize()
        words = tuple(f"{kind} {_letters(uuid.uuid4().hex[:8])}" for kind in ("goal", "challenge", "interest", "story"))
        return cls(uuid.uuid4(), given, family, f"{given.lower()}.{tag}@uni.example.edu", f"sub-{tag}", words, program_id)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def needles(self, *written: str) -> list[str]:
        """Whatever of them a service could keep: their words first, their id last."""
        return [self.given_name, self.family_name, self.email, self.subject, *self.words, *written, str(self.participant_id)]


@dataclasses.dataclass(frozen=True)
class Pair:
    person: Person  # the one erased
    partner: Person

    @classmethod
    def new(cls) -> "Pair":
        program = f"program-{uuid.uuid4().hex[:8]}"  # each pair alone in its program: no one else is matched with them
        return cls(Person.new(program), Person.new(program))


async def erase(app: FastAPI, person: Person) -> list[int]:
    """Hands the service the erasure; returns the ids of the outbox rows its handling wrote (its
    confirmation, and what it ended because of it: these may name the person, never quote them)."""
    pool = app.state.components.database.pool
    last = await pool.fetchval("SELECT coalesce(max(id), 0) FROM mesh_outbox")
    await deliver(app, ParticipantErased(participant_id=person.participant_id, erased_at=datetime.now(UTC)))
    return [row["id"] for row in await pool.fetch("SELECT id FROM mesh_outbox WHERE id > $1", last)]


class ErasureConsumerCases:
    """Not collected itself (no ``Test`` prefix): each service's subclass is."""

    definition: ClassVar[ServiceDefinition]
    # Tables that may keep an erased person's id (never their words): the service's tombstone, and
    # rows kept for statistics with everything personal stripped.
    keeps_the_id_in: ClassVar[frozenset[str]] = frozenset()
    # Events the service may still write naming an erased person by id (never quoting them), for an
    # event about them read after their erasure.
    still_names_them_in: ClassVar[frozenset[str]] = frozenset()

    def seeding(self, pair: Pair) -> list[Event]:
        """Events that put the person (and their partner) into the service, as history carried them."""
        raise NotImplementedError

    def late(self, pair: Pair) -> list[Event]:
        """Events naming the person that may arrive after their erasure: by default, their history again."""
        return self.seeding(pair)

    async def written_over_http(self, app: FastAPI, client: httpx.AsyncClient, pair: Pair) -> list[str]:
        """Words the person writes into the service themselves, once seeded; returns them."""
        return []

    async def held_of_partner(self, app: FastAPI, pair: Pair) -> Any:
        """What the service keeps of the partner, comparable across pairs: by default, how many rows
        of each table name them."""
        return await rows_naming(app, str(pair.partner.participant_id))

    @pytest.fixture
    async def service(self, endpoints, database_factory):
        """Consumers and background work off: the cases hand each event in themselves."""
        quiet = dataclasses.replace(self.definition, workers=lambda _: [])
        async with running(quiet, endpoints.kafka_bootstrap, await database_factory(self.definition)) as (app, client):
            yield app, client

    async def seed(self, app: FastAPI, client: httpx.AsyncClient, pair: Pair) -> list[str]:
        await deliver_all(app, self.seeding(pair))
        written = await self.written_over_http(app, client, pair)
        await all_published(app)  # a published event about them is the erasure's to drop; an unpublished one is never lost
        return written

    async def left_of(self, app: FastAPI, person: Person, *written: str, besides: Sequence[int] = ()) -> dict[str, set[str]]:
        """Where anything of ``person`` is still found: their id outside the tombstones and the outbox
        rows their erasure wrote (``besides``); any word of theirs anywhere."""
        left = {}
        besides = [*besides, *await self.outbox_rows(app, self.still_names_them_in)]
        for needle in person.needles(*written):
            if needle == str(person.participant_id):
                found = await mentions(app, needle, besides_outbox_rows=besides)
                found = {place for place in found if place.split(".")[0] not in self.keeps_the_id_in | BOOKKEEPING}
            else:
                found = await mentions(app, needle)
            if found:
                left[needle] = found
        return left

    async def outbox_rows(self, app: FastAPI, event_names: frozenset[str]) -> list[int]:
        rows = await app.state.components.database.pool.fetch(
            "SELECT id FROM mesh_outbox WHERE split_part(event_type, '.', -2) = ANY($1::text[])", list(event_names)
        )
        return [row["id"] for row in rows]

    async def assert_holds_them(self, app: FastAPI, person: Person, *written: str) -> None:
        """Before the erasure: their id and some of their words are in (else the cases prove nothing)."""
        found = {needle for needle in person.needles(*written) if await mentions(app, needle)}
        assert str(person.participant_id) in found and len(found) > 1, f"the seeding put nothing of them in: {found}"

    async def confirmations(self, app: FastAPI, person: Person, among: list[int] | None = None) -> list[dict]:
        """The confirmations of ``person``'s erasure in the outbox (``among``: of those rows only)."""
        rows = await app.state.components.database.pool.fetch(
            "SELECT id, value FROM mesh_outbox WHERE split_part(event_type, '.', -2) = 'ParticipantErasureConfirmed' ORDER BY id"
        )
        confirmed = [json.loads(row["value"]) for row in rows if among is None or row["id"] in among]
        return [c for c in confirmed if c["participant_id"] == str(person.participant_id)]

    async def test_an_erased_person_is_found_nowhere_but_in_tombstones(self, service) -> None:
        app, client = service
        pair = Pair.new()
        written = await self.seed(app, client, pair)
        await self.assert_holds_them(app, pair.person, *written)
        erasure = await erase(app, pair.person)
        assert await self.left_of(app, pair.person, *written, besides=erasure) == {}

    async def test_the_erasure_is_confirmed_once_by_this_service(self, service) -> None:
        app, client = service
        pair = Pair.new()
        await self.seed(app, client, pair)
        erasure = await erase(app, pair.person)
        assert [c["service"] for c in await self.confirmations(app, pair.person, erasure)] == [self.definition.name]
        assert len(await self.confirmations(app, pair.person)) == 1  # and no other in the outbox

    async def test_an_event_about_them_read_after_the_erasure_leaves_nothing(self, service) -> None:
        app, client = service
        pair = Pair.new()
        written = await self.seed(app, client, pair)
        erasure = await erase(app, pair.person)
        await deliver_all(app, self.late(pair))
        assert await self.left_of(app, pair.person, *written, besides=erasure) == {}

    async def test_erasure_before_or_after_the_events_ends_the_same(self, service) -> None:
        app, _ = service
        seeded_first, erased_first = Pair.new(), Pair.new()
        await deliver_all(app, self.seeding(seeded_first))
        await all_published(app)
        erasures = await erase(app, seeded_first.person)
        erasures += await erase(app, erased_first.person)
        await deliver_all(app, self.seeding(erased_first))
        assert await self.left_of(app, seeded_first.person, besides=erasures) == {}
        assert await self.left_of(app, erased_first.person, besides=erasures) == {}
        assert await self.held_of_partner(app, seeded_first) == await self.held_of_partner(app, erased_first)

    async def test_an_erasure_delivered_again_changes_nothing_more(self, service) -> None:
        """Each delivery confirms once (a confirmation is what profile waits for); the second changes
        nothing the service holds."""
        app, client = service
        pair = Pair.new()
        written = await self.seed(app, client, pair)
        erasures = await erase(app, pair.person)
        held = await fingerprint(app, leaving_out=frozenset({"mesh_outbox", *BOOKKEEPING}))
        again = await erase(app, pair.person)
        assert await fingerprint(app, leaving_out=frozenset({"mesh_outbox", *BOOKKEEPING})) == held
        assert await self.left_of(app, pair.person, *written, besides=erasures + again) == {}
        assert [c["service"] for c in await self.confirmations(app, pair.person, again)] == [self.definition.name]
