"""Database-enforced invariants of the reference models, each matched by its constraint."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Membership
from commitments.models import Framework, Initiative
from municipalities.models import Municipality
from tests.constraints import violates, violates_unique
from tests.factories import (
    FrameworkFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    KKRFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CODE_MESSAGE = (
    "Koden skal bestå af områdets nummer, eventuelt et bogstav for blokken, et punktum, F "
    "(forpligtende) eller P (pilotprojekt) og et nummer, fx 1.F2 eller 1b.P1."
)


def test_duplicate_municipality_code_is_rejected():
    MunicipalityFactory(code="950")

    with violates_unique(Municipality, "code"):
        MunicipalityFactory(code="950")


def test_municipality_code_must_be_three_digits_in_the_database():
    with violates(Municipality, "municipality_code_three_digits"):
        MunicipalityFactory(code="12a")


def test_municipality_code_error_message_is_danish():
    municipality = MunicipalityFactory.build(code="1234", kkr=KKRFactory())

    with pytest.raises(ValidationError) as error:
        municipality.full_clean()

    assert "Kommunekoden skal bestå af tre cifre." in error.value.message_dict["code"]


def test_initiative_code_is_unique_within_a_framework():
    first = InitiativeFactory(code="1.F1")

    with violates(Initiative, "initiative_code_unique_in_framework"):
        InitiativeFactory(code="1.F1", block=first.block)


def test_same_initiative_code_is_allowed_in_another_framework():
    InitiativeFactory(code="1.F1")
    other = InitiativeFactory(code="1.F1")

    assert other.pk is not None


def test_every_real_initiative_code_has_the_code_format():
    codes = [
        item["fields"]["code"]
        for item in json.loads((FIXTURES / "frameworks.json").read_text())
        if item["model"] == "commitments.initiative"
    ]

    for code in codes:
        Initiative._meta.get_field("code").run_validators(code)
    assert {"1.F1", "1b.F3", "4.P3"} <= set(codes)


# ":" and "," would break the heat map's "code:value" pairs, "/", "?", "#", "." and ".." the
# addresses that carry the code as a path segment.
BAD_CODES = ["1:F3", "1,F3", "1/F3", "1.F3?", "1.F3#", ".", "..", "1.F3 ", "1.f3", "1.X3", ""]


@pytest.mark.parametrize("code", BAD_CODES)
def test_initiative_code_outside_the_format_is_refused_with_a_danish_message(code):
    initiative = InitiativeFactory(code="1.F1")
    initiative.code = code

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert error.value.message_dict["code"] == [
        "Dette felt kan ikke være tomt." if code == "" else CODE_MESSAGE
    ]


@pytest.mark.parametrize("code", [*BAD_CODES, "1.F3\n"])
def test_initiative_code_outside_the_format_is_refused_by_the_database(code):
    initiative = InitiativeFactory(code="1.F1")

    with violates(Initiative, "initiative_code_format"):
        Initiative.objects.filter(pk=initiative.pk).update(code=code)

    initiative.code = code
    with pytest.raises(ValidationError) as error:
        initiative.validate_constraints()
    assert error.value.messages == [CODE_MESSAGE]


def test_initiative_block_must_belong_to_its_framework():
    initiative = InitiativeFactory.build(
        block=InitiativeBlockFactory(), framework=FrameworkFactory()
    )

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert error.value.message_dict["block"] == ["Blokken skal høre til indsatsens rammepapir."]


def test_adopted_framework_needs_adoption_date():
    with violates(Framework, "framework_adopted_has_date"):
        FrameworkFactory(status=Framework.Status.ADOPTED, adopted_on=None)


def test_implementation_period_must_be_ordered():
    with violates(Framework, "framework_implementation_period_ordered"):
        FrameworkFactory(implementation_start=2016, implementation_end=2014)


def test_membership_needs_exactly_one_organisation():
    user = UserFactory()
    municipality = MunicipalityFactory()

    with violates(Membership, "membership_exactly_one_organisation"):
        Membership.objects.create(
            user=user,
            role=Membership.Role.POLITICIAN,
            kkr=municipality.kkr,
            municipality=municipality,
        )


def test_secretariat_membership_belongs_to_a_kkr():
    with violates(Membership, "membership_secretariat_belongs_to_kkr"):
        Membership.objects.create(
            user=UserFactory(),
            role=Membership.Role.SECRETARIAT,
            municipality=MunicipalityFactory(),
        )


def test_user_email_login_is_case_insensitive():
    user = UserFactory(email="anne@example.dk")

    from accounts.models import User

    assert User.objects.get_by_natural_key("ANNE@example.dk") == user
