"""The README's table of events is written from the catalogue and the services' declarations: one row per
current event with who publishes and who consumes it, and `make contracts-check` fails when it is stale."""

import pytest

from mentoring_contracts import CURRENT_EVENTS
from mesh_runtime.registry import service_definitions
from tools import contracts_docs, event_table


def _rows(text: str) -> dict[str, list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    return {row.split("`")[1]: [cell.strip() for cell in row.split(" | ")] for row in rows}


def test_one_row_per_current_event_with_its_publishers_and_consumers() -> None:
    services = service_definitions()
    rows = _rows(event_table.table(services))
    assert sorted(rows) == sorted(model.name for model in CURRENT_EVENTS)
    assert f"The {len(CURRENT_EVENTS)} events" in event_table.table(services)
    erased = rows["ParticipantErased"]
    assert erased[1:4] == ["`mentoring.participants.v1`", "participant_id", "profile"]
    consumers = {s.name for s in services if any(m.name == "ParticipantErased" for m in s.consumes)}
    assert set(erased[4].rstrip(" |").split(", ")) == consumers
    assert rows["NotificationSent"][4].rstrip(" |") == "—"  # nobody consumes it


def test_generating_replaces_only_the_block_and_a_readme_without_markers_is_refused() -> None:
    stale = f"intro\n{event_table.BEGIN}\n| `Old` | x |\n{event_table.END}\noutro\n"
    fresh = event_table.with_table(stale, service_definitions())
    assert fresh.startswith("intro\n") and fresh.endswith("\noutro\n") and "`Old`" not in fresh
    assert event_table.with_table(fresh, service_definitions()) == fresh
    with pytest.raises(event_table.MissingMarkers):
        event_table.with_table("no table here\n", service_definitions())


def test_the_readme_is_one_of_the_generated_documents_so_a_stale_table_is_drift() -> None:
    readme = contracts_docs.rendered()[contracts_docs.README]
    assert readme == event_table.with_table(contracts_docs.README.read_text(), service_definitions())
    assert event_table.table(service_definitions()) in readme
