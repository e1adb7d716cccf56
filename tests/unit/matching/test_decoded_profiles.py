"""L14: a replica's decoded profiles never outlive the row they were read from: a changed or erased
row is never served from memory, its old decode is dropped, and nothing is kept past its age."""

import uuid

from mesh_matching.adapters.kept_in_memory import DecodedProfiles
from mesh_matching.adapters.postgres.candidates import stored_form, stored_profile
from tests.support.factories import profile


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_l14_another_replica_never_serves_a_profile_whose_row_was_erased_and_drops_it() -> None:
    person, before, after = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    other_replica = DecodedProfiles(100, max_age=300, now=Clock())
    other_replica.keep(person, before, stored_profile(stored_form(profile(challenges=["depression"]))))
    # The erasure is handled elsewhere: this replica only ever sees the row's new version.
    assert other_replica.get(person, after) is None
    assert other_replica.get(person, before) is None and len(other_replica) == 0  # gone from memory


def test_l14_a_decoded_profile_leaves_memory_after_its_age_even_if_never_read_again() -> None:
    clock = Clock()
    replica = DecodedProfiles(100, max_age=300, now=clock)
    person, version = uuid.uuid4(), uuid.uuid4()
    replica.keep(person, version, stored_profile(stored_form(profile())))
    clock.now += 299
    assert replica.get(person, version) is not None  # still fresh: served
    clock.now += 2
    assert replica.sweep() == 1 and len(replica) == 0
    assert replica.get(person, version) is None


def test_l14_a_read_does_not_extend_a_profile_past_its_age() -> None:
    clock = Clock()
    replica = DecodedProfiles(100, max_age=10, now=clock)
    people = [uuid.uuid4() for _ in range(3)]
    for person in people:
        replica.keep(person, person, stored_profile(stored_form(profile())))
        clock.now += 4
    assert replica.get(people[0], people[0]) is None  # kept 12 s ago
    assert [replica.get(p, p) is not None for p in people[1:]] == [True, True]


def test_l14_past_its_size_the_oldest_are_forgotten() -> None:
    replica = DecodedProfiles(2, now=Clock())
    people = [uuid.uuid4() for _ in range(3)]
    for person in people:
        replica.keep(person, person, stored_profile(stored_form(profile())))
    assert len(replica) == 2 and replica.get(people[0], people[0]) is None
