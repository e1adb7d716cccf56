"""The demo realm Keycloak imports: the platform's audiences, clients, roles, claim mappers and demo
people of two institutions. ``python -m mesh_local.realm`` writes deploy/local/keycloak/realm.json;
a test keeps the file and this definition the same.

Claims every access token carries (the mapping services read by default, docs/configuration.md):
``sub`` (the account), ``roles`` (participant / coordinator / admin; service for the platform's own
clients mesh-matching, mesh-scheduling and mesh-notify), ``institution`` (one id),
``campuses`` (a list), ``programs`` (a coordinator's programs, optional), ``email`` and
``email_verified``, ``affiliation``, ``year_of_study`` and ``department`` (what programs' participation
rules read: a person joins with the institution's word for them, never their own), and ``aud`` listing the four services (mesh-profile, mesh-matching,
mesh-scheduling, mesh-notify).
"""

import json
import sys
import uuid
from pathlib import Path
from typing import Any

from mesh_local.config import REPO_ROOT, SERVICES
from mesh_runtime.registry import service_definitions

REALM = "mentoring-mesh"
REALM_FILE = REPO_ROOT / "deploy" / "local" / "keycloak" / "realm.json"
PRODUCTION_EXAMPLE_FILE = REPO_ROOT / "deploy" / "keycloak" / "production-realm.example.json"
DEMO_NOTICE = (
    "LOCAL DEMO REALM: known passwords and secrets, the password grant, cheap hashing. Never import it "
    "into an identity provider people use; start from deploy/keycloak/production-realm.example.json."
)
PUBLIC_CLIENT = "mesh-cli"
AUTOMATION_CLIENT = "mesh-automation"
AUTOMATION_SECRET = "automation-local-secret"  # local demo only; a real realm keeps it in its secret store
DEMO_PASSWORD = "mesh-demo"  # every demo user's password, local only
COHORT_SIZE = 40
ADMIN = "nadia"  # Northbridge's admin: creates the demo program and imports its roster
ROLES = ("participant", "coordinator", "admin", "service")


WEB_CLIENT = "mesh-web"
WEB_SECRET = "web-local-secret"  # local demo only, like the automation secret
WEB_URL_PLACEHOLDER = "${MESH_WEB_PUBLIC_URL}"  # Keycloak fills it from its environment at import (mesh_local.keycloak)
LOCALES = ("en", "es")  # the login page follows the app's language (ui_locales)


def reading_services() -> list[str]:
    """The services that read personal data from another service's API (their ``reads_from``), each as
    its own client (client credentials, role ``service``): matching and scheduling from profile, notify
    from both. Only writing the realm imports the services for it."""
    return [definition.name for definition in service_definitions() if definition.reads_from]


def web_client(public_url: str, secret: str) -> dict[str, Any]:
    """mesh-web: the confidential client people sign in through (authorization code with PKCE, exact
    redirect URI, back-channel logout). Its ID token says who signed in (subject, name, session id);
    what they may do travels in the access token (the mesh scope), read by the services."""
    return {
        "clientId": WEB_CLIENT,
        "name": "Mentoring Mesh",
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "secret": secret,
        "standardFlowEnabled": True,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "serviceAccountsEnabled": False,
        "frontchannelLogout": False,
        "redirectUris": [f"{public_url}/auth/callback"],
        "webOrigins": [],
        "attributes": {
            "pkce.code.challenge.method": "S256",
            "post.logout.redirect.uris": f"{public_url}/",
            "backchannel.logout.url": f"{public_url}/auth/backchannel-logout",
            "backchannel.logout.session.required": "true",
            "backchannel.logout.revoke.offline.tokens": "false",
        },
        "protocolMappers": [
            _mapper("subject", "oidc-sub-mapper", {"id.token.claim": "true"}),
            _mapper("full name", "oidc-full-name-mapper", {"id.token.claim": "true"}),
            _mapper(
                "username",
                "oidc-usermodel-property-mapper",
                {
                    "user.attribute": "username",
                    "claim.name": "preferred_username",
                    "jsonType.label": "String",
                    "id.token.claim": "true",
                },
            ),
            _mapper(
                "locale",
                "oidc-usermodel-attribute-mapper",
                {"user.attribute": "locale", "claim.name": "locale", "jsonType.label": "String", "id.token.claim": "true"},
            ),
        ],
        "defaultClientScopes": ["mesh"],
        "fullScopeAllowed": True,
    }


def service_client_secret(service: str) -> str:
    return f"{service}-local-secret"  # local demo only, like the automation secret


_NAMESPACE = uuid.UUID("6f1d0c52-8a3e-4c1b-9f5e-2b7d4a9c0e11")


def cohort_username(index: int) -> str:
    return f"student{index + 1:02d}"


def demo_email(username: str, institution: str = "northbridge") -> str:
    return f"{username}@{institution}.example.edu"


def demo_users() -> list[dict[str, Any]]:
    """Two campuses of Northbridge University, and Riverside College for the tenancy checks."""
    people = [
        ("nadia", "northbridge", ["north", "south"], ["admin"]),
        ("cole", "northbridge", ["north"], ["coordinator"]),
        ("sara", "northbridge", ["south"], ["coordinator"]),
        ("rita", "riverside", ["main"], ["admin"]),
        ("rory", "riverside", ["main"], ["coordinator"]),
        ("ravi", "riverside", ["main"], ["participant"]),
    ]
    people += [
        (cohort_username(i), "northbridge", ["north" if i % 2 == 0 else "south"], ["participant"]) for i in range(COHORT_SIZE)
    ]
    return [_user(name, institution, campuses, roles) for name, institution, campuses, roles in people]


def _facts(roles: list[str]) -> dict[str, list[str]]:
    """What the registrar's directory says of them: the students are first-years in Mathematics."""
    if roles == ["participant"]:
        return {"affiliation": ["student"], "year_of_study": ["1"], "department": ["Mathematics"]}
    return {"affiliation": ["staff"]}


def _user(username: str, institution: str, campuses: list[str], roles: list[str]) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid5(_NAMESPACE, username)),  # stable subjects across restarts of the local IdP
        "username": username,
        "enabled": True,
        "email": demo_email(username, institution),
        "emailVerified": True,
        "firstName": username.capitalize(),
        "lastName": institution.capitalize(),
        "attributes": {"institution": [institution], "campuses": campuses, **_facts(roles)},
        "credentials": [{"type": "password", "value": DEMO_PASSWORD, "temporary": False}],
        "realmRoles": roles,
    }


def _mapper(name: str, protocol_mapper: str, config: dict[str, str]) -> dict[str, Any]:
    defaults = {
        "access.token.claim": "true",
        "id.token.claim": "false",
        "userinfo.token.claim": "false",
        "introspection.token.claim": "true",
    }
    return {"name": name, "protocol": "openid-connect", "protocolMapper": protocol_mapper, "config": defaults | config}


def _attribute(claim: str, multivalued: bool) -> dict[str, Any]:
    return _mapper(
        claim,
        "oidc-usermodel-attribute-mapper",
        {
            "user.attribute": claim,
            "claim.name": claim,
            "jsonType.label": "String",
            "multivalued": str(multivalued).lower(),
            "aggregate.attrs": "false",
        },
    )


def mesh_scope() -> dict[str, Any]:
    mappers = [
        _mapper("subject", "oidc-sub-mapper", {}),
        _mapper(
            "roles",
            "oidc-usermodel-realm-role-mapper",
            {"claim.name": "roles", "jsonType.label": "String", "multivalued": "true"},
        ),
        _attribute("institution", False),
        _attribute("campuses", True),
        _attribute("programs", True),
        _attribute("affiliation", False),
        _attribute("year_of_study", False),
        _attribute("department", False),
        _mapper(
            "email",
            "oidc-usermodel-property-mapper",
            {"user.attribute": "email", "claim.name": "email", "jsonType.label": "String"},
        ),
        _mapper(
            "email verified",
            "oidc-usermodel-property-mapper",
            {"user.attribute": "emailVerified", "claim.name": "email_verified", "jsonType.label": "boolean"},
        ),
    ]
    mappers += [
        _mapper(
            f"audience mesh-{service}",
            "oidc-audience-mapper",
            {"included.custom.audience": f"mesh-{service}", "id.token.claim": "false"},
        )
        for service in SERVICES
    ]
    return {
        "name": "mesh",
        "description": "Who the bearer is to Mentoring Mesh: roles, institution, campuses, audiences.",
        "protocol": "openid-connect",
        "attributes": {"include.in.token.scope": "true"},
        "protocolMappers": mappers,
    }


def realm() -> dict[str, Any]:
    user_profile = {
        "attributes": [
            {
                "name": "username",
                "displayName": "${username}",
                "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
                "validations": {"length": {"min": 3, "max": 255}},
            },
            {
                "name": "email",
                "displayName": "${email}",
                "permissions": {"view": ["admin", "user"], "edit": ["admin"]},
                "validations": {"email": {}, "length": {"max": 255}},
            },
            {"name": "firstName", "displayName": "${firstName}", "permissions": {"view": ["admin", "user"], "edit": ["admin"]}},
            {"name": "lastName", "displayName": "${lastName}", "permissions": {"view": ["admin", "user"], "edit": ["admin"]}},
        ],
        "unmanagedAttributePolicy": "ADMIN_EDIT",
    }  # institution, campuses, programs, the facts: admins', not users'
    automation_account = {
        "username": f"service-account-{AUTOMATION_CLIENT}",
        "enabled": True,
        "serviceAccountClientId": AUTOMATION_CLIENT,
        "attributes": {"institution": ["northbridge"], "campuses": ["north", "south"]},
        "realmRoles": ["admin"],
    }
    service_accounts = [
        {
            "username": f"service-account-mesh-{service}",
            "enabled": True,
            "serviceAccountClientId": f"mesh-{service}",
            "realmRoles": ["service"],
        }
        for service in reading_services()
    ]
    service_clients = [
        {
            "clientId": f"mesh-{service}",
            "name": f"Mentoring Mesh {service} service",
            "publicClient": False,
            "clientAuthenticatorType": "client-secret",
            "secret": service_client_secret(service),
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "defaultClientScopes": ["mesh"],
            "fullScopeAllowed": True,
        }
        for service in reading_services()
    ]
    return {
        "realm": REALM,
        "displayName": "Mentoring Mesh (local demo: not for production)",
        "attributes": {"mentoringmesh.notice": DEMO_NOTICE},
        "enabled": True,
        "sslRequired": "external",
        "internationalizationEnabled": True,
        "supportedLocales": list(LOCALES),
        "defaultLocale": "en",
        "accessTokenLifespan": 900,
        # Local demo: cheap password hashing so forty demo logins take a second, not a minute.
        "passwordPolicy": "hashAlgorithm(pbkdf2-sha256) and hashIterations(1000)",
        "roles": {"realm": [{"name": role, "description": f"Mentoring Mesh {role}"} for role in ROLES]},
        "clientScopes": [mesh_scope()],
        # The mesh scope (the APIs' audiences) only where a platform client names it: another client
        # registered in the realm later gets tokens that no Mentoring Mesh API takes.
        "defaultDefaultClientScopes": [],
        "clients": [
            {
                "clientId": PUBLIC_CLIENT,
                "name": "Mentoring Mesh for people and scripts",
                "publicClient": True,
                "standardFlowEnabled": True,
                "directAccessGrantsEnabled": True,  # password grant: local demo only
                "redirectUris": ["http://127.0.0.1/*", "http://localhost/*"],
                "webOrigins": ["+"],
                "attributes": {"pkce.code.challenge.method": "S256"},
                "defaultClientScopes": ["mesh"],
                "fullScopeAllowed": True,
            },
            {
                "clientId": AUTOMATION_CLIENT,
                "name": "Mentoring Mesh automation (roster imports, integrations)",
                "publicClient": False,
                "clientAuthenticatorType": "client-secret",
                "secret": AUTOMATION_SECRET,
                "serviceAccountsEnabled": True,
                "standardFlowEnabled": False,
                "directAccessGrantsEnabled": False,
                "defaultClientScopes": ["mesh"],
                "fullScopeAllowed": True,
            },
            web_client(WEB_URL_PLACEHOLDER, WEB_SECRET),
            *service_clients,
        ],
        "users": [*demo_users(), automation_account, *service_accounts],
        "components": {
            "org.keycloak.userprofile.UserProfileProvider": [
                {
                    "providerId": "declarative-user-profile",
                    "subComponents": {},
                    "config": {"kc.user.profile.config": [json.dumps(user_profile)]},
                }
            ]
        },
    }


def production_example() -> dict[str, Any]:
    """A hardened starting point for an institution's own realm: the same scope, roles and clients as
    the demo, but no people, no password grant, exact redirect URIs, brute-force protection, strong
    hashing, TLS everywhere, and secrets read from the environment at import (Keycloak replaces
    ``${VAR}`` placeholders). People sign in to mesh-web (authorization code with PKCE); scripts use
    mesh-cli's device grant; integrations and services their client credentials."""
    confidential = {
        "publicClient": False,
        "clientAuthenticatorType": "client-secret",
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "serviceAccountsEnabled": True,
        "defaultClientScopes": ["mesh"],
        "fullScopeAllowed": True,
    }
    services = [
        confidential
        | {
            "clientId": f"mesh-{service}",
            "name": f"Mentoring Mesh {service} service",
            "secret": f"${{MESH_{service.upper()}_CLIENT_SECRET}}",
        }
        for service in reading_services()
    ]
    accounts = [
        {
            "username": f"service-account-mesh-{service}",
            "enabled": True,
            "serviceAccountClientId": f"mesh-{service}",
            "realmRoles": ["service"],
        }
        for service in reading_services()
    ]
    accounts.append(
        {
            "username": f"service-account-{AUTOMATION_CLIENT}",
            "enabled": True,
            "serviceAccountClientId": AUTOMATION_CLIENT,
            "realmRoles": ["admin"],
            "attributes": {"institution": ["${MESH_INSTITUTION_ID}"], "campuses": ["${MESH_AUTOMATION_CAMPUS}"]},
        }
    )
    web = web_client("https://mentoring.example.edu", "${MESH_WEB_CLIENT_SECRET}")
    cli = {
        "clientId": PUBLIC_CLIENT,
        "name": "Mentoring Mesh command line",
        "publicClient": True,
        "standardFlowEnabled": False,
        "directAccessGrantsEnabled": False,
        "implicitFlowEnabled": False,
        "redirectUris": [],
        "webOrigins": [],
        "attributes": {"oauth2.device.authorization.grant.enabled": "true"},
        "defaultClientScopes": ["mesh"],
        "fullScopeAllowed": True,
    }
    automation = confidential | {
        "clientId": AUTOMATION_CLIENT,
        "name": "Mentoring Mesh automation",
        "secret": "${MESH_AUTOMATION_CLIENT_SECRET}",
    }
    return {
        "realm": REALM,
        "displayName": "Mentoring Mesh",
        "enabled": True,
        "sslRequired": "all",
        "internationalizationEnabled": True,
        "supportedLocales": list(LOCALES),
        "defaultLocale": "en",
        "accessTokenLifespan": 300,
        "ssoSessionIdleTimeout": 1800,
        "ssoSessionMaxLifespan": 36000,
        "revokeRefreshToken": True,
        "refreshTokenMaxReuse": 0,
        "bruteForceProtected": True,
        "failureFactor": 5,
        "waitIncrementSeconds": 60,
        "maxFailureWaitSeconds": 900,
        "maxDeltaTimeSeconds": 43200,
        "permanentLockout": False,
        "quickLoginCheckMilliSeconds": 1000,
        "minimumQuickLoginWaitSeconds": 60,
        "passwordPolicy": "length(12) and notUsername and notEmail and passwordHistory(5) and hashAlgorithm(argon2)",
        "registrationAllowed": False,
        "resetPasswordAllowed": True,
        "verifyEmail": True,
        "loginWithEmailAllowed": True,
        "eventsEnabled": True,
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": False,
        "roles": {"realm": [{"name": role, "description": f"Mentoring Mesh {role}"} for role in ROLES]},
        "clientScopes": [mesh_scope()],
        "defaultDefaultClientScopes": [],
        "defaultOptionalClientScopes": [],
        "clients": [web, cli, automation, *services],
        "users": accounts,  # service accounts only: people come from the institution's directory
    }


def render(definition: dict[str, Any] | None = None) -> str:
    return json.dumps(realm() if definition is None else definition, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Writes the demo realm (or the file named) and the production example."""
    target = Path((argv or sys.argv[1:] or [str(REALM_FILE)])[0])
    target.write_text(render())
    PRODUCTION_EXAMPLE_FILE.parent.mkdir(parents=True, exist_ok=True)
    PRODUCTION_EXAMPLE_FILE.write_text(render(production_example()))
    print(f"wrote {target} and {PRODUCTION_EXAMPLE_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
