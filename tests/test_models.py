"""Database-enforced invariants of the reference models."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import Membership
from commitments.models import Framework
from tests.factories import (
    FrameworkFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    KKRFactory,
    MunicipalityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_duplicate_municipality_code_is_rejected():
    MunicipalityFactory(code="950")

    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(code="950")


def test_municipality_code_must_be_three_digits_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        MunicipalityFactory(code="12a")


def test_municipality_code_error_message_is_danish():
    municipality = MunicipalityFactory.build(code="1234", kkr=KKRFactory())

    with pytest.raises(ValidationError) as error:
        municipality.full_clean()

    assert "Kommunekoden skal bestå af tre cifre." in error.value.message_dict["code"]


def test_initiative_code_is_unique_within_a_framework():
    first = InitiativeFactory(code="1.F1")

    with pytest.raises(IntegrityError), transaction.atomic():
        InitiativeFactory(code="1.F1", block=first.block)


def test_same_initiative_code_is_allowed_in_another_framework():
    InitiativeFactory(code="1.F1")
    other = InitiativeFactory(code="1.F1")

    assert other.pk is not None


def test_initiative_block_must_belong_to_its_framework():
    initiative = InitiativeFactory.build(
        block=InitiativeBlockFactory(), framework=FrameworkFactory()
    )

    with pytest.raises(ValidationError) as error:
        initiative.full_clean()

    assert error.value.message_dict["block"] == ["Blokken skal høre til indsatsens rammepapir."]


def test_adopted_framework_needs_adoption_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(status=Framework.Status.ADOPTED, adopted_on=None)


def test_implementation_period_must_be_ordered():
    with pytest.raises(IntegrityError), transaction.atomic():
        FrameworkFactory(implementation_start=2016, implementation_end=2014)


def test_membership_needs_exactly_one_organisation():
    user = UserFactory()
    municipality = MunicipalityFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=user,
            role=Membership.Role.POLITICIAN,
            kkr=municipality.kkr,
            municipality=municipality,
        )


def test_secretariat_membership_belongs_to_a_kkr():
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=UserFactory(),
            role=Membership.Role.SECRETARIAT,
            municipality=MunicipalityFactory(),
        )


def test_user_email_login_is_case_insensitive():
    user = UserFactory(email="anne@example.dk")

    from accounts.models import User

    assert User.objects.get_by_natural_key("ANNE@example.dk") == user
