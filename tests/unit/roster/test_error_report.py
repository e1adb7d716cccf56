"""L7: the roster error report quotes the file's own ids and text; none of it runs as a formula."""

import csv

from mesh_roster.importer import Progress, write_error_report
from mesh_roster.reading import RowError, read_roster


def test_l7_the_error_report_neutralises_ids_and_reasons_from_the_file_and_from_profile(tmp_path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "external_id,email,display_name,campus,topics,languages,time_zone,availability\n"
        "=1+1,a@example.edu,A,north,Maths:mentee,en,Europe/Berlin,mon 17:00-19:00\n"
        "=1+1,b@example.edu,B,north,Maths:mentee,en,Europe/Berlin,mon 17:00-19:00\n"
    )
    _, file_errors = read_roster(roster)  # the second '=1+1' is a duplicate: an error quoting the id
    progress = Progress("sha", "p", rejected=[[4, "@SUM(A1)", "-campus south is not yours"]])
    report = tmp_path / "errors.csv"
    count = write_error_report(report, [*file_errors, RowError(5, "+cmd|' /C calc'!A0", "\tbad")], progress)
    rows = list(csv.reader(report.open(newline="", encoding="utf-8")))
    assert count == 3 and rows[0] == ["line", "external_id", "reason"]
    assert rows[1:] == [
        ["3", "'=1+1", "external id '=1+1' is also on line 2"],
        ["4", "'@SUM(A1)", "'-campus south is not yours"],
        ["5", "'+cmd|' /C calc'!A0", "'\tbad"],
    ]
