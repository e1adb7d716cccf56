"""Cutting a batch into the runs its handlers take whole, without changing the order of anything."""

from collections.abc import Callable, Hashable, Iterable
from itertools import groupby
from typing import TypeVar

T = TypeVar("T")


def runs(items: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """Consecutive items of one key, each run in order and the runs in order: applying the runs one
    after another is applying the items one by one (a backlog of one event type and one tenant, the
    case that matters for speed, is one run)."""
    return [list(run) for _, run in groupby(items, key=key)]
