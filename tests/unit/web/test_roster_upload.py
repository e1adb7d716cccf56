"""Taking a roster upload (mesh_web.pages.console.roster_upload): the file copied whole and hashed, refused
with a reason for each way it can be wrong, never larger than the bound however it is sent, and never
left behind when refused."""

import hashlib
import uuid

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from mesh_web.pages.console import roster_upload

HEADER = b"external_id,email,display_name,campus,topics,languages,time_zone,availability\n"
ROW = b"s1,ada@uni.edu,Ada,north,Art:mentee,en,Europe/Berlin,mon 10:00-11:00\n"
MOST = 20_000


@pytest.fixture
def client(tmp_path, monkeypatch) -> httpx.AsyncClient:
    monkeypatch.setattr(roster_upload, "ROSTERS", tmp_path / "rosters")
    monkeypatch.setattr(roster_upload, "MOST_BYTES", MOST)
    app = FastAPI()

    @app.post("/upload")
    async def upload(request: Request) -> JSONResponse:
        try:
            got = await roster_upload.receive(request, uuid.uuid4())
        except roster_upload.UploadRefused as refused:
            return JSONResponse({"refused": refused.message}, status_code=refused.status)
        return JSONResponse(
            {
                "path": str(got.path),
                "name": got.file_name,
                "format": got.file_format,
                "size": got.size,
                "sha256": got.sha256,
                "bytes": got.path.read_bytes().decode("latin-1"),
            }
        )

    return httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test")


def kept(tmp_path) -> list[str]:
    folder = tmp_path / "rosters"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


async def test_the_file_is_copied_whole_hashed_and_named_by_its_format(client, tmp_path) -> None:
    content = HEADER + ROW * 250
    answer = await client.post("/upload", files={"roster": ("../../Autumn intake.CSV", content, "text/csv")})
    assert answer.status_code == 200, answer.text
    got = answer.json()
    assert got["bytes"].encode("latin-1") == content and got["size"] == len(content)
    assert got["sha256"] == hashlib.sha256(content).hexdigest()
    assert (got["format"], got["name"]) == ("csv", "Autumn intake.CSV")  # no folders
    assert roster_upload._shown_name("C:\\Users\\cole\\fall\u202e\x07.csv") == "fall.csv"  # no control characters
    assert kept(tmp_path) == [got["path"].rsplit("/", 1)[-1]]
    lines = b'{"external_id": "j1"}\n'
    answer = await client.post("/upload", files={"roster": ("people.ndjson", lines, "application/x-ndjson")})
    assert answer.json()["format"] == "jsonl"


@pytest.mark.parametrize(
    ("files", "data", "message"),
    [
        (None, {"roster": "not a file"}, "Choose a roster file to upload."),
        (
            {"roster": ("people.xlsx", b"PK\x03\x04", "application/vnd.ms-excel")},
            None,
            "Choose a CSV file (.csv) or a JSON Lines",
        ),
        ({"roster": ("people.csv", b"", "text/csv")}, None, "The file is empty."),
        ({"roster": ("people.csv", HEADER, "text/csv")}, None, "The file has no rows to import."),
        (
            {"roster": ("people.csv", b"external_id,email,nickname\n" + ROW, "text/csv")},
            None,
            "The file lacks these columns: display_name, campus, topics, languages, time_zone, availability. "
            "The file has columns a roster does not have: nickname.",
        ),
        (
            {"roster": ("people.csv", HEADER.replace(b"\n", b",email\n") + ROW, "text/csv")},
            None,
            "These columns appear more than once: email.",
        ),
    ],
    ids=["no-file", "spreadsheet", "empty", "header-only", "unknown-columns", "duplicated-column"],
)
async def test_a_file_that_cannot_be_a_roster_is_refused_saying_why_and_not_kept(client, tmp_path, files, data, message) -> None:
    answer = await client.post("/upload", files=files, data=data) if files else await client.post("/upload", data=data)
    assert answer.status_code == 422
    assert answer.json()["refused"].startswith(message)
    assert kept(tmp_path) == []


async def test_a_file_over_the_bound_is_refused_however_it_is_sent_and_not_kept(client, tmp_path) -> None:
    too_large = HEADER + ROW * (MOST // len(ROW) + 1)
    within_framing = await client.post("/upload", files={"roster": ("big.csv", too_large, "text/csv")})
    assert within_framing.status_code == 413 and "larger than" in within_framing.json()["refused"]

    far_too_large = HEADER + ROW * (200_000 // len(ROW))  # declared: refused before it is parsed
    declared = await client.post("/upload", files={"roster": ("big.csv", far_too_large, "text/csv")})
    assert declared.status_code == 413

    request = client.build_request("POST", "/upload", files={"roster": ("big.csv", far_too_large, "text/csv")})
    body = request.read()

    async def undeclared():  # chunked, no length: cut off as it passes the bound
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    chunked = await client.post("/upload", content=undeclared(), headers={"content-type": request.headers["content-type"]})
    assert chunked.status_code == 413
    assert kept(tmp_path) == []
