"""Profile's use cases on the in-memory unit of work, with a clock that stands still."""

import pytest

from tests.support.fakes.profile import FakeProfileUnitOfWork


@pytest.fixture
def uow() -> FakeProfileUnitOfWork:
    return FakeProfileUnitOfWork()
