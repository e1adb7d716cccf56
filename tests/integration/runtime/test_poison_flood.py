"""A thousand bad records mixed into real traffic on real Kafka: every one lands in the dead-letter topic
with why, every good one around them is applied, and after the fix the handler's failures are replayed
with mesh-deadletters, applied once however often they are replayed."""

import asyncio
import itertools
import json

from mesh_runtime.deadletters import main as deadletters_cli
from mesh_runtime.deadletters import read_dead_letters, replay, select
from tests.integration.kafka_helpers import create_topic, eventually, produce
from tests.integration.runtime.test_consumer import Harness, _equals, joined_record


def poison_records(count: int) -> list:
    key, headers, value = joined_record()
    unknown = [(k, b"org.mentoringmesh.Nonsense.v1" if k == "ce_type" else v) for k, v in headers]
    future = [(k, b"org.mentoringmesh.ParticipantJoined.v9" if k == "ce_type" else v) for k, v in headers]
    invalid = json.dumps(json.loads(value) | {"participant_id": "not-a-uuid"}).encode()
    kinds = itertools.cycle(
        [
            (b"p", headers, b"{not json"),
            (b"p", unknown, value),
            (b"p", future, value),
            (b"p", headers, invalid),
            (b"p", [], b"no headers at all"),
        ]
    )
    return [next(kinds) for _ in range(count)]


async def test_a_poison_flood_is_dead_lettered_whole_the_good_applied_and_the_fixed_replayed_once(
    endpoints, database, capsys
) -> None:
    topic = await create_topic(endpoints.kafka_bootstrap)
    poison, good, buggy = (
        poison_records(1000),
        [joined_record() for _ in range(200)],
        [joined_record(campus="Bug") for _ in range(5)],
    )
    mixed = []
    for index, record in enumerate(poison):  # real traffic around every bad record
        mixed.append(record)
        if index % 5 == 0:
            mixed.append(good[index // 5])
        if index % 200 == 0:
            mixed.append(buggy[index // 200])
    await produce(endpoints.kafka_bootstrap, topic, mixed)
    async with Harness(endpoints.kafka_bootstrap, database, topic) as harness:
        assert await eventually(lambda: _equals(harness.committed(), len(mixed)), timeout=120)
        assert await harness.effects() == 200
        letters = await read_dead_letters(endpoints.kafka_bootstrap, harness.group)
        assert len(letters) == 1005
        assert all(
            {"error_class", "error_message", "original_topic", "original_offset"} <= letter.why.keys() for letter in letters
        )
        reasons = {
            reason: sum(1 for letter in letters if letter.why["error_class"] == reason)
            for reason in {letter.why["error_class"] for letter in letters}
        }
        assert reasons == {"MalformedEvent": 600, "UnknownEventType": 400, "ValueError": 5}
        assert harness.sample("mesh_dead_letters_total", reason="ValueError") == 5

        harness.bug_fixed = True  # the fix is released; its dead letters are replayed, twice by mistake
        failed = select(letters, "ValueError", None)
        assert (
            await asyncio.to_thread(
                deadletters_cli,
                [  # the operator's view, through the command
                    "list",
                    "--group",
                    harness.group,
                    "--bootstrap",
                    endpoints.kafka_bootstrap,
                    "--error-class",
                    "ValueError",
                ],
            )
            == 0
        )
        listed = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith('{"')]
        assert sorted(entry["offset"] for entry in listed) == sorted(letter.offset for letter in failed)
        assert all(entry["error_class"] == "ValueError" and entry["original_topic"] == topic for entry in listed)
        assert await replay(endpoints.kafka_bootstrap, failed) == 5
        assert await replay(endpoints.kafka_bootstrap, failed) == 5
        assert await eventually(lambda: _equals(harness.committed(), len(mixed) + 10), timeout=60)
        assert await harness.effects() == 205  # each applied once
        assert len(await read_dead_letters(endpoints.kafka_bootstrap, harness.group)) == 1005  # nothing new failed
