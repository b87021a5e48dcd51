"""A person's data: export, and anonymisation of a departed user that keeps history whole."""

import json
import re
from http import HTTPStatus

import pytest
from axes.models import AccessAttempt, AccessLog
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Membership, User
from privacy.services import user_anonymise, user_export
from reporting.models import ReportEntry, ReportEvent
from reporting.services import attachments as attachment_services
from reporting.services import reports as report_services

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def departed(coordinator, own_report, client):
    """The coordinator has saved a draft, changed an entry, attached a file and signed in."""
    report_services.report_save(
        actor=coordinator,
        report=own_report,
        expected_version=own_report.version,
        entries=[],
        answers={},
        council_body="Sundhedsudvalget",
        council_date=None,
    )
    entry = own_report.entries.filter(initiative_kind="mandatory").first()
    entry.narrative = "Vi arbejder med recovery."
    entry._history_user = coordinator  # what HistoryRequestMiddleware sets in a request
    entry.save()
    attachment_services.attachment_add(
        actor=coordinator, entry=entry, upload=SimpleUploadedFile("plan.pdf", b"%PDF-1.7\n")
    )
    AccessAttempt.objects.create(
        username=coordinator.email,
        ip_address="127.0.0.1",
        user_agent="test",
        failures_since_start=2,
    )
    AccessLog.objects.create(username=coordinator.email, ip_address="127.0.0.1", user_agent="test")
    client.force_login(coordinator)
    return coordinator


def _user_sessions(user):
    return [s for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]


def test_export_holds_the_account_memberships_actions_and_logins(departed, own_report):
    data = user_export(user=departed)

    assert data["bruger"]["id"] == departed.pk
    assert data["bruger"]["e_mail"] == departed.email
    assert data["bruger"]["navn"] == "Kim Kbh"
    assert [m["rolle"] for m in data["medlemskaber"]] == ["Kommunal koordinator"]
    assert data["medlemskaber"][0]["organisation"] == "København"
    actions = {(a["model"], a["felt"]): a["rækker"] for a in data["handlinger"]}
    assert [row["action"] for row in actions[("reporting.reportevent", "actor")]] == ["saved"]
    [history] = actions[("reporting.historicalreportentry", "history_user")]
    assert history["narrative"] == "Vi arbejder med recovery."
    assert [row["original_name"] for row in actions[("reporting.attachment", "uploaded_by")]] == [
        "plan.pdf"
    ]
    assert {r["model"] for r in data["loginforsøg"]} == {"axes.accessattempt", "axes.accesslog"}
    assert data["aktive_sessioner"] == 1
    assert "password" not in json.dumps(data, default=str)


def test_anonymise_keeps_the_row_and_its_history_and_removes_what_names_the_person(
    departed, own_report, superuser, other_coordinator
):
    user_id, email = departed.pk, departed.email
    history_before = ReportEntry.history.filter(history_user_id=user_id).count()
    assert history_before == 1

    user_anonymise(actor=superuser, user=departed)

    departed.refresh_from_db()
    assert departed.pk == user_id
    assert departed.email == f"slettet-{user_id}@anonymiseret.invalid"
    assert departed.full_name == ""
    assert not departed.has_usable_password()
    assert not departed.is_active
    assert str(departed) == departed.get_full_name() == "Slettet bruger"
    assert not Membership.objects.filter(user_id=user_id).exists()
    assert not AccessAttempt.objects.filter(username__iexact=email).exists()
    assert not AccessLog.objects.filter(username__iexact=email).exists()
    assert _user_sessions(departed) == []
    # History and events still point at the same user id.
    assert ReportEntry.history.filter(history_user_id=user_id).count() == history_before
    assert ReportEvent.objects.filter(actor_id=user_id).count() == 1
    assert own_report.entries.get(attachments__isnull=False).attachments.get().uploaded_by_id == (
        user_id
    )
    # Nobody else was touched.
    other_coordinator.refresh_from_db()
    assert other_coordinator.is_active
    assert other_coordinator.memberships.count() == 1


def test_history_and_report_pages_show_a_deleted_user(departed, own_report, superuser, client):
    user_anonymise(actor=superuser, user=departed)
    client.force_login(superuser)

    history = client.get(reverse("reporting:report_history", kwargs={"pk": own_report.pk}))
    detail = client.get(own_report.get_absolute_url())

    assert history.status_code == detail.status_code == HTTPStatus.OK
    assert "Slettet bruger" in history.content.decode()
    assert "Kim Kbh" not in history.content.decode()
    assert "Slettet bruger" in detail.content.decode()


def test_anonymise_twice_is_refused(departed, superuser):
    user_anonymise(actor=superuser, user=departed)

    with pytest.raises(ValidationError) as refused:
        user_anonymise(actor=superuser, user=departed)

    assert refused.value.messages == ["Brugeren er allerede anonymiseret."]


def test_only_a_superuser_anonymises_and_not_their_own_account(departed, secretariat, superuser):
    with pytest.raises(PermissionDenied, match=re.escape("Du kan ikke anonymisere denne bruger.")):
        user_anonymise(actor=secretariat, user=departed)
    with pytest.raises(PermissionDenied):
        user_anonymise(actor=superuser, user=superuser)

    departed.refresh_from_db()
    assert departed.is_active
    assert departed.full_name == "Kim Kbh"


def test_admin_exports_a_users_data_as_json(departed, superuser, client):
    client.force_login(superuser)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "export_personal_data", ACTION_CHECKBOX_NAME: [departed.pk]},
    )

    assert response.status_code == HTTPStatus.OK
    assert (
        response["Content-Disposition"] == f'attachment; filename="persondata-{departed.pk}.json"'
    )
    [data] = json.loads(response.content)
    assert data["bruger"]["e_mail"] == departed.email


def test_admin_anonymises_after_confirmation(departed, superuser, client):
    client.force_login(superuser)
    url = reverse("admin:accounts_user_changelist")
    chosen = {"action": "anonymise_users", ACTION_CHECKBOX_NAME: [departed.pk]}

    confirm = client.post(url, chosen)
    departed.refresh_from_db()
    assert confirm.status_code == HTTPStatus.OK
    assert "Det kan ikke fortrydes" in confirm.content.decode()
    assert departed.is_active

    done = client.post(url, {**chosen, "confirmed": "yes"}, follow=True)
    departed.refresh_from_db()
    assert done.status_code == HTTPStatus.OK
    assert "1 bruger er anonymiseret." in done.content.decode()
    assert departed.is_anonymised


def test_admin_actions_are_for_superusers_only(departed, client):
    staff = User.objects.create_user("drift@example.dk", "Et-godt-kodeord-123", is_staff=True)
    staff.user_permissions.add(*_user_admin_permissions())
    client.force_login(staff)
    url = reverse("admin:accounts_user_changelist")

    changelist = client.get(url)
    response = client.post(
        url, {"action": "anonymise_users", ACTION_CHECKBOX_NAME: [departed.pk], "confirmed": "yes"}
    )

    departed.refresh_from_db()
    assert changelist.status_code == HTTPStatus.OK
    assert "anonymise_users" not in changelist.content.decode()
    assert "export_personal_data" not in changelist.content.decode()
    assert response.status_code == HTTPStatus.FOUND  # back to the list: no such action
    assert departed.is_active


def _user_admin_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(content_type__app_label="accounts", codename__endswith="user")


def test_management_commands_export_and_anonymise(departed, tmp_path, capsys):
    output = tmp_path / "export.json"

    call_command("export_user_data", departed.email.upper(), output=str(output))
    call_command("anonymise_user", str(departed.pk), yes=True)

    assert json.loads(output.read_text())["bruger"]["id"] == departed.pk
    assert (
        f"Bruger {departed.pk} er anonymiseret som slettet-{departed.pk}" in capsys.readouterr().out
    )
    departed.refresh_from_db()
    assert departed.is_anonymised
    with pytest.raises(CommandError, match=re.escape("Brugeren er allerede anonymiseret.")):
        call_command("anonymise_user", str(departed.pk), yes=True)
    with pytest.raises(
        CommandError, match=re.escape("Ingen bruger med id eller e-mail ukendt@example.dk.")
    ):
        call_command("export_user_data", "ukendt@example.dk")
