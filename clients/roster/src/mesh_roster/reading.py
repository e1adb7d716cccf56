"""Reads a roster file (CSV or JSON Lines) into rows for profile's bulk endpoint, or row errors.

The column mapping (docs/programs.md): one row per person, lists separated by ``;``.

  external_id*   the institution's id for the person (student or staff number); unique in the file
  email*, display_name*, campus*, time_zone* (IANA, e.g. Europe/Berlin)
  topics*        ``Calculus II:mentee; Physics:mentor``, or topics alone with a ``role`` column for all
  languages*     BCP 47 tags: ``en; de``
  availability*  ``mon 17:00-19:00; wed 18:00-20:00`` in the person's time zone
  role, meeting_modes (default online), cadence (default weekly), mentor_capacity (default 1 for mentors),
  affiliation, year_of_study, department, experiences, goals, challenges, interests, custom.<name>

In JSON Lines the keys are the same; lists may be arrays, availability a list of
``{"weekday", "start", "end"}`` and topics a list of ``{"topic", "role"}``.
"""

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

REQUIRED = ("external_id", "email", "display_name", "campus", "topics", "languages", "time_zone", "availability")
OPTIONAL = (
    "role",
    "meeting_modes",
    "cadence",
    "mentor_capacity",
    "affiliation",
    "year_of_study",
    "department",
    "experiences",
    "goals",
    "challenges",
    "interests",
)
LISTS = ("languages", "meeting_modes", "experiences", "goals", "challenges", "interests")
CUSTOM = re.compile(r"^custom\.[a-z0-9][a-z0-9_-]{0,62}$")
SLOT = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})$", re.IGNORECASE)


class RosterFileError(Exception):
    """The file as a whole cannot be read (its columns, its format): nothing is sent. The columns it
    names, for a caller that words the refusal itself (the web app, in the reader's language)."""

    def __init__(
        self, message: str, *, missing: Sequence[str] = (), unknown: Sequence[str] = (), duplicated: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.missing, self.unknown, self.duplicated = list(missing), list(unknown), list(duplicated)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    external_id: str
    profile: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "external_id": self.external_id, "profile": self.profile}


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    external_id: str
    reason: str


def read_roster(path: Path, file_format: str | None = None) -> tuple[list[Row], list[RowError]]:
    """Every row of the file, or why it cannot be sent; an external id seen before is an error at each later line."""
    rows: list[Row] = []
    errors: list[RowError] = []
    with path.open("rb") as file:
        for record in read_records(file, format_of(path.name, file_format)):
            if isinstance(record, Row):
                rows.append(record)
            else:
                errors.append(record)
    return rows, errors


def format_of(name: str, file_format: str | None = None) -> str:
    """``csv`` or ``jsonl``: as asked, else by the file's extension (``.jsonl``, ``.ndjson``; anything else is CSV)."""
    kind = file_format or ("jsonl" if Path(name).suffix.lower() in (".jsonl", ".ndjson") else "csv")
    if kind not in ("csv", "jsonl"):
        raise RosterFileError(f"unknown format {kind!r}: csv or jsonl")
    return kind


def read_records(
    source: BinaryIO | Iterable[bytes], file_format: str, *, longest_line: int | None = None
) -> Iterator[Row | RowError]:
    """The file's rows and row errors in file order, one record at a time: nothing but the external ids
    seen so far is kept (to name a duplicate's first line). ``source`` is a binary file or an iterable
    of byte chunks (lines, or any split). A header the mapping cannot read raises ``RosterFileError``
    on the first ``next``. ``longest_line`` (JSON Lines): a longer line is a row error, read no further."""
    if file_format not in ("csv", "jsonl"):
        raise RosterFileError(f"unknown format {file_format!r}: csv or jsonl")
    binary = cast(BinaryIO, source) if hasattr(source, "read") else io.BufferedReader(_ChunksFile(iter(source)))
    records = _csv_records(binary) if file_format == "csv" else _jsonl_records(binary, longest_line)
    first: dict[str, int] = {}
    for line, record in records:
        if isinstance(record, str):
            yield RowError(line, "", record)
            continue
        external_id = str(record.get("external_id") or "").strip()
        try:
            if not external_id:
                raise ValueError("external_id is empty")
            if external_id in first:
                raise ValueError(f"external id {external_id!r} is also on line {first[external_id]}")
            first[external_id] = line
            row = Row(line, external_id, _profile(record))
        except ValueError as error:
            yield RowError(line, external_id, str(error))
            continue
        yield row


class _ChunksFile(io.RawIOBase):
    """An iterable of byte chunks read as a file (so CSV can go through a text wrapper like any file)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks, self._left = chunks, memoryview(b"")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._left:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._left = memoryview(chunk).cast("B")
        size = min(len(buffer), len(self._left))
        buffer[:size], self._left = self._left[:size], self._left[size:]
        return size


# A line's number, and why it cannot be sent or the fields it holds.
_Numbered = Iterator[tuple[int, str | dict[str, Any]]]


def _csv_records(binary: BinaryIO) -> _Numbered:
    # Undecodable bytes are kept as surrogates so that only the rows holding them fail, with where.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _csv_lines(csv.reader(text))
    finally:
        if not binary.closed:
            text.detach()  # the caller's file stays open: theirs to close (and to ask how far it was read)


def _csv_lines(reader: Any) -> _Numbered:
    try:
        header = next(reader)
    except StopIteration:
        raise RosterFileError("the file is empty") from None
    columns = [name.strip() for name in header]
    missing = [name for name in REQUIRED if name not in columns]
    unknown = [name for name in columns if name not in REQUIRED + OPTIONAL and not CUSTOM.match(name)]
    if missing or unknown:
        raise RosterFileError(
            "; ".join(
                part
                for part in (
                    f"the file lacks the columns {', '.join(missing)}" if missing else "",
                    f"unknown columns {', '.join(unknown)} (custom attributes are named custom.<name>)" if unknown else "",
                )
                if part
            )
            + " (see docs/programs.md)",
            missing=missing,
            unknown=unknown,
        )
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    if duplicated:
        raise RosterFileError(f"the columns {', '.join(duplicated)} appear more than once", duplicated=duplicated)
    ended = reader.line_num
    for cells in reader:
        line, ended = ended + 1, reader.line_num
        joined = "".join(cells)  # the row's text, scanned once for what concerns the whole row
        if not joined.strip():
            continue  # a blank line
        if len(cells) != len(columns):
            yield line, f"{len(cells)} cells where the header has {len(columns)} columns"
            continue
        if _UNDECODABLE.search(joined):  # which cells, only when one is
            bad = [name for name, cell in zip(columns, cells, strict=True) if _undecodable(cell)]
            yield line, f"not UTF-8 text in {', '.join(bad)} (save the file as UTF-8)"
            continue
        yield line, {name: cell.strip() for name, cell in zip(columns, cells, strict=True) if cell.strip()}


def _jsonl_records(binary: BinaryIO, longest_line: int | None = None) -> _Numbered:
    line = 0
    while True:
        raw = binary.readline(-1 if longest_line is None else longest_line + 1)
        if not raw:
            return
        line += 1
        if longest_line is not None and len(raw.rstrip(b"\n")) > longest_line:
            while raw and not raw.endswith(b"\n"):  # the rest of the line, read and dropped a piece at a time
                raw = binary.readline(longest_line + 1)
            yield line, f"longer than {longest_line:,} bytes"
            continue
        raw = raw.removesuffix(b"\n")
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8-sig" if line == 1 else "utf-8"))
        except UnicodeDecodeError:
            yield line, "not UTF-8 text (save the file as UTF-8)"
            continue
        except json.JSONDecodeError as error:
            yield line, f"not JSON: {error.msg} at column {error.colno}"
            continue
        if not isinstance(record, dict):
            yield line, "not a JSON object"
            continue
        missing = [name for name in REQUIRED if record.get(name) in (None, "", [])]
        unknown = [name for name in record if name not in REQUIRED + OPTIONAL and not CUSTOM.match(name)]
        if missing or unknown:
            yield (
                line,
                "; ".join(
                    part
                    for part in (
                        f"{', '.join(missing)} missing" if missing else "",
                        f"unknown keys {', '.join(unknown)}" if unknown else "",
                    )
                    if part
                ),
            )
            continue
        yield line, record


# Bytes that were not UTF-8, as the surrogate escapes that keep them.
_UNDECODABLE = re.compile("[\udc80-\udcff]")


def _undecodable(cell: str) -> bool:
    return _UNDECODABLE.search(cell) is not None


def _profile(record: dict[str, Any]) -> dict[str, Any]:
    """The profile profile's API takes, from one record; the server checks every value."""
    missing = [name for name in REQUIRED if record.get(name) in (None, "", [])]
    if missing:
        raise ValueError(f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} empty")
    topics = _topics(record["topics"], record.get("role"))
    profile: dict[str, Any] = {
        "email": record["email"],
        "display_name": record["display_name"],
        "campus": record["campus"],
        "time_zone": record["time_zone"],
        "topics": topics,
        "weekly_availability": _slots(record["availability"]),
        "languages": _list(record["languages"]),
        "meeting_modes": _list(record.get("meeting_modes") or "online"),
        "preferred_cadence": record.get("cadence") or "weekly",
        "mentor_capacity": _number(record.get("mentor_capacity"), "mentor_capacity")
        if record.get("mentor_capacity") not in (None, "")
        else (1 if any(t["role"] == "mentor" for t in topics) else 0),
    }
    for name in ("experiences", "goals", "challenges", "interests"):
        if record.get(name):
            profile[name] = _list(record[name])
    for name in ("affiliation", "department"):
        if record.get(name):
            profile[name] = record[name]
    if record.get("year_of_study") not in (None, ""):
        profile["year_of_study"] = _number(record["year_of_study"], "year_of_study")
    custom = {
        name.removeprefix("custom."): _maybe_number(value)
        for name, value in record.items()
        if name.startswith("custom.") and value not in (None, "")
    }
    if custom:
        profile["custom_attributes"] = custom
    return profile


def _list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [part.strip() for part in str(value).split(";") if part.strip()]


def _topics(value: Any, role: Any) -> list[dict[str, str]]:
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    topics = []
    for item in _list(value):
        name, _, own_role = str(item).rpartition(":") if ":" in str(item) else (str(item), "", "")
        chosen = (own_role or role or "").strip()
        if not chosen:
            raise ValueError(f"topic {name.strip()!r} has no role: write it as '{name.strip()}:mentee' or add a role column")
        topics.append({"topic": name.strip(), "role": chosen.lower()})
    return topics


def _slots(value: Any) -> list[dict[str, str]]:
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    slots = []
    for item in _list(value):
        found = SLOT.match(str(item))
        if not found:
            raise ValueError(f"availability {item!r} is not like 'mon 17:00-19:00'")
        day, start, end = found.groups()
        slots.append({"weekday": day.lower(), "start": start.zfill(5), "end": end.zfill(5)})
    return slots


def _number(value: Any, name: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{name} {value!r} is not a whole number") from None


def _maybe_number(value: Any) -> Any:
    if isinstance(value, int | float) or not re.fullmatch(r"-?\d+(\.\d+)?", str(value).strip()):
        return value
    return float(value) if "." in str(value) else int(value)
