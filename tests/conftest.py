"""Shared users and data for the whole suite."""

import pytest
from django.core.management import call_command

from accounts.models import Membership
from municipalities.models import KKR, Municipality
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def reference_data(db):
    """The real KKRs, municipalities and frameworks from fixtures/."""
    call_command("loaddata", "municipalities", "frameworks", verbosity=0)


@pytest.fixture
def hovedstaden(reference_data) -> KKR:
    return KKR.objects.get(slug="hovedstaden")


@pytest.fixture
def own_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="101")  # København


@pytest.fixture
def other_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="147")  # Frederiksberg, same KKR


@pytest.fixture
def foreign_municipality(reference_data) -> Municipality:
    return Municipality.objects.get(code="751")  # Aarhus, KKR Midtjylland


@pytest.fixture
def coordinator(own_municipality):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=own_municipality, user__full_name="Kim Kbh"
    ).user


@pytest.fixture
def other_coordinator(other_municipality):
    return MembershipFactory(role=Membership.Role.COORDINATOR, municipality=other_municipality).user


@pytest.fixture
def foreign_coordinator(foreign_municipality):
    return MembershipFactory(
        role=Membership.Role.COORDINATOR, municipality=foreign_municipality
    ).user


@pytest.fixture
def secretariat(hovedstaden):
    return MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=hovedstaden, municipality=None
    ).user


@pytest.fixture
def foreign_secretariat(reference_data):
    return MembershipFactory(
        role=Membership.Role.SECRETARIAT,
        kkr=KKR.objects.get(slug="midtjylland"),
        municipality=None,
    ).user


@pytest.fixture
def politician(hovedstaden):
    return MembershipFactory(
        role=Membership.Role.POLITICIAN, kkr=hovedstaden, municipality=None
    ).user


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)
