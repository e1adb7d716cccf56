"""Consumer lag read at each scrape: per partition held, partitions given up drop out, and a broker
that cannot be read leaves every gauge at its last reading (so a lag alert does not resolve because
the broker went away)."""

from dataclasses import dataclass, field

import pytest
from aiokafka import TopicPartition
from aiokafka.errors import KafkaConnectionError

from mesh_runtime.metrics import ServiceMetrics, record_consumer_lag


@dataclass
class Consumer:
    """The three calls of aiokafka's consumer the reading makes, over offsets the test sets."""

    ends: dict[TopicPartition, int]
    commits: dict[TopicPartition, int] = field(default_factory=dict)
    broker_down: bool = False

    def assignment(self) -> set[TopicPartition]:
        return set(self.ends)

    async def end_offsets(self, partitions: list[TopicPartition]) -> dict[TopicPartition, int]:
        if self.broker_down:
            raise KafkaConnectionError("broker unreachable")
        return {tp: self.ends[tp] for tp in partitions}

    async def committed(self, partition: TopicPartition) -> int | None:
        return self.commits.get(partition)


@dataclass
class Subscriber:
    consumer: Consumer | None


def lag(metrics: ServiceMetrics) -> dict[tuple[str, str], float]:
    return {
        (s.labels["topic"], s.labels["partition"]): s.value
        for family in metrics.registry.collect()
        if family.name == "mesh_consumer_lag_records"
        for s in family.samples
    }


async def test_lag_per_partition_held_and_kept_while_the_broker_cannot_be_read() -> None:
    metrics = ServiceMetrics("matching")
    first, second = TopicPartition("mentoring.participants.v1", 0), TopicPartition("mentoring.participants.v1", 1)
    consumer = Consumer(ends={first: 120, second: 30}, commits={first: 100})
    await record_consumer_lag(metrics, [Subscriber(consumer), Subscriber(None)])  # one not started yet: skipped
    assert lag(metrics) == {("mentoring.participants.v1", "0"): 20, ("mentoring.participants.v1", "1"): 30}

    consumer.broker_down = True
    with pytest.raises(KafkaConnectionError):
        await record_consumer_lag(metrics, [Subscriber(consumer)])
    assert lag(metrics) == {("mentoring.participants.v1", "0"): 20, ("mentoring.participants.v1", "1"): 30}

    consumer.broker_down, consumer.ends = False, {second: 45}  # partition 0 went to another replica
    consumer.commits[second] = 45
    await record_consumer_lag(metrics, [Subscriber(consumer)])
    assert lag(metrics) == {("mentoring.participants.v1", "1"): 0}
