"""Reading a roster file: the documented column mapping, and every malformed row named by its line."""

import json

import pytest

from mesh_roster.reading import RosterFileError, read_roster

HEADER = "external_id,email,display_name,campus,topics,languages,time_zone,availability,year_of_study,custom.course\n"
GOOD = 's1,ada@uni.edu,Ada L.,north,"Calculus II:mentee; Physics:mentor",en;de,Europe/Berlin,"mon 17:00-19:00; wed 9:00-10:30",1,MATH101\n'


def write(tmp_path, text: str | bytes, name: str = "roster.csv"):
    path = tmp_path / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return path


def test_a_row_becomes_the_profile_profile_takes(tmp_path) -> None:
    [row], errors = read_roster(write(tmp_path, HEADER + GOOD))
    assert errors == [] and row.line == 2 and row.external_id == "s1"
    assert row.profile["topics"] == [{"topic": "Calculus II", "role": "mentee"}, {"topic": "Physics", "role": "mentor"}]
    assert row.profile["weekly_availability"] == [
        {"weekday": "mon", "start": "17:00", "end": "19:00"},
        {"weekday": "wed", "start": "09:00", "end": "10:30"},
    ]
    assert row.profile["languages"] == ["en", "de"] and row.profile["meeting_modes"] == ["online"]
    assert row.profile["mentor_capacity"] == 1  # a mentor without a stated capacity takes one mentee
    assert row.profile["year_of_study"] == 1 and row.profile["custom_attributes"] == {"course": "MATH101"}


def test_bad_rows_are_named_by_line_and_the_good_ones_around_them_are_kept(tmp_path) -> None:
    latin1 = "s3,zoe@uni.edu,Zoë,north,Art:mentee,en,Europe/Paris,mon 10:00-11:00,,\n".encode("latin-1")
    text = (
        (HEADER + GOOD).encode()
        + b"s2,ben@uni.edu,Ben,north,Art,en,Europe/Berlin,mon 10:00-11:00,,\n"
        + latin1
        + (
            b"s1,again@uni.edu,Again,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00,,\n"
            b"s5,eve@uni.edu,Eve,north,Art:mentee,en,,mon 10:00-11:00,,\n"
            b"s6,sam@uni.edu,Sam,north,Art:mentee,en,Europe/Berlin,mondays at ten,,\n"
            b"s7,kim@uni.edu,Kim,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00,first,\n"
            b"s8,al@uni.edu,Al,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00\n"
            b"s9,ok@uni.edu,Ok,south,Art:peer,en,America/New_York,fri 08:00-09:00,,\n"
        )
    )
    rows, errors = read_roster(write(tmp_path, text))
    assert [row.external_id for row in rows] == ["s1", "s9"]
    assert {(e.line, e.external_id): e.reason for e in errors} == {
        (3, "s2"): "topic 'Art' has no role: write it as 'Art:mentee' or add a role column",
        (4, ""): "not UTF-8 text in display_name (save the file as UTF-8)",
        (5, "s1"): "external id 's1' is also on line 2",
        (6, "s5"): "time_zone is empty",
        (7, "s6"): "availability 'mondays at ten' is not like 'mon 17:00-19:00'",
        (8, "s7"): "year_of_study 'first' is not a whole number",
        (9, ""): "8 cells where the header has 10 columns",
    }


def test_a_file_without_the_required_columns_or_with_unknown_ones_is_refused_whole(tmp_path) -> None:
    with pytest.raises(RosterFileError, match="lacks the columns time_zone, availability"):
        read_roster(write(tmp_path, "external_id,email,display_name,campus,topics,languages\n"))
    with pytest.raises(RosterFileError, match="unknown columns departmnet"):
        read_roster(write(tmp_path, HEADER.replace("custom.course", "departmnet") + GOOD))
    with pytest.raises(RosterFileError, match="empty"):
        read_roster(write(tmp_path, ""))


def test_json_lines_take_the_same_keys_with_arrays_and_objects(tmp_path) -> None:
    person = {
        "external_id": "j1",
        "email": "jo@uni.edu",
        "display_name": "Jo",
        "campus": "north",
        "topics": [{"topic": "Art", "role": "peer"}],
        "languages": ["en"],
        "time_zone": "Europe/Berlin",
        "availability": [{"weekday": "tue", "start": "10:00", "end": "11:00"}],
        "custom.credits": 12,
    }
    text = (
        "\n".join(
            [
                json.dumps(person),
                "{not json",
                json.dumps([1]),
                json.dumps({"external_id": "j2"}),
                json.dumps(person | {"external_id": "j3", "nickname": "x"}),
            ]
        )
        + "\n"
    )
    rows, errors = read_roster(write(tmp_path, text, "roster.jsonl"))
    assert [row.profile["custom_attributes"] for row in rows] == [{"credits": 12}]
    reasons = {e.line: e.reason for e in errors}
    assert reasons[2].startswith("not JSON") and reasons[3] == "not a JSON object"
    assert reasons[4].startswith("email, display_name, campus") and reasons[5] == "unknown keys nickname"
