"""L7: program health as CSV: campus labels and end reasons are the institution's text, and none of
it runs as a formula in a coordinator's spreadsheet."""

import csv
import io
from datetime import UTC, datetime

from mesh_matching.adapters.http.health import Figures, Health, health_csv_text


def test_l7_health_csv_neutralises_campus_labels_and_reasons() -> None:
    report = Health(
        program_id="p",
        as_of=datetime(2026, 1, 5, tzinfo=UTC),
        dormant_after_days=21,
        dormant_grace_days=14,
        campuses=[
            Figures(campus='=HYPERLINK("http://evil.example","north")', joined=3, ended_by_reason={"@cmd": 1}),
            Figures(campus="south", joined=2),
        ],
        all_campuses=Figures(campus="*", joined=5, ended_by_reason={"@cmd": 1}),
    )
    rows = list(csv.DictReader(io.StringIO(health_csv_text("p", report))))
    assert [row["campus"] for row in rows] == ['\'=HYPERLINK("http://evil.example","north")', "south", "*"]
    assert [row["joined"] for row in rows] == ["3", "2", "5"]
    assert "ended: @cmd" in rows[0]  # a header cell starting with 'ended: ' is already text
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row.values() if cell)
