"""Issue #12's defects 1, 2 and 3, each with the probe that found it."""

import datetime
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Membership, RoleOffer
from accounts.permissions import can_manage_user
from core.validators import contains_cpr_number, validate_links, validate_single_line
from mappings.models import MappingDocument
from meetings.models import Meeting, MeetingAttachment
from municipalities.models import Municipality
from reporting.models import Report, ReportEntry
from reporting.services import attachments as attachment_services
from reporting.services import reports as report_services
from tests.constraints import violates
from tests.factories import (
    TEST_PASSWORD,
    MappingFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


# --- defect 1: the lock-out holds against every spelling of the address -----------------------


def _case_variants(email: str, count: int) -> list[str]:
    """Spellings of one address that differ only in case (and surrounding spaces)."""
    local, _at, domain = email.partition("@")
    variants = [email.upper(), email.title(), f"{local}@{domain.upper()}"]
    variants += [f"{local[:n].upper()}{local[n:]}@{domain.upper()}" for n in range(1, 4)]
    variants += [f"{local.capitalize()}@{domain[:n].upper()}{domain[n:]}" for n in range(1, 4)]
    variants.append(f"  {email.upper()}  ")
    return variants[:count]


def test_forty_failures_over_ten_case_variants_lock_the_account(client, coordinator):
    variants = _case_variants(coordinator.email, 10)
    assert len(set(variants)) == 10
    assert coordinator.email not in variants

    for attempt in range(40):
        client.post(
            reverse("accounts:login"),
            {"username": variants[attempt % 10], "password": "forkert"},
        )
    right_password = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email.upper(), "password": TEST_PASSWORD},
    )

    assert right_password.status_code == HTTPStatus.TOO_MANY_REQUESTS
    assert "_auth_user_id" not in client.session
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {coordinator.email}


def test_failures_from_many_addresses_lock_the_account_everywhere(client, coordinator, settings):
    for attempt in range(settings.ACCOUNT_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": "forkert"},
            REMOTE_ADDR=f"198.51.100.{attempt}",
        )

    fresh_address = client.post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="203.0.113.1",
    )

    assert fresh_address.status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_few_failures_from_one_address_do_not_lock_the_account_elsewhere(
    client, coordinator, settings
):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": coordinator.email, "password": "forkert"},
            REMOTE_ADDR="198.51.100.1",
        )

    elsewhere = Client().post(
        reverse("accounts:login"),
        {"username": coordinator.email, "password": TEST_PASSWORD},
        REMOTE_ADDR="203.0.113.1",
    )

    assert elsewhere.status_code == HTTPStatus.FOUND


# --- defect 2: an existing account is never pulled into a KKR ---------------------------------


@pytest.fixture
def invite_as(client, django_capture_on_commit_callbacks):
    def post(actor, email, organisation="municipality:151"):
        client.force_login(actor)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("accounts:user_invite"),
                {
                    "email": email,
                    "full_name": "Nogen",
                    "role": Membership.Role.SECRETARIAT
                    if organisation.startswith("kkr")
                    else Membership.Role.COORDINATOR,
                    "organisation": organisation,
                },
                follow=True,
            )

    return post


def _message(response) -> str:
    [message] = list(get_messages(response.wsgi_request))
    return str(message).replace("ny@kommune.dk", "ADDRESS").replace("anden@example.dk", "ADDRESS")


def test_inviting_the_superuser_does_not_pull_them_in_or_let_the_kkr_unlock_them(
    invite_as, client, secretariat, superuser
):
    kkr_id = secretariat.memberships.get().kkr_id
    invite_as(secretariat, superuser.email.upper(), organisation=f"kkr:{kkr_id}")

    assert not superuser.memberships.exists()
    assert superuser.role_offers.count() == 1
    assert client.get(reverse("accounts:user_detail", args=[superuser.pk])).status_code == 404
    superuser.is_active = False
    superuser.save()
    for action in ["accounts:user_unlock", "accounts:user_reactivate"]:
        assert client.post(reverse(action, args=[superuser.pk])).status_code == 404
    superuser.refresh_from_db()
    assert not superuser.is_active


def test_the_invite_form_says_the_same_whether_an_address_has_an_account(
    invite_as, secretariat, foreign_coordinator
):
    new = invite_as(secretariat, "ny@kommune.dk")
    existing = invite_as(secretariat, foreign_coordinator.email)

    assert new.redirect_chain == existing.redirect_chain == [(reverse("accounts:user_list"), 302)]
    assert _message(new) == _message(existing).replace(foreign_coordinator.email, "ADDRESS")
    assert not foreign_coordinator.memberships.filter(municipality_id=151).exists()


def test_a_declined_offer_leaves_the_account_as_it_was(invite_as, client, secretariat, coordinator):
    other = UserFactory(email="anden@example.dk")
    MembershipFactory(user=other, municipality_id=751)  # Aarhus, another KKR
    invite_as(secretariat, other.email)
    offer = RoleOffer.objects.get(user=other)

    client.force_login(coordinator)
    assert client.post(reverse("accounts:role_offer_answer", args=[offer.pk])).status_code == 404
    client.force_login(other)
    client.post(reverse("accounts:role_offer_answer", args=[offer.pk]), {"answer": "decline"})

    assert list(other.memberships.values_list("municipality_id", flat=True)) == [751]
    assert not RoleOffer.objects.exists()


def test_a_secretariat_manages_only_people_whose_every_role_is_in_its_kkr(
    client, secretariat, coordinator
):
    MembershipFactory(user=coordinator, municipality_id=751)  # Aarhus, KKR Midtjylland
    coordinator.is_active = False
    coordinator.save()
    client.force_login(secretariat)

    detail = client.get(reverse("accounts:user_detail", args=[coordinator.pk]))
    reactivate = client.post(reverse("accounts:user_reactivate", args=[coordinator.pk]))
    unlock = client.post(reverse("accounts:user_unlock", args=[coordinator.pk]))
    change = client.post(
        reverse(
            "accounts:membership_change_role",
            args=[coordinator.memberships.get(municipality_id=101).pk],
        ),
        {"role": Membership.Role.POLITICIAN},
    )

    assert detail.status_code == HTTPStatus.OK
    assert "Genaktivér bruger" not in detail.content.decode()
    assert reactivate.status_code == unlock.status_code == change.status_code == 403
    coordinator.refresh_from_db()
    assert not coordinator.is_active
    assert coordinator.memberships.get(municipality_id=101).role == Membership.Role.COORDINATOR


def test_can_manage_user(secretariat, foreign_secretariat, coordinator, superuser):
    assert can_manage_user(secretariat, coordinator)
    assert not can_manage_user(foreign_secretariat, coordinator)
    assert not can_manage_user(secretariat, superuser)
    assert can_manage_user(superuser, coordinator)
    assert not can_manage_user(coordinator, coordinator)


def test_a_role_offer_is_held_to_the_rules_of_the_membership_it_becomes(
    hovedstaden, own_municipality
):
    person = UserFactory()

    with violates(RoleOffer, "role_offer_secretariat_belongs_to_kkr"):
        RoleOffer.objects.create(
            user=person, role=Membership.Role.SECRETARIAT, municipality=own_municipality
        )
    with violates(RoleOffer, "role_offer_coordinator_belongs_to_municipality"):
        RoleOffer.objects.create(user=person, role=Membership.Role.COORDINATOR, kkr=hovedstaden)
    with violates(RoleOffer, "role_offer_exactly_one_organisation"):
        RoleOffer.objects.create(
            user=person,
            role=Membership.Role.POLITICIAN,
            kkr=hovedstaden,
            municipality=own_municipality,
        )
    assert not RoleOffer.objects.exists()


@pytest.mark.parametrize("has_account", [False, True], ids=["new person", "existing account"])
@pytest.mark.parametrize(
    ("role", "in_kkr", "in_municipality", "message"),
    [
        ("secretariat", False, True, "Et sekretariatsmedlemskab hører til et KKR."),
        ("coordinator", True, False, "Et koordinatormedlemskab hører til en kommune."),
        ("politician", True, True, "Vælg enten et KKR eller en kommune, ikke begge."),
    ],
)
def test_an_invitation_to_a_role_that_does_not_fit_its_organisation_is_refused_alike(
    secretariat,
    hovedstaden,
    own_municipality,
    has_account,
    role,
    in_kkr,
    in_municipality,
    message,
):
    if has_account:
        UserFactory(email="anden@example.dk")
    memberships_before = Membership.objects.count()

    with pytest.raises(ValidationError) as refused:
        account_services.user_invite(
            actor=secretariat,
            email="anden@example.dk",
            full_name="Nogen",
            role=role,
            kkr=hovedstaden if in_kkr else None,
            municipality=own_municipality if in_municipality else None,
        )

    assert refused.value.messages == [message]
    assert Membership.objects.count() == memberships_before
    assert not RoleOffer.objects.exists()


# --- defect 3: only web and e-mail links in a report --------------------------------------------


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "vbscript:msgbox(1)",
        "//evil.example/",
        "https://",
    ],
)
def test_a_report_link_that_is_not_web_or_mail_is_refused_by_the_service(
    coordinator, own_report, link
):
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    data = report_services.EntryData(
        entry_id=entry.pk,
        status=None,
        narrative="",
        method_ids=frozenset(),
        other_methods="",
        next_steps="",
        links=f"https://www.kk.dk/beslutning\n{link}",
        participation="",
        pilot_project_id=None,
    )

    with pytest.raises(ValidationError, match="er ikke et link, portalen kan vise"):
        report_services.report_save(
            actor=coordinator,
            report=own_report,
            expected_version=own_report.version,
            entries=[data],
            answers={},
            council_body="",
            council_date=None,
        )
    entry.refresh_from_db()
    assert entry.links == ""


@pytest.mark.parametrize(
    "link", ["https://www.kk.dk/beslutning", "http://kk.dk", "mailto:psykiatri@kk.dk"]
)
def test_web_and_mail_links_are_accepted(link):
    validate_links(link)


def test_a_link_saved_before_the_check_is_shown_as_text_not_as_a_link(
    client, coordinator, own_report
):
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    ReportEntry.objects.filter(pk=entry.pk).update(
        links="javascript:alert(1)\nhttps://www.kk.dk/beslutning"
    )
    client.force_login(coordinator)

    content = client.get(own_report.get_absolute_url()).content.decode()

    assert 'href="javascript:' not in content
    assert "javascript:alert(1)" in content
    assert 'href="https://www.kk.dk/beslutning"' in content


# --- defect 5: one CPR guard, however the number is written, everywhere -------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Borger 010190 1234 er udskrevet",
        "Borger 01.01.90-1234",
        "Borger 01-01-90-1234",
        "Borger 010190\u20111234",  # non-breaking hyphen
        "Borger 010190\u2013" + "1234",  # en dash
        "Borger \uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14",  # full width
        "Borger 010190\u00a01234",  # non-breaking space
    ],
)
def test_the_cpr_guard_sees_every_spelling(text):
    assert contains_cpr_number(text)


@pytest.mark.parametrize(
    "text",
    ["Tlf. 2443 7906", "Sag 2013-01454", "Dato 320199-1234", "Møde 01.01.2027 kl. 10"],
)
def test_the_cpr_guard_leaves_other_numbers_alone(text):
    assert not contains_cpr_number(text)


def test_the_deadline_extension_reason_is_guarded(own_report, secretariat):
    with pytest.raises(ValidationError, match="CPR-nummer"):
        report_services.report_extend_deadline(
            actor=secretariat,
            report=own_report,
            deadline=own_report.round.deadline + datetime.timedelta(days=10),
            reason="Borger 01.01.90-1234 er syg",
        )


def test_a_new_users_name_is_guarded(secretariat, reference_data):
    with pytest.raises(ValidationError, match="CPR-nummer"):
        account_services.user_invite(
            actor=secretariat,
            email="ny@kommune.dk",
            full_name="Nina 010190 1234",
            role=Membership.Role.COORDINATOR,
            municipality=Municipality.objects.get(code="151"),
        )
    with pytest.raises(ValidationError, match="CPR-nummer"):
        UserFactory.build(full_name="010190-1234").full_clean()


def test_an_attachment_file_name_is_guarded(own_report, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    upload = SimpleUploadedFile("journal 010190-1234.pdf", b"%PDF-1.4", "application/pdf")

    with pytest.raises(ValidationError, match="CPR-nummer"):
        attachment_services.attachment_add(actor=coordinator, entry=entry, upload=upload)


@pytest.mark.parametrize(
    "owner",
    [
        lambda: MeetingAttachment(meeting=MeetingFactory()),
        lambda: MappingDocument(mapping=MappingFactory()),
    ],
    ids=["meeting", "mapping"],
)
def test_every_stored_file_refuses_a_cpr_number_in_its_name_and_keeps_nothing(
    owner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    stored = owner()
    upload = SimpleUploadedFile("journal 010190-1234.pdf", b"%PDF-1.4", "application/pdf")

    with pytest.raises(ValidationError, match="CPR-nummer"):
        stored.keep(upload, name=upload.name, uploaded_by=None)

    assert type(stored).objects.count() == 0
    assert list(tmp_path.rglob("*.pdf")) == []


def test_a_stored_file_gets_a_random_name_in_its_owners_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = MeetingFactory()
    stored = MeetingAttachment(meeting=meeting)

    stored.keep(
        SimpleUploadedFile("Referat KKR.PDF", b"%PDF-1.4"), name="Referat KKR.PDF", uploaded_by=None
    )

    folder, name = stored.file.name.rsplit("/", 1)
    assert folder == f"moeder/{meeting.pk}/bilag"
    assert name.endswith(".pdf")
    assert "Referat" not in name
    assert (stored.original_name, stored.size, str(stored)) == (
        "Referat KKR.PDF",
        8,
        "Referat KKR.PDF",
    )


def test_an_entry_written_by_the_service_is_guarded(coordinator, own_report):
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    data = report_services.EntryData(
        entry_id=entry.pk,
        status=None,
        narrative="Borger 01-01-90-1234 deltog",
        method_ids=frozenset(),
        other_methods="",
        next_steps="",
        links="",
        participation="",
        pilot_project_id=None,
    )

    with pytest.raises(ValidationError, match="CPR-nummer"):
        report_services.report_save(
            actor=coordinator,
            report=own_report,
            expected_version=own_report.version,
            entries=[data],
            answers={},
            council_body="",
            council_date=None,
        )


# --- defect 8: a deadline extension only while the municipality works, within a year ----------


def test_no_deadline_extension_for_an_approved_report(own_report, secretariat):
    Report.objects.filter(pk=own_report.pk).update(status=Report.Status.APPROVED)

    with pytest.raises(ValidationError, match="stadig arbejder på"):
        report_services.report_extend_deadline(
            actor=secretariat,
            report=own_report,
            deadline=own_report.round.deadline + datetime.timedelta(days=10),
            reason="Byrådet behandler sagen i januar.",
        )


def test_no_deadline_extension_to_the_year_9999(own_report, secretariat):
    with pytest.raises(ValidationError, match="højst forlænges med et år"):
        report_services.report_extend_deadline(
            actor=secretariat,
            report=own_report,
            deadline=datetime.date(9999, 12, 31),
            reason="Byrådet behandler sagen i januar.",
        )
    extended = report_services.report_extend_deadline(
        actor=secretariat,
        report=own_report,
        deadline=own_report.round.deadline + datetime.timedelta(days=365),
        reason="Byrådet behandler sagen næste år.",
    )
    assert extended.deadline == own_report.round.deadline + datetime.timedelta(days=365)


# --- defect 7: a partial POST to the report form is refused, never a wipe ----------------------


def test_a_partial_post_to_the_report_form_is_refused_and_wipes_nothing(
    client, coordinator, own_report
):
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    ReportEntry.objects.filter(pk=entry.pk).update(narrative="Vi har uddannet alle.", status=2)
    url = reverse("reporting:report_edit", kwargs={"pk": own_report.pk})
    client.force_login(coordinator)

    response = client.post(url, {"report-version": str(own_report.version), "action": "save"})

    assert response.status_code == HTTPStatus.OK
    assert "Feltet manglede i det indsendte, så intet er gemt." in response.content.decode()
    entry.refresh_from_db()
    assert entry.narrative == "Vi har uddannet alle."
    assert entry.status == 2
    own_report.refresh_from_db()
    assert own_report.version == 1


# --- defect 6: single-line fields refuse control characters ------------------------------------


@pytest.mark.parametrize("value", ["Anne\nBcc: x@example.dk", "Anne\r", "Anne\tHansen", "A\x00"])
def test_single_line_fields_refuse_control_characters(value):
    with pytest.raises(ValidationError, match="Feltet skal stå på én linje"):
        validate_single_line(value)
    with pytest.raises(ValidationError, match="Feltet skal stå på én linje"):
        UserFactory.build(full_name=value).full_clean()


def test_a_meeting_title_is_one_line():
    field = Meeting._meta.get_field("title")

    with pytest.raises(ValidationError, match="Feltet skal stå på én linje"):
        field.run_validators("Møde\nBcc: alle@example.dk")
