"""Latency through the platform at a steady rate (part of ``make bench-pipeline``): join to the
mentee's first MatchProposed, and the second accept to SessionScheduled, as a subscriber on Kafka
receives them."""

import asyncio
import time

from benchmarks.platform import Platform, Watcher, figure, join, join_all, lagless, percentile, person_token, until
from mentoring_contracts import MatchProposed, ParticipantJoined, SessionScheduled
from tests.support.factories import mentor_profile, profile


async def paced(rate: float, count: int, action) -> None:
    """``action(i)`` started every 1/rate seconds, whatever each one takes."""
    tasks, start = [], time.monotonic()
    for i in range(count):
        await asyncio.sleep(max(0.0, start + i / rate - time.monotonic()))
        tasks.append(asyncio.create_task(action(i)))
    await asyncio.gather(*tasks)


async def latency(running: Platform, http, bootstrap: str, rate: int = 100, seconds: int = 15) -> None:
    """Mentees join at ``rate`` a second into a program whose mentors have room for all of them;
    then half as many pairs a second accept."""
    program = f"bench-latency-{rate}"
    mentors = await join_all(
        http, running, [mentor_profile(program_id=program, mentor_capacity=3) for _ in range(rate * seconds // 3 + 50)]
    )
    subjects = dict(mentors)
    await until(lambda: lagless(bootstrap, "matching"))
    count = rate * seconds
    sent: dict[str, float] = {}
    topics = [ParticipantJoined.topic.name, MatchProposed.topic.name, SessionScheduled.topic.name]
    async with Watcher(bootstrap, topics) as watcher:

        async def mentee(_: int) -> None:
            started = time.monotonic()
            participant_id, subject = await join(http, running, profile(program_id=program))
            sent[participant_id] = started
            subjects[participant_id] = subject

        await paced(rate, count, mentee)
        await until(lambda: _proposed(watcher, sent), timeout=120)
        first = {}
        for arrived, envelope in watcher.arrivals:
            if isinstance(envelope.data, MatchProposed):
                for member in envelope.data.participants:
                    first.setdefault(str(member.participant_id), (arrived, envelope.data))
        waits = [(first[p][0] - t) * 1000 for p, t in sent.items() if p in first]
        published = {str(e.data.participant_id): t for t, e in watcher.arrivals if isinstance(e.data, ParticipantJoined)}
        to_kafka = [(published[p] - t) * 1000 for p, t in sent.items() if p in published]
        figure(
            f"join_to_first_proposal_ms_at_{rate}",
            f"join to first MatchProposed at {rate} joins/s: p50 {percentile(waits, 0.5):.0f} ms, "
            f"p99 {percentile(waits, 0.99):.0f} ms over {len(waits)} joins (target p99 under 250 ms); of which join to "
            f"ParticipantJoined on Kafka p50 {percentile(to_kafka, 0.5):.0f} ms, p99 {percentile(to_kafka, 0.99):.0f} ms",
            rate=rate,
            p50_ms=round(percentile(waits, 0.5), 1),
            p99_ms=round(percentile(waits, 0.99), 1),
            samples=len(waits),
            target_p99_ms=250,
            joined_on_kafka_p50_ms=round(percentile(to_kafka, 0.5), 1),
            joined_on_kafka_p99_ms=round(percentile(to_kafka, 0.99), 1),
        )
        matches = [first[p][1] for p in sent if p in first][: rate // 2 * seconds]
        accepted: dict[str, float] = {}

        async def accept_pair(i: int) -> None:
            match = matches[i]
            for position, member in enumerate(match.participants):
                if position == 1:
                    accepted[str(match.match_id)] = time.monotonic()
                pid = str(member.participant_id)
                response = await http.post(
                    f"{running.url('matching')}/matches/{match.match_id}/accept",
                    json={"participant_id": pid},
                    headers=person_token("matching", subjects[pid]),
                )
                response.raise_for_status()

        await paced(rate // 2, len(matches), accept_pair)
        await until(lambda: _scheduled(watcher, accepted), timeout=120)
        scheduled = {str(e.data.match_id): t for t, e in watcher.arrivals if isinstance(e.data, SessionScheduled)}
        waits = [(scheduled[m] - t) * 1000 for m, t in accepted.items() if m in scheduled]
        figure(
            f"accept_to_session_scheduled_ms_at_{rate // 2}",
            f"second accept to SessionScheduled at {rate // 2} pairs/s: p50 "
            f"{percentile(waits, 0.5):.0f} ms, p99 {percentile(waits, 0.99):.0f} ms over {len(waits)} pairs "
            f"(target p99 under 250 ms)",
            rate=rate // 2,
            p50_ms=round(percentile(waits, 0.5), 1),
            p99_ms=round(percentile(waits, 0.99), 1),
            samples=len(waits),
            target_p99_ms=250,
        )


async def _proposed(watcher: Watcher, sent: dict) -> bool:
    seen = {str(m.participant_id) for _, e in watcher.arrivals if isinstance(e.data, MatchProposed) for m in e.data.participants}
    return all(p in seen for p in sent)


async def _scheduled(watcher: Watcher, accepted: dict) -> bool:
    seen = {str(e.data.match_id) for _, e in watcher.arrivals if isinstance(e.data, SessionScheduled)}
    return all(m in seen for m in accepted)
