"""CSV this client writes (the error report) is opened in spreadsheets: no cell may run as a formula.

The rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'``, which spreadsheets show as text and never evaluate. Numbers are written as they
are (a negative number is not a formula). Every CSV the client writes goes through ``writer`` here.
A copy of ``mesh_runtime.spreadsheet``: the client may import nothing of the platform but profile's
HTTP API (the import-linter contract in pyproject.toml); ``tests/unit/runtime/test_csv_cells.py``
keeps the two alike and fails on any other ``csv.writer`` in clients/.
"""

import csv
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet may safely read it: formula-like text prefixed with ``'``."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


class SafeWriter:
    """``csv.writer``'s ``writerow``/``writerows``, every cell neutralised."""

    def __init__(self, stream: Any, **options: Any) -> None:
        self._writer = csv.writer(stream, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: Any, **options: Any) -> SafeWriter:
    return SafeWriter(stream, **options)
