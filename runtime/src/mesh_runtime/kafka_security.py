"""Kafka over TLS and SASL, as Strimzi and managed clusters offer it, from the service's settings."""

import ssl
from typing import Any

from faststream.kafka.security import parse_security
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512

from mesh_runtime.settings import KafkaSettings

_SASL = {"PLAIN": SASLPlaintext, "SCRAM-SHA-256": SASLScram256, "SCRAM-SHA-512": SASLScram512}


def broker_security(settings: KafkaSettings) -> BaseSecurity | None:
    """None for PLAINTEXT; otherwise TLS (server CA, optional client certificate) and/or SASL."""
    protocol = settings.kafka_security_protocol
    if protocol == "PLAINTEXT":
        return None
    use_ssl = protocol in ("SSL", "SASL_SSL")
    context = _ssl_context(settings) if use_ssl else None
    if protocol == "SSL":
        return BaseSecurity(ssl_context=context, use_ssl=True)
    password = settings.kafka_sasl_password.get_secret_value() if settings.kafka_sasl_password else ""
    return _SASL[settings.kafka_sasl_mechanism](
        username=settings.kafka_sasl_username or "", password=password, ssl_context=context, use_ssl=use_ssl
    )


def client_options(settings: KafkaSettings) -> dict[str, Any]:
    """The same security as keyword arguments for plain aiokafka clients (the admin client, mesh-deadletters)."""
    return parse_security(broker_security(settings))


def _ssl_context(settings: KafkaSettings) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=settings.kafka_ssl_ca_file)
    if settings.kafka_ssl_cert_file:
        context.load_cert_chain(settings.kafka_ssl_cert_file, settings.kafka_ssl_key_file)
    return context
