"""The realm file Keycloak imports is the one mesh_local.realm defines, and it gives the services
what they read: an audience each, the claims of the default mapping, every role, two institutions."""

import json

from mesh_local.config import SERVICES
from mesh_local.realm import PRODUCTION_EXAMPLE_FILE, REALM_FILE, production_example, realm, render
from mesh_runtime.identity import ClaimMapping, Role
from mesh_runtime.identity.claims import PEOPLES_CLIENTS, SERVICE_CLIENTS


def test_the_checked_in_realm_file_is_current() -> None:
    assert REALM_FILE.read_text() == render(), "run: .venv/bin/python -m mesh_local.realm"


def test_tokens_carry_each_audience_and_the_claims_services_map_by_default() -> None:
    definition = json.loads(render())
    mappers = {m["name"]: m["config"] for m in definition["clientScopes"][0]["protocolMappers"]}
    assert {f"mesh-{s}" for s in SERVICES} == {
        c["included.custom.audience"] for c in mappers.values() if "included.custom.audience" in c
    }
    mapping = ClaimMapping()
    claims = {c.get("claim.name") for c in mappers.values()}
    assert {mapping.roles, mapping.institution, mapping.campuses, mapping.programs} <= claims
    assert {mapping.affiliation, mapping.year_of_study, mapping.department} <= claims  # what programs' rules read
    assert {r["name"] for r in definition["roles"]["realm"]} == {role.value for role in Role}


def test_demo_people_cover_every_role_on_two_campuses_and_a_second_institution() -> None:
    users = [u for u in realm()["users"] if "serviceAccountClientId" not in u]
    seen = {
        (u["attributes"]["institution"][0], campus, role)
        for u in users
        for campus in u["attributes"]["campuses"]
        for role in u["realmRoles"]
    }
    for role in (Role.PARTICIPANT, Role.COORDINATOR, Role.ADMIN):  # people; the platform's services are clients
        for campus in ("north", "south"):
            assert ("northbridge", campus, role.value) in seen, (campus, role)
        assert ("riverside", "main", role.value) in seen, role
    clients = {c["clientId"]: c for c in realm()["clients"]}
    assert clients["mesh-cli"]["publicClient"] and clients["mesh-cli"]["attributes"]["pkce.code.challenge.method"] == "S256"
    assert clients["mesh-automation"]["serviceAccountsEnabled"] and not clients["mesh-automation"]["publicClient"]
    accounts = {u["serviceAccountClientId"]: u for u in realm()["users"] if "serviceAccountClientId" in u}
    for service in ("matching", "scheduling", "notify"):  # they read personal data from the others' APIs
        assert clients[f"mesh-{service}"]["serviceAccountsEnabled"] and not clients[f"mesh-{service}"]["publicClient"]
        assert accounts[f"mesh-{service}"]["realmRoles"] == ["service"] and "attributes" not in accounts[f"mesh-{service}"]


def test_m5_the_apis_audiences_go_only_to_the_platforms_own_clients() -> None:
    for definition in (realm(), production_example()):
        assert definition["defaultDefaultClientScopes"] == []  # a client added later gets no audience of ours
        for client in definition["clients"]:
            assert client["clientId"] in set(PEOPLES_CLIENTS) | set(SERVICE_CLIENTS), client["clientId"]


def test_l9_the_demo_realm_says_it_is_one_and_the_production_example_is_hardened() -> None:
    assert "not for production" in realm()["displayName"] and "LOCAL DEMO" in realm()["attributes"]["mentoringmesh.notice"]
    assert PRODUCTION_EXAMPLE_FILE.read_text() == render(production_example()), "run: .venv/bin/python -m mesh_local.realm"
    hardened = production_example()
    assert hardened["sslRequired"] == "all" and hardened["bruteForceProtected"] and not hardened["permanentLockout"]
    assert "hashAlgorithm(argon2)" in hardened["passwordPolicy"] and "length(12)" in hardened["passwordPolicy"]
    assert not any(u.get("credentials") for u in hardened["users"])  # no people, no passwords
    for client in hardened["clients"]:
        assert not client["directAccessGrantsEnabled"] and not client.get("implicitFlowEnabled"), client["clientId"]
        assert all("*" not in uri and uri.startswith("https://") for uri in client.get("redirectUris", [])), client
        assert not set(client.get("webOrigins", [])) & {"+", "*"}, client["clientId"]
        assert client.get("secret") is None or client["secret"].startswith("${"), client["clientId"]  # from the env
        if not client["publicClient"] and client["standardFlowEnabled"]:
            assert client["attributes"]["pkce.code.challenge.method"] == "S256"
