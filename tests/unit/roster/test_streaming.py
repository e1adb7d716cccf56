"""The roster reader streams: records come one at a time from a binary file or an iterable of byte chunks,
exactly as ``read_roster`` reads the whole file, and reading the first rows does not read the rest."""

import io
import itertools
import json

import pytest

from mesh_roster.reading import RosterFileError, Row, RowError, read_records, read_roster

HEADER = "external_id,email,display_name,campus,topics,languages,time_zone,availability,year_of_study,custom.course\n"


def person(index: int, **changes: str) -> str:
    values = {
        "external_id": f"s{index}",
        "email": f"p{index}@uni.edu",
        "display_name": f"Zoë {index}",
        "campus": "north",
        "topics": "Art:mentee",
        "languages": "en",
        "time_zone": "Europe/Berlin",
        "availability": "mon 10:00-11:00",
        "year_of_study": "1",
        "custom.course": "MATH101",
    } | changes
    return ",".join(f'"{value}"' if ";" in value or "," in value else value for value in values.values())


MESSY = (
    HEADER
    + person(1)
    + "\r\n"
    + person(2, topics="Art")
    + "\n"
    + person(3, external_id="s1")
    + "\n"
    + '"s4","multi\nline@uni.edu",Quoted,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00,,\n'
    + "\n"
    + person(5, time_zone="")
    + "\n"
    + "s6,too,few\n"
    + person(7)
    + "\n"
).encode()
MESSY = b"\xef\xbb\xbf" + MESSY + "s8,é@uni.edu,É,north,Art:mentee,en,Europe/Paris,mon 10:00-11:00,,\n".encode("latin-1")


def chunks(data: bytes, size: int):
    return (data[start : start + size] for start in range(0, len(data), size))


def as_lists(records) -> tuple[list[Row], list[RowError]]:
    found = list(records)
    return [r for r in found if isinstance(r, Row)], [r for r in found if isinstance(r, RowError)]


@pytest.mark.parametrize("size", [1, 3, 7, 64, 1 << 20], ids=lambda size: f"chunks-of-{size}")
def test_csv_in_chunks_of_any_size_reads_as_the_whole_file_does(tmp_path, size) -> None:
    """Chunks split a UTF-8 character, the BOM, a CRLF and a quoted newline: the records are the same."""
    path = tmp_path / "messy.csv"
    path.write_bytes(MESSY)
    whole = read_roster(path)
    assert as_lists(read_records(chunks(MESSY, size), "csv")) == whole
    assert [row.external_id for row in whole[0]] == ["s1", "s4", "s7"]
    assert {error.line for error in whole[1]} == {3, 4, 8, 9, 11}


def test_json_lines_from_a_file_object_read_as_the_whole_file_does(tmp_path) -> None:
    record = {
        "external_id": "j1",
        "email": "jo@uni.edu",
        "display_name": "Jo",
        "campus": "north",
        "topics": [{"topic": "Art", "role": "peer"}],
        "languages": ["en"],
        "time_zone": "Europe/Berlin",
        "availability": [{"weekday": "tue", "start": "10:00", "end": "11:00"}],
    }
    text = (
        "\ufeff"
        + "\n".join([json.dumps(record), '{"external_id": ', "", json.dumps([1]), json.dumps(record | {"external_id": "j2"})])
        + "\r\n"
    )
    path = tmp_path / "roster.jsonl"
    path.write_bytes(text.encode())
    with path.open("rb") as file:
        streamed = as_lists(read_records(file, "jsonl"))
    assert streamed == read_roster(path)
    assert [row.line for row in streamed[0]] == [1, 5]
    assert streamed[1][0].reason == "not JSON: Expecting value at column 17"  # the line's end is not part of it


def test_reading_the_first_rows_reads_only_the_start_of_an_endless_file() -> None:
    endless = itertools.chain([HEADER.encode()], ((person(index) + "\n").encode() for index in itertools.count(1)))
    first = list(itertools.islice(read_records(endless, "csv"), 3))
    assert [record.external_id for record in first] == ["s1", "s2", "s3"]


def test_the_callers_file_stays_open_and_says_how_far_it_was_read() -> None:
    data = (HEADER + "".join(person(index) + "\n" for index in range(1, 2001))).encode()
    file = io.BytesIO(data)
    records = read_records(file, "csv")
    next(records)
    assert 0 < file.tell() < len(data)  # read ahead a little, not to the end
    assert sum(1 for _ in records) == 1999
    assert not file.closed and file.tell() == len(data)


def test_a_json_line_longer_than_allowed_is_a_row_error_and_the_next_line_is_read() -> None:
    good = json.dumps(
        {
            "external_id": "j1",
            "email": "jo@uni.edu",
            "display_name": "Jo",
            "campus": "north",
            "topics": "Art:peer",
            "languages": "en",
            "time_zone": "Europe/Berlin",
            "availability": "tue 10:00-11:00",
        }
    )
    data = ('{"external_id": "' + "x" * 5000 + '"}\n' + good + "\n").encode()
    rows, errors = as_lists(read_records(io.BytesIO(data), "jsonl", longest_line=1000))
    assert [(error.line, error.reason) for error in errors] == [(1, "longer than 1,000 bytes")]
    assert [(row.line, row.external_id) for row in rows] == [(2, "j1")]


def test_a_header_the_mapping_cannot_read_is_refused_on_the_first_record_naming_the_columns() -> None:
    records = read_records(iter([b"external_id,email,nickname\n", b"s1,a@uni.edu,x\n"]), "csv")
    with pytest.raises(RosterFileError) as refused:
        next(records)
    assert refused.value.missing == ["display_name", "campus", "topics", "languages", "time_zone", "availability"]
    assert refused.value.unknown == ["nickname"] and refused.value.duplicated == []
    with pytest.raises(RosterFileError, match="unknown format"):
        next(read_records(io.BytesIO(b""), "xlsx"))
