"""Deployment files must set only settings the services really read (no Docker or cluster here,
so this is what can be checked of them without running them)."""

from pathlib import Path

import yaml

from mentoring_contracts import CURRENT_EVENTS, TOPICS, dead_letter_topic, topics_read
from mesh_runtime.registry import service_definitions
from mesh_runtime.settings import ServiceSettings
from tools.kafka_manifests import DEAD_LETTER_OPERATOR, dead_letter_operator
from tools.kubernetes import ingress, resources

ROOT = Path(__file__).resolve().parents[3]


def known_variables(definition) -> set[str]:
    return {f"MESH_{name.upper()}" for name in definition.settings_class.model_fields}


def test_compose_sets_only_variables_each_service_reads() -> None:
    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    for definition in service_definitions():
        service = compose["services"][definition.name]
        assert service["build"]["args"]["SERVICE"] == definition.name
        unknown = set(service["environment"]) - known_variables(definition)
        assert unknown == set(), f"{definition.name} does not read {sorted(unknown)}"
        assert "MESH_DATABASE_URL" in service["environment"]


def test_kubernetes_sets_only_variables_each_service_reads_and_every_required_one() -> None:
    required = {f"MESH_{name.upper()}" for name, field in ServiceSettings.model_fields.items() if field.is_required()}
    for definition in service_definitions():
        docs = resources(definition)
        config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
        deployment = next(d for d in docs if d["kind"] == "Deployment")
        from_secrets = {e["name"] for e in deployment["spec"]["template"]["spec"]["containers"][0]["env"]}
        given = set(config) | from_secrets
        assert given - known_variables(definition) == set(), definition.name
        assert required <= given, definition.name


def test_grace_period_covers_the_drain() -> None:
    for definition in service_definitions():
        docs = resources(definition)
        config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
        pod = next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]
        drain = float(config["MESH_DRAIN_DELAY_SECONDS"]) + float(config["MESH_DRAIN_TIMEOUT_SECONDS"])
        assert pod["terminationGracePeriodSeconds"] > drain


def test_kafka_acls_grant_exactly_what_each_service_reads_and_writes() -> None:
    for definition in service_definitions():
        user = next(d for d in resources(definition) if d["kind"] == "KafkaUser")
        topics = {
            (a["resource"]["name"], tuple(a["operations"]))
            for a in user["spec"]["authorization"]["acls"]
            if a["resource"]["type"] == "topic"
        }
        reads = {name for name, ops in topics if "Read" in ops}
        writes = {name for name, ops in topics if "Write" in ops}
        own_dead_letters = {f"mentoring.deadletter.{definition.name}.v1"} if definition.consumes else set()
        assert reads == set(topics_read(definition.consumes)) | own_dead_letters  # listed in its own pod
        published = {m.topic.name for m in definition.publishes}
        assert writes - published <= {f"mentoring.deadletter.{definition.name}.v1"}
        assert published <= writes


def test_m4_each_kafka_user_writes_only_topics_whose_every_event_type_its_service_publishes() -> None:
    """Security review M4: whoever may write a topic can forge any event type on it. So a service's
    KafkaUser may write only topics each of whose current event types (retired ones are never
    written) the service publishes itself, and the contracts name it among the topic's writers; or
    its own dead-letter topic, which carries no event type of its own."""
    carried: dict[str, set[str]] = {}
    for model in CURRENT_EVENTS:
        carried.setdefault(model.topic.name, set()).add(model.name)
    writers = {topic.name: set(topic.writers) for topic in TOPICS}
    manifests = sorted((ROOT / "deploy/kubernetes/base").glob("*.yaml"))
    users = [
        doc
        for path in manifests
        for doc in yaml.safe_load_all(path.read_text())
        if doc and doc.get("kind") == "KafkaUser" and doc["metadata"]["name"] != DEAD_LETTER_OPERATOR
    ]
    by_user = {f"mesh-{definition.name}": definition for definition in service_definitions()}
    assert sorted(user["metadata"]["name"] for user in users) == sorted(by_user)
    for user in users:
        definition = by_user[user["metadata"]["name"]]
        published = {model.name for model in definition.publishes}
        writes = {
            acl["resource"]["name"]
            for acl in user["spec"]["authorization"]["acls"]
            if acl["resource"]["type"] == "topic" and "Write" in acl["operations"]
        }
        assert writes, definition.name
        for topic in writes:
            if topic == dead_letter_topic(definition.name):
                continue
            assert topic in carried, f"{definition.name} may write {topic}, which carries no event of the plan"
            forgeable = carried[topic] - published
            assert not forgeable, f"{definition.name} may write {topic}, so forge {sorted(forgeable)}"
            assert definition.name in writers[topic], f"the contracts do not name {definition.name} a writer of {topic}"


def test_dead_letters_are_replayed_by_an_operator_user_that_writes_only_the_topics_they_came_from() -> None:
    acls = dead_letter_operator()["spec"]["authorization"]["acls"]
    topics = {(a["resource"]["name"], op) for a in acls if a["resource"]["type"] == "topic" for op in a["operations"]}
    consuming = [d for d in service_definitions() if d.consumes]
    assert {name for name, op in topics if op == "Read"} == {f"mentoring.deadletter.{d.name}.v1" for d in consuming}
    assert {name for name, op in topics if op == "Write"} == {m.topic.name for d in consuming for m in d.consumes}
    assert not [a for a in acls if a["resource"]["type"] == "group"]  # it reads without joining any group


def test_the_ingress_passes_every_api_route_and_never_the_probes_or_metrics() -> None:
    """/metrics and the probes answer without a token: only the cluster (Prometheus, kubelet) may reach them."""
    rules = {rule["host"].split(".")[0]: rule["http"]["paths"] for rule in ingress()["spec"]["rules"]}

    def passes(service: str, path: str) -> bool:
        return any(
            path == p["path"] if p["pathType"] == "Exact" else (path == p["path"] or path.startswith(p["path"].rstrip("/") + "/"))
            for p in rules[service]
        )

    for definition in service_definitions():
        routes = [r.path for router in [*definition.routers, *definition.public_routers] for r in router.routes]
        assert routes and all(passes(definition.name, route) for route in routes), definition.name
        assert passes(definition.name, "/openapi.json") and passes(definition.name, "/asyncapi.json")
        for internal in ("/metrics", "/health/live", "/health/ready", "/", "/docs"):
            assert not passes(definition.name, internal), (definition.name, internal)


def test_a_service_reading_its_peers_is_given_their_urls_its_secret_and_a_way_through() -> None:
    """Matching, scheduling and notify read personal data from profile (and notify from matching):
    every deployment names the peer, gives the reader its client secret, and lets the call through."""
    from mesh_local.config import LocalConfig

    compose = yaml.safe_load((ROOT / "deploy/compose/compose.yaml").read_text())
    readers = {definition.name: definition.reads_from for definition in service_definitions() if definition.reads_from}
    assert readers == {"matching": ["profile"], "scheduling": ["profile"], "notify": ["profile", "matching"]}
    policies = {d.name: next(r for r in resources(d) if r["kind"] == "NetworkPolicy") for d in service_definitions()}
    for definition in service_definitions():
        docs = resources(definition)
        config = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
        secrets = {
            e["name"]
            for e in next(d for d in docs if d["kind"] == "Deployment")["spec"]["template"]["spec"]["containers"][0]["env"]
        }
        local = LocalConfig().service_env(definition.name)
        for peer in definition.reads_from:
            variable = f"MESH_{peer.upper()}_API_URL"
            assert variable in config and variable in compose["services"][definition.name]["environment"]
            assert variable in local
            assert "MESH_SERVICE_CLIENT_SECRET" in secrets | set(compose["services"][definition.name]["environment"])
            allowed = [
                rule
                for rule in policies[peer]["spec"]["ingress"][0]["from"]
                if rule.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name") == definition.name
            ]
            assert allowed, f"{peer} does not let {definition.name} in"
            assert any(
                rule["to"][0].get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name") == peer
                for rule in policies[definition.name]["spec"]["egress"]
            ), f"{definition.name} cannot reach {peer}"


def test_l6_scheduling_on_kubernetes_hands_out_feed_urls_over_https_and_refuses_plain_http_elsewhere() -> None:
    import pytest
    from pydantic import ValidationError

    from mesh_scheduling.settings import SchedulingSettings

    scheduling = next(definition for definition in service_definitions() if definition.name == "scheduling")
    config = next(d for d in resources(scheduling) if d["kind"] == "ConfigMap")["data"]
    assert config["MESH_CALENDAR_BASE_URL"].startswith("https://")
    required = {"database_url": "postgresql://x@h/db", "oidc_issuer": "https://idp.example/realms/r"}
    assert SchedulingSettings(**required, calendar_base_url="http://127.0.0.1:8003")  # development
    with pytest.raises(ValidationError, match="must be https"):
        SchedulingSettings(**required, calendar_base_url="http://scheduling.mentoring.example.edu")
