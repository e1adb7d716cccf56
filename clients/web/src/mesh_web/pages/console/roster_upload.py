"""Taking a roster file from the browser without holding it: the multipart body is parsed as it arrives
(Starlette's parser, which spools a file over 1 MB to a temporary file on disk), then copied a
megabyte at a time to the app's own temporary file, hashed (SHA-256) on the way.

Rules:
- At most ``MOST_BYTES``. A larger declared body is refused before it is parsed (and read to its end,
  discarded, up to ``DRAIN_MOST``, so the browser shows the refusal rather than a broken connection);
  a body without a declared length is cut off as soon as it passes the bound.
- One file, named ``.csv``, ``.jsonl`` or ``.ndjson`` (or sent as ``text/csv``); not empty.
- Its header (CSV) is read before anything starts: a file whose columns the mapping cannot read is
  refused at once, on the upload page, naming the columns.
- The app's copy is readable by the app's user only, and deleted on every refusal.
"""

import asyncio
import csv
import hashlib
import os
import stat
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from mesh_roster.reading import RosterFileError, read_records
from mesh_web.i18n import gettext as _
from mesh_web.pages.console.roster_runner import LONGEST_LINE

ROSTERS = Path(tempfile.gettempdir()) / "mesh-web-rosters"
FIELD = "roster"
MOST_BYTES = 200 * 1024 * 1024
MOST_MEGABYTES = MOST_BYTES // (1024 * 1024)
FRAMING = 64 * 1024  # the multipart body's boundaries and headers around the file
DRAIN_MOST = 1024**3
CHUNK = 1024 * 1024
FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


class UploadRefused(Exception):
    """Why the file is not taken, in the visitor's language, for the message beside the file field."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.message, self.status = message, status


class _TooLarge(MultiPartException):
    """(A MultiPartException, so Starlette's parser closes the files it spooled before passing it on.)"""


@dataclass(frozen=True)
class Received:
    path: Path
    file_name: str
    file_format: str
    size: int
    sha256: str


async def receive(request: Request, import_id: UUID) -> Received:
    """The posted roster, in the app's own temporary file named after the import; or ``UploadRefused``."""
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise UploadRefused(_("Choose a roster file to upload."))
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MOST_BYTES + FRAMING:
        await _drain(request)
        raise UploadRefused(_too_large(), 413)
    parser = MultiPartParser(request.headers, _bounded(request.stream(), MOST_BYTES + FRAMING), max_files=1, max_fields=10)
    try:
        form = await parser.parse()
    except _TooLarge:
        raise UploadRefused(_too_large(), 413) from None
    except MultiPartException:
        raise UploadRefused(_("The upload could not be read. Choose the file again.")) from None
    try:
        upload = form.get(FIELD)
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise UploadRefused(_("Choose a roster file to upload."))
        file_format = format_of(upload)
        path = ROSTERS / f"{import_id}.upload"
        size, sha256 = await _copy(upload, path)
    finally:
        await form.close()
    try:
        await asyncio.to_thread(_first_record, path, file_format)
    except BaseException as error:
        discard(path)
        if isinstance(error, RosterFileError):
            raise UploadRefused(columns_refused(error)) from error
        if isinstance(error, _NoRows):
            raise UploadRefused(_("The file has no rows to import.")) from error
        if isinstance(error, csv.Error | UnicodeError):
            raise UploadRefused(_("The file could not be read as a roster: %(reason)s", reason=str(error))) from error
        raise
    return Received(path, _shown_name(upload.filename), file_format, size, sha256)


def format_of(upload: UploadFile) -> str:
    found = FORMATS.get(Path(upload.filename or "").suffix.lower())
    if found is None and (upload.content_type or "").split(";")[0].strip() == "text/csv":
        found = "csv"
    if found is None:
        raise UploadRefused(_("Choose a CSV file (.csv) or a JSON Lines file (.jsonl or .ndjson)."))
    return found


def columns_refused(error: RosterFileError) -> str:
    """The reader's refusal of a header, in the visitor's language, naming the columns."""
    parts = []
    if error.missing:
        parts.append(_("The file lacks these columns: %(columns)s.", columns=", ".join(error.missing)))
    if error.unknown:
        parts.append(
            _(
                "The file has columns a roster does not have: %(columns)s. Answers to registration questions "
                "go in columns named custom.<name>.",
                columns=", ".join(error.unknown),
            )
        )
    if error.duplicated:
        parts.append(_("These columns appear more than once: %(columns)s.", columns=", ".join(error.duplicated)))
    return " ".join(parts) or _("The file is empty.")


def _too_large() -> str:
    return _("The file is larger than %(most)s MB. Split it into smaller files and upload each one.", most=MOST_MEGABYTES)


async def _bounded(stream: AsyncIterator[bytes], most: int) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > most:
            raise _TooLarge("the upload is too large")
        yield chunk


async def _drain(request: Request) -> None:
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > DRAIN_MOST:
            return


async def _copy(upload: UploadFile, path: Path) -> tuple[int, str]:
    """The upload into ``path`` (the app's user alone may read it), a megabyte at a time: (bytes, SHA-256)."""
    _private(ROSTERS)
    digest, size = hashlib.sha256(), 0
    target = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
    try:
        with target:
            while chunk := await upload.read(CHUNK):
                size += len(chunk)
                if size > MOST_BYTES:
                    raise UploadRefused(_too_large(), 413)
                await asyncio.to_thread(_keep, target, digest, chunk)
        if size == 0:
            raise UploadRefused(_("The file is empty."))
    except BaseException:
        discard(path)
        raise
    return size, digest.hexdigest()


def _private(folder: Path) -> None:
    """The uploads' folder, the app's user's alone: a folder someone else made (or may write in) under a
    shared /tmp could swap a file between its upload and its import, so it is not used."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    found = folder.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
        raise RuntimeError(f"{folder} is not a folder of this app's user alone")


def discard(path: Path) -> None:
    path.unlink(missing_ok=True)


def _keep(target: Any, digest: Any, chunk: bytes) -> None:
    digest.update(chunk)
    target.write(chunk)


class _NoRows(Exception):
    pass


def _first_record(path: Path, file_format: str) -> None:
    """Reads the header and the first record: a header the mapping cannot read raises ``RosterFileError``."""
    with path.open("rb") as file:
        records = read_records(file, file_format, longest_line=LONGEST_LINE)
        try:
            if next(records, None) is None:
                raise _NoRows()
        finally:
            records.close()


def _shown_name(name: str) -> str:
    """The file's own name, as shown on its pages: no folders, no control characters, at most 200 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(char for char in base if unicodedata.category(char)[0] != "C")[:200] or "roster"
