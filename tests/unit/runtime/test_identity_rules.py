"""The claim mapping and the access rule, without I/O."""

import pytest

from mesh_runtime.identity import ClaimMapping, Decision, Principal, Role, Tenancy, decide
from mesh_runtime.identity.claims import ClaimsIncomplete, principal_from_claims
from mesh_runtime.identity.tokens import TokenVerifier

KEYCLOAK_DEFAULTS = {
    "sub": "u-1",
    "realm_access": {"roles": ["offline_access", "mesh-coordinator"]},
    "org": {"id": "northbridge"},
    "campus": "north south",
    "azp": "mesh-cli",
    "jti": "t-1",
}


def test_claims_are_read_where_the_mapping_says_with_renamed_roles() -> None:
    mapping = ClaimMapping(
        roles="realm_access.roles",
        institution="org.id",
        campuses="campus",
        role_names={Role.COORDINATOR: "mesh-coordinator"},
        space_delimited_lists=True,
    )
    principal = principal_from_claims(KEYCLOAK_DEFAULTS, mapping)
    assert principal == Principal(
        subject="u-1",
        institution="northbridge",
        campuses=frozenset({"north", "south"}),
        roles=frozenset({Role.COORDINATOR}),
        client_id="mesh-cli",
        token_id="t-1",
    )


def test_unknown_role_values_grant_nothing_and_missing_tenancy_is_refused() -> None:
    principal = principal_from_claims({"sub": "u", "institution": ["x"], "roles": ["superuser", "Coordinator"]}, ClaimMapping())
    assert principal.roles == frozenset() and principal.institution == "x"  # exact names only
    with pytest.raises(ClaimsIncomplete, match="institution"):
        principal_from_claims({"sub": "u", "roles": ["admin"]}, ClaimMapping())
    with pytest.raises(ClaimsIncomplete, match="subject"):
        principal_from_claims({"institution": "x"}, ClaimMapping())


def test_symmetric_and_none_algorithms_cannot_be_configured() -> None:
    for algorithms in (["HS256"], ["RS256", "none"]):
        with pytest.raises(ValueError, match="not allowed"):
            TokenVerifier(keys=None, audience="mesh-profile", algorithms=algorithms)  # type: ignore[arg-type]


def person(*roles: Role, subject: str = "me", institution: str = "nb", campuses=("north",), programs=()) -> Principal:
    return Principal(subject, institution, frozenset(campuses), frozenset(roles), frozenset(programs))


NORTH_MATCH = Tenancy("nb", frozenset({"north"}), "stem", owners=frozenset({"me", "partner"}))
SOUTH_MATCH = Tenancy("nb", frozenset({"south"}), "stem", owners=frozenset({"x", "y"}))
OTHER_INSTITUTION = Tenancy("rv", frozenset({"north"}), "stem", owners=frozenset({"me"}))


@pytest.mark.parametrize(
    ("principal", "resource", "expected"),
    [
        (person(Role.PARTICIPANT), NORTH_MATCH, Decision.ALLOW),  # their own
        (person(Role.PARTICIPANT, subject="someone"), NORTH_MATCH, Decision.FORBIDDEN),  # same campus, not theirs
        (person(Role.PARTICIPANT), SOUTH_MATCH, Decision.HIDDEN),  # a campus they cannot see
        (person(Role.PARTICIPANT), OTHER_INSTITUTION, Decision.HIDDEN),  # same subject, another institution
        (person(Role.COORDINATOR, subject="c"), NORTH_MATCH, Decision.ALLOW),
        (person(Role.COORDINATOR, subject="c"), SOUTH_MATCH, Decision.HIDDEN),  # campus A coordinator on campus B
        (person(Role.COORDINATOR, subject="c", programs=("arts",)), NORTH_MATCH, Decision.FORBIDDEN),  # not their program
        (person(Role.ADMIN, subject="a", campuses=()), SOUTH_MATCH, Decision.ALLOW),
        (person(Role.ADMIN, subject="a"), OTHER_INSTITUTION, Decision.HIDDEN),  # admin of X on Y
        (person(subject="me"), NORTH_MATCH, Decision.FORBIDDEN),  # no role at all: known, not allowed
    ],
)
def test_who_may_touch_what(principal: Principal, resource: Tenancy, expected: Decision) -> None:
    assert decide(principal, resource) is expected


def test_actions_closed_to_a_role_are_forbidden_not_hidden() -> None:
    coordinator = person(Role.COORDINATOR, subject="c")
    assert decide(coordinator, NORTH_MATCH, coordinators_may=False) is Decision.FORBIDDEN
    assert decide(person(Role.PARTICIPANT), NORTH_MATCH, owners_may=False) is Decision.FORBIDDEN


def test_m7_an_address_counts_as_the_persons_only_when_the_issuer_says_it_verified_it() -> None:
    base = {"sub": "u", "institution": "nb", "email": "a@u.example.edu"}
    assert principal_from_claims(base, ClaimMapping()).email is None  # silence is not a vouch
    assert principal_from_claims(base | {"email_verified": True}, ClaimMapping()).email == "a@u.example.edu"
    assert principal_from_claims(base | {"email_verified": False}, ClaimMapping()).email is None
    assert principal_from_claims(base | {"email_verified": "true"}, ClaimMapping()).email is None  # a string is no vouch
    trusting = ClaimMapping(email_verified_by_default=True)  # an IdP that releases verified addresses only
    assert principal_from_claims(base, trusting).email == "a@u.example.edu"
    assert principal_from_claims(base | {"email_verified": False}, trusting).email is None


def test_m8_the_facts_programs_rules_read_come_from_the_configured_claims() -> None:
    base = {"sub": "u", "institution": "nb"}
    facts = principal_from_claims(
        base | {"affiliation": ["Student"], "year_of_study": "2", "department": "Physics"}, ClaimMapping()
    )
    assert (facts.affiliation, facts.year_of_study, facts.department) == ("student", 2, "Physics")
    mapped = ClaimMapping(affiliation="ldap.eduPersonAffiliation", year_of_study="ldap.year", department="ldap.ou")
    other = principal_from_claims(base | {"ldap": {"eduPersonAffiliation": "staff", "year": 3}}, mapped)
    assert (other.affiliation, other.year_of_study, other.department) == ("staff", 3, None)
    for year in (True, "two", 2.5, "²"):
        assert principal_from_claims(base | {"year_of_study": year}, ClaimMapping()).year_of_study is None
    assert principal_from_claims(base, ClaimMapping()).affiliation is None


def test_the_reserved_tenant_of_rows_from_before_identity_is_no_tokens_institution() -> None:
    with pytest.raises(ClaimsIncomplete, match="reserved"):
        principal_from_claims({"sub": "u", "institution": "unassigned"}, ClaimMapping())


def test_a_platform_service_is_no_person_and_reads_only_what_is_opened_to_services() -> None:
    service = principal_from_claims(
        {"sub": "svc-matching", "roles": ["service", "admin"], "azp": "mesh-matching"}, ClaimMapping()
    )
    assert service.roles == frozenset({Role.SERVICE}) and service.is_service and not service.is_admin  # never also admin
    assert service.institution == "*" and service.campuses == frozenset()
    for resource in (NORTH_MATCH, SOUTH_MATCH, OTHER_INSTITUTION):
        assert decide(service, resource) is Decision.HIDDEN  # nothing unless a route opens it
        assert decide(service, resource, services_may=True) is Decision.ALLOW  # in every institution
    assert decide(person(Role.PARTICIPANT), SOUTH_MATCH, services_may=True) is Decision.HIDDEN  # opens nothing to people
    renamed = principal_from_claims(
        {"sub": "s", "roles": ["mesh-service"], "azp": "mesh-notify"}, ClaimMapping(role_names={Role.SERVICE: "mesh-service"})
    )
    assert renamed.is_service


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u", "roles": ["service"], "azp": "portal"},  # another client of the realm
        {"sub": "u", "roles": ["service"]},  # no client at all
        {"sub": "u", "roles": ["service"], "client_id": "mesh-cli"},  # a people's app, not a service
        {"sub": "u", "roles": ["service"], "azp": "mesh-matching", "institution": "nb"},  # a person's token: it has a tenant
    ],
)
def test_m6_the_service_role_counts_only_in_a_platform_service_clients_token(claims) -> None:
    with pytest.raises(ClaimsIncomplete, match="service"):
        principal_from_claims(claims, ClaimMapping())


def test_l11_a_string_claim_is_one_value_unless_the_idp_is_said_to_delimit_with_spaces() -> None:
    claims = {"sub": "u", "institution": "nb", "roles": "Study, admin", "campuses": "north south"}
    principal = principal_from_claims(claims, ClaimMapping())
    assert principal.roles == frozenset() and principal.campuses == frozenset({"north south"})  # grants nothing
    spaced = principal_from_claims(claims | {"roles": "participant admin"}, ClaimMapping(space_delimited_lists=True))
    assert spaced.roles == frozenset({Role.PARTICIPANT, Role.ADMIN}) and spaced.campuses == frozenset({"north", "south"})


def test_l5_the_reserved_tenant_is_no_institution_a_feed_url_or_an_event_may_name() -> None:
    from pydantic import ValidationError

    from mentoring_contracts.envelope import new_envelope
    from mesh_runtime.identity.claims import UNASSIGNED, is_institution_id
    from tests.support.factories import joined

    assert is_institution_id("northbridge") and not is_institution_id(UNASSIGNED) and not is_institution_id("*")
    assert new_envelope(joined(), source="/t", institution="northbridge").institution == "northbridge"
    with pytest.raises(ValidationError, match="reserved"):
        new_envelope(joined(), source="/t", institution=UNASSIGNED)
