"""Service settings from the environment: Kafka security, and clear errors when incomplete."""

import pytest
from pydantic import ValidationError

from mesh_runtime.kafka_security import client_options
from mesh_runtime.settings import ServiceSettings


def settings(**env: str) -> ServiceSettings:
    return ServiceSettings(database_url="postgresql://u:p@db/x", oidc_issuer="https://idp.example.edu/realms/x", **env)


def test_plaintext_needs_no_security_options() -> None:
    assert client_options(settings()) == {}


def test_sasl_over_tls_as_strimzi_scram_users_connect() -> None:
    options = client_options(
        settings(
            kafka_security_protocol="SASL_SSL",
            kafka_sasl_mechanism="SCRAM-SHA-512",
            kafka_sasl_username="matching",
            kafka_sasl_password="s3cret",
        )
    )
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert options["sasl_plain_username"] == "matching" and options["sasl_plain_password"] == "s3cret"
    assert options["ssl_context"] is not None


def test_tls_only() -> None:
    options = client_options(settings(kafka_security_protocol="SSL"))
    assert options["security_protocol"] == "SSL" and options["ssl_context"] is not None


def test_incomplete_credentials_are_refused_with_the_variables_to_set() -> None:
    with pytest.raises(ValidationError, match="needs MESH_KAFKA_SASL_USERNAME and MESH_KAFKA_SASL_PASSWORD"):
        settings(kafka_security_protocol="SASL_SSL")
    with pytest.raises(ValidationError, match="go together"):
        settings(kafka_ssl_cert_file="/etc/kafka/user.crt")
    with pytest.raises(ValidationError, match="kafka_security_protocol"):
        settings(kafka_security_protocol="TLS")


def test_a_missing_ca_file_fails_at_start_not_at_first_send() -> None:
    with pytest.raises(FileNotFoundError):
        client_options(settings(kafka_security_protocol="SSL", kafka_ssl_ca_file="/nonexistent/ca.crt"))


def test_mesh_deadletters_refuses_incomplete_kafka_credentials_saying_which(monkeypatch, capsys) -> None:
    """The operator's tool reads the services' MESH_KAFKA_* settings, and is refused as clearly as they are."""
    from mesh_runtime.deadletters import main

    monkeypatch.setenv("MESH_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.delenv("MESH_KAFKA_SASL_USERNAME", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main(["list", "--group", "matching"])
    assert exit_.value.code == 2
    assert "needs MESH_KAFKA_SASL_USERNAME and MESH_KAFKA_SASL_PASSWORD" in capsys.readouterr().err
