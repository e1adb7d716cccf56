"""Keyset page cursors: opaque to clients, each names where the next page starts and is bound to the
list it came from (what the list is: its filters, its program).

A cursor is base64url text with a check: one that was cut, altered, made up, or taken from another
list is refused as a whole (``BadCursor``: a 422, ``invalid-cursor``), never read in part. The check
is a digest, not a signature: a client able to rebuild one gains nothing, since a cursor only says
where a page starts, among the rows the caller may see anyway. Cursors travel in URLs (and so into
access logs): a place is written as ids and times, never as anyone's name."""

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


class BadCursor(ValueError):
    """Not a cursor this list gave: start again from the first page."""


@dataclass(frozen=True)
class KeysetCursors:
    """The cursors of one kind of list (``domain``: say which, and a version, e.g.
    ``mesh-matching/participants-directory/v1``)."""

    domain: str
    max_length: int = 1_024

    def write(self, place: str, list_key: str) -> str:
        """``place``: where the next page starts, as text; ``list_key``: what the list is."""
        body = _b64(place.encode())
        return f"{body}.{self._check(body, list_key)}"

    def read(self, cursor: str, list_key: str, parse: Callable[[str], T]) -> T:
        """The place a cursor of this list names, read by ``parse`` (whose ``ValueError`` refuses it too)."""
        body, dot, check = cursor.partition(".")
        if not dot or len(cursor) > self.max_length or not hmac.compare_digest(check, self._check(body, list_key)):
            raise BadCursor(
                "the cursor is not one this list gave (altered, cut, or from another list): start again from the first page"
            )
        try:
            return parse(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode())
        except (binascii.Error, UnicodeDecodeError, TypeError, ValueError) as error:  # JSONDecodeError is a ValueError
            raise BadCursor("the cursor cannot be read: start again from the first page") from error

    def _check(self, body: str, list_key: str) -> str:
        signed = b"\0".join(
            [self.domain.encode(), list_key.encode("utf-8", "surrogatepass"), body.encode("utf-8", "surrogatepass")]
        )
        return _b64(hashlib.sha256(signed).digest()[:12])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
