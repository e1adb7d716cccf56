"""Seals a session's contents with AES-256-GCM, bound to the session's id, so a row copied to another
session or a stolen backup opens nothing. The first key seals; every key opens (rotate by prepending)."""

import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = b"\x01"


class Unsealable(Exception):
    """No key opens it, or it was changed."""


class Sealer:
    def __init__(self, keys: list[bytes]) -> None:
        self._keys = [AESGCM(key) for key in keys]

    def seal(self, contents: dict[str, Any], bound_to: bytes) -> bytes:
        nonce = os.urandom(12)
        return _VERSION + nonce + self._keys[0].encrypt(nonce, json.dumps(contents).encode(), bound_to)

    def open(self, sealed: bytes, bound_to: bytes) -> dict[str, Any]:
        if not sealed.startswith(_VERSION):
            raise Unsealable("unknown version")
        nonce, body = sealed[1:13], sealed[13:]
        for key in self._keys:
            try:
                return json.loads(key.decrypt(nonce, body, bound_to))
            except InvalidTag:
                continue
        raise Unsealable("no key opens it")
