"""Keyset cursors: opaque, bound to the list they came from, refused whole when altered."""

import json
import uuid

import pytest

from mesh_runtime.keyset import BadCursor, KeysetCursors

CURSORS = KeysetCursors("mesh-test/list/v1", max_length=200)


def test_a_cursor_reads_back_the_place_it_was_written_with_for_its_own_list() -> None:
    place = uuid.uuid4()
    cursor = CURSORS.write(str(place), "list-a")
    assert str(place) not in cursor  # opaque
    assert CURSORS.read(cursor, "list-a", uuid.UUID) == place
    assert CURSORS.read(CURSORS.write(json.dumps(["2026-03-02", 7]), "b"), "b", json.loads) == ["2026-03-02", 7]


@pytest.mark.parametrize("how", ["other list", "cut", "prefixed", "made up", "other kind of list", "too long"])
def test_a_cursor_altered_made_up_or_from_another_list_is_refused_whole(how: str) -> None:
    cursor = CURSORS.write(str(uuid.uuid4()), "list-a")
    bad, key, cursors = {
        "other list": (cursor, "list-b", CURSORS),
        "cut": (cursor[:-2], "list-a", CURSORS),
        "prefixed": ("x" + cursor, "list-a", CURSORS),
        "made up": ("not-a-cursor", "list-a", CURSORS),
        "other kind of list": (cursor, "list-a", KeysetCursors("mesh-test/another/v1")),
        "too long": (cursor + "=" * 200, "list-a", CURSORS),
    }[how]
    with pytest.raises(BadCursor):
        cursors.read(bad, key, uuid.UUID)


def test_a_cursor_whose_check_holds_but_whose_place_cannot_be_read_is_refused() -> None:
    with pytest.raises(BadCursor, match="cannot be read"):
        CURSORS.read(CURSORS.write("not a uuid", "list-a"), "list-a", uuid.UUID)
