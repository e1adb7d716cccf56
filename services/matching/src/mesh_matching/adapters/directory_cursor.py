"""The directory's page cursor: opaque to clients, it names the last person a page showed and is bound
to the list it came from (the program and the filters).

It carries that person's id, never their name: cursors travel in URLs (and so into access logs). The
next page starts after where that person stands now (``directory_store.place_of``); one renamed
between two pages moves that place with them.

A cursor is base64url text with a check: one that was cut, altered, made up, or taken from another
list (other filters, another program) is refused as a whole (``BadCursor``: a 422), never read in
part. The check is a digest, not a signature: a client able to rebuild one gains nothing, since a
cursor only says where a page starts, among the rows the caller may see anyway."""

import base64
import binascii
import hashlib
import hmac
import json
from uuid import UUID

MAX_CURSOR_LENGTH = 1_024
_DOMAIN = b"mesh-matching/participants-directory/v1"


class BadCursor(ValueError):
    pass


def cursor_for(participant_id: UUID, list_key: str) -> str:
    """``list_key``: what the list is (``list_key_of``)."""
    body = _b64(str(participant_id).encode())
    return f"{body}.{_check(body, list_key)}"


def last_shown(cursor: str, list_key: str) -> UUID:
    """Who the page before ended with."""
    body, dot, check = cursor.partition(".")
    if not dot or len(cursor) > MAX_CURSOR_LENGTH or not hmac.compare_digest(check, _check(body, list_key)):
        raise BadCursor(
            "the cursor is not one this list gave (altered, cut, or from other filters): start again from the first page"
        )
    try:
        return UUID(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise BadCursor("the cursor cannot be read: start again from the first page") from error


def list_key_of(program_id: str, **filters: str | None) -> str:
    """The program and the filters, in a fixed order (the search as typed: another search, another list)."""
    return json.dumps([program_id, sorted(filters.items())], ensure_ascii=False)


def _check(body: str, list_key: str) -> str:
    signed = b"\0".join([_DOMAIN, list_key.encode("utf-8", "surrogatepass"), body.encode("utf-8", "surrogatepass")])
    return _b64(hashlib.sha256(signed).digest()[:12])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
