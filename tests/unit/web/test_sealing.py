"""Sealing: what a session keeps opens only with one of the keys and only for the session it was sealed for."""

import os

import pytest

from mesh_web.sessions.sealing import Sealer, Unsealable

CONTENTS = {"tokens": {"access_token": "at-secret", "refresh_token": "rt-secret"}, "language": "es"}
SESSION = b"\x11" * 32
OTHER_SESSION = b"\x22" * 32


def test_what_is_sealed_opens_as_it_was() -> None:
    sealer = Sealer([os.urandom(32)])

    sealed = sealer.seal(CONTENTS, SESSION)

    assert sealer.open(sealed, SESSION) == CONTENTS
    assert b"at-secret" not in sealed and b"rt-secret" not in sealed


def test_each_seal_is_different_even_of_the_same_contents() -> None:
    sealer = Sealer([os.urandom(32)])

    assert sealer.seal(CONTENTS, SESSION) != sealer.seal(CONTENTS, SESSION)  # a fresh nonce each time


def test_a_row_copied_to_another_session_does_not_open() -> None:
    sealer = Sealer([os.urandom(32)])
    sealed = sealer.seal(CONTENTS, SESSION)

    with pytest.raises(Unsealable):
        sealer.open(sealed, OTHER_SESSION)


@pytest.mark.parametrize("position", [0, 1, 12, 13, -1])
def test_a_changed_byte_anywhere_is_refused(position: int) -> None:
    sealer = Sealer([os.urandom(32)])
    sealed = bytearray(sealer.seal(CONTENTS, SESSION))

    sealed[position] ^= 0x01

    with pytest.raises(Unsealable):
        sealer.open(bytes(sealed), SESSION)


def test_a_truncated_seal_is_refused() -> None:
    sealer = Sealer([os.urandom(32)])
    sealed = sealer.seal(CONTENTS, SESSION)

    with pytest.raises(Unsealable):
        sealer.open(sealed[:-1], SESSION)


def test_no_key_of_ours_opens_a_seal_made_with_another() -> None:
    sealed = Sealer([os.urandom(32)]).seal(CONTENTS, SESSION)

    with pytest.raises(Unsealable):
        Sealer([os.urandom(32)]).open(sealed, SESSION)


def test_rotation_old_seals_still_open_and_new_seals_use_the_new_key() -> None:
    old, new = os.urandom(32), os.urandom(32)
    sealed_before = Sealer([old]).seal(CONTENTS, SESSION)

    rotated = Sealer([new, old])  # a new key prepended

    assert rotated.open(sealed_before, SESSION) == CONTENTS
    sealed_after = rotated.seal(CONTENTS, SESSION)
    assert Sealer([new]).open(sealed_after, SESSION) == CONTENTS
    with pytest.raises(Unsealable):
        Sealer([old]).open(sealed_after, SESSION)
