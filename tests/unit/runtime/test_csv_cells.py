"""L7: no cell of a CSV the platform writes runs as a formula when opened in a spreadsheet.

The helper (the runtime's, and the roster client's copy), and a guard: no CSV writer in services/,
runtime/ or clients/ bypasses it."""

import csv
import inspect
import io
import re
from pathlib import Path

import pytest

from mesh_roster import spreadsheet as roster_spreadsheet
from mesh_runtime import spreadsheet

ROOT = Path(__file__).resolve().parents[3]
HELPERS = [spreadsheet, roster_spreadsheet]
ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1", "=", "-"]


@pytest.mark.parametrize("helper", HELPERS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("cell", ATTACKS)
def test_l7_a_formula_like_cell_is_prefixed_with_a_quote(helper, cell) -> None:
    assert helper.neutralise(cell) == "'" + cell


@pytest.mark.parametrize("helper", HELPERS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("cell", ["north", "S-123", "a=b", " =1", "'=already", "", "*", 3, -3, 2.5, None])
def test_l7_other_cells_and_numbers_are_written_as_they_are(helper, cell) -> None:
    assert helper.neutralise(cell) == cell


@pytest.mark.parametrize("helper", HELPERS, ids=lambda m: m.__name__)
def test_l7_the_writer_neutralises_every_cell_of_every_row(helper) -> None:
    text = io.StringIO()
    writer = helper.writer(text)
    writer.writerow(["head", "=h"])
    writer.writerows([[1, "@x"], [-1, "ok"]])
    assert list(csv.reader(io.StringIO(text.getvalue()))) == [["head", "'=h"], ["1", "'@x"], ["-1", "ok"]]


def test_l7_the_roster_clients_copy_is_the_runtimes() -> None:
    """The client may not import the runtime (import-linter), so it keeps a copy: the same rule, the same code."""
    assert roster_spreadsheet.FORMULA_STARTS == spreadsheet.FORMULA_STARTS
    for name in ("neutralise", "SafeWriter", "writer"):
        assert inspect.getsource(getattr(roster_spreadsheet, name)) == inspect.getsource(getattr(spreadsheet, name))


def test_l7_no_csv_writer_bypasses_the_formula_safe_one() -> None:
    helpers = {Path(inspect.getfile(module)).resolve() for module in HELPERS}
    writers = re.compile(r"\bcsv\.(writer|DictWriter)\b|from csv import[^\n]*\b(writer|DictWriter)\b")
    bypassing = [
        str(path.relative_to(ROOT))
        for folder in ("services", "runtime", "clients")
        for path in (ROOT / folder).rglob("*.py")
        if path.resolve() not in helpers and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert bypassing == []
