"""CSV the services write is opened in spreadsheets: no cell of it may run as a formula (CSV injection).

The rule: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written
with a leading ``'``, which spreadsheets show as text and never evaluate. Numbers are written as they
are (a negative number is not a formula). Every CSV a service writes goes through ``writer`` here;
``tests/unit/runtime/test_csv_cells.py`` fails on any other ``csv.writer`` in services/ or runtime/.
The roster client, which may not import the runtime, has its own copy (``mesh_roster.spreadsheet``).
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
