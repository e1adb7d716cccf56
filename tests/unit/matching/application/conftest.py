"""Matching's use cases on the in-memory unit of work, with a clock that stands still."""

import pytest

from tests.support.fakes.matching import FakeMatchingUnitOfWork


@pytest.fixture
def uow() -> FakeMatchingUnitOfWork:
    return FakeMatchingUnitOfWork()
