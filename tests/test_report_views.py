"""The report form, its attachments, the secretariat's review and the report's history."""

from http import HTTPStatus

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email

from core.uploads import ATTACHMENT_MAX_BYTES
from core.validators import CPR_MESSAGE
from reporting.models import Attachment, Report, ReportEntry, ReportEvent, ReportingRound
from reporting.services import reports as report_services
from tests.factories import (
    AttachmentFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db

Status = ReportEntry.ImplementationStatus
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"


def _edit_url(report, section=None):
    url = reverse("reporting:report_edit", kwargs={"pk": report.pk})
    return f"{url}?omraade={section}" if section else url


def _submit_url(report):
    return reverse("reporting:report_submit", kwargs={"pk": report.pk})


def _form_data(response) -> dict:
    """What the browser would send back unchanged: every field's current value."""
    data = {}
    for form in response.context["form"].forms:
        for field in form:
            value = field.value()
            if isinstance(value, list):
                data[field.html_name] = [str(v) for v in value]
            else:
                data[field.html_name] = "" if value is None else str(value)
    return data


def _load(client, report, section=None) -> dict:
    response = client.get(_edit_url(report, section))
    assert response.status_code == HTTPStatus.OK
    return _form_data(response)


def _entries(report):
    entries = list(report.entries.order_by("position"))
    mandatory = [e for e in entries if e.is_mandatory]
    pilots = [e for e in entries if not e.is_mandatory]
    return mandatory, pilots


def _fill_all(report, user):
    """Complete every entry through the service, as if typed in earlier sessions."""
    data = []
    for entry in report.entries.all():
        data.append(
            report_services.EntryData(
                entry_id=entry.pk,
                status=Status.IN_PROGRESS if entry.is_mandatory else None,
                narrative="Vi arbejder med det i alle centre." if entry.is_mandatory else "",
                method_ids=frozenset(),
                other_methods="",
                next_steps="",
                links="",
                participation="" if entry.is_mandatory else "no",
                pilot_project_id=None,
            )
        )
    return report_services.report_save(
        actor=user,
        report=report,
        expected_version=report.version,
        entries=data,
        answers={},
        council_body="Sundhedsudvalget",
        council_date=None,
    )


# --- the edit page ---------------------------------------------------------------------------


def test_edit_page_shows_one_area_with_a_contents_list_of_every_line(
    client, coordinator, own_report, django_assert_num_queries
):
    client.force_login(coordinator)

    # session, user (memberships in memory since the sign-in); report; entries; methods
    # (prefetch); attachments (prefetch); answers; questions; events; event actors
    # (prefetches shared with the report page); framework methods; pilot projects (the
    # editable check is a predicate, no query)
    with django_assert_num_queries(12):
        response = client.get(_edit_url(own_report, "1"))

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    entries = list(own_report.entries.order_by("position"))
    for entry in entries:
        # Every line is in the contents, with its state; only area 1's have fields.
        assert f'?omraade={entry.area_number}#indsats-{entry.pk}"' in content
        in_area = entry.area_number == 1
        field = "status" if entry.is_mandatory else "participation"
        assert (f'name="entry-{entry.pk}-{field}"' in content) is in_area
    assert any(e.area_number != 1 for e in entries)
    assert "0 af 24 linjer er færdige" in content
    assert content.count(">Ubesvaret</span>") == len(entries)
    for label in ["Ikke påbegyndt", "Planlagt", "I gang", "Implementeret", "Forankret i drift"]:
        assert f">{label}</option>" in content
    assert "Sådan arbejder kommunen med indsatsen" in content
    assert 'name="report-version" value="1"' in content
    assert 'data-report-section="1"' in content
    assert "Gem området" in content
    assert "Gem og gå til indsendelse" in content
    assert "Næste ubesvarede" in content
    assert 'name="answer-' not in content  # the political questions are their own section
    assert 'data-saved="false"' in content
    assert "<script>" not in content
    assert 'style="' not in content


def test_the_political_section_holds_the_council_fields_and_questions(
    client, coordinator, own_report
):
    client.force_login(coordinator)
    content = client.get(_edit_url(own_report, "politisk")).content.decode()
    assert 'name="report-council_body"' in content
    assert content.count('name="answer-') == own_report.answers.count()
    assert 'name="entry-' not in content
    assert "Gem politisk behandling" in content


def test_without_a_section_the_form_opens_at_the_first_with_work_left(
    client, coordinator, own_report
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)
    # Every line is answered: what is left are the political questions.
    response = client.get(_edit_url(own_report))
    assert response.context["political"] is True
    assert "24 af 24 linjer er færdige" in response.content.decode()


def test_methods_are_the_frameworks_and_pilot_projects_those_the_municipality_takes_part_in(
    client, coordinator, own_report, own_municipality, other_municipality
):
    mandatory, pilots = _entries(own_report)
    pilot = pilots[0]
    led = PilotProjectFactory(
        initiative=pilot.initiative, lead_municipality=own_municipality, title="Vi leder"
    )
    joined = PilotProjectFactory(
        initiative=pilot.initiative, lead_municipality=other_municipality, title="Vi deltager"
    )
    PilotParticipationFactory(project=joined, municipality=own_municipality)
    PilotProjectFactory(
        initiative=pilot.initiative, lead_municipality=other_municipality, title="Andres projekt"
    )
    client.force_login(coordinator)

    response = client.get(_edit_url(own_report))

    forms = {f.entry.pk: f for f in response.context["form"].entry_forms}
    assert [label for _pk, label in forms[pilot.pk].fields["pilot_project"].choices] == [
        "Intet pilotprojekt valgt",
        joined.title,  # "Vi deltager"
        led.title,  # "Vi leder"
    ]
    methods = own_report.round.framework.methods.order_by("name")
    assert [label for _pk, label in forms[mandatory[0].pk].fields["methods"].choices] == [
        m.name for m in methods
    ]


def test_saving_an_area_writes_its_fields_keeps_the_rest_and_bumps_the_version(
    client, coordinator, own_report
):
    mandatory, pilots = _entries(own_report)
    first = mandatory[0]
    second = next(e for e in mandatory[1:] if e.area_number == first.area_number)
    elsewhere = next(e for e in mandatory if e.area_number != first.area_number)
    ReportEntry.objects.filter(pk=elsewhere.pk).update(narrative="Fra en anden session.")
    section = str(first.area_number)
    method = own_report.round.framework.methods.first()
    client.force_login(coordinator)
    data = _load(client, own_report, section)
    assert f"entry-{elsewhere.pk}-narrative" not in data
    data.update(
        {
            f"entry-{first.pk}-status": str(Status.IN_PROGRESS),
            f"entry-{first.pk}-narrative": "Vi har uddannet alle jobkonsulenter.",
            f"entry-{first.pk}-methods": [str(method.pk)],
            f"entry-{first.pk}-other_methods": "Netværksmøder",
            f"entry-{first.pk}-next_steps": "Evaluering i foråret.",
            f"entry-{first.pk}-links": "https://www.kk.dk/beslutning",
            f"entry-{second.pk}-status": str(Status.NOT_STARTED),
            "action": "save",
        }
    )

    response = client.post(_edit_url(own_report, section), data)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _edit_url(own_report, section)
    own_report.refresh_from_db()
    first.refresh_from_db()
    assert own_report.version == 2
    assert first.status == Status.IN_PROGRESS
    assert first.narrative == "Vi har uddannet alle jobkonsulenter."
    assert list(first.methods.all()) == [method]
    assert first.other_methods == "Netværksmøder"
    assert first.links == "https://www.kk.dk/beslutning"
    assert ReportEntry.objects.get(pk=second.pk).status == Status.NOT_STARTED
    assert ReportEntry.objects.get(pk=elsewhere.pk).narrative == "Fra en anden session."
    assert own_report.status == Report.Status.DRAFT

    page = client.get(_edit_url(own_report, section))
    content = page.content.decode()
    assert "Kladden er gemt." in content
    assert 'data-saved="true"' in content
    assert 'name="report-version" value="2"' in content
    assert "Vi har uddannet alle jobkonsulenter." in content
    assert "2 af 24 linjer er færdige" in content
    # The flag is used once: a later visit may offer to restore unsaved changes again.
    assert 'data-saved="false"' in client.get(_edit_url(own_report, section)).content.decode()

    pilot = pilots[0]
    data = _load(client, own_report, str(pilot.area_number))
    data[f"entry-{pilot.pk}-participation"] = "considering"
    client.post(_edit_url(own_report, str(pilot.area_number)), data)
    assert ReportEntry.objects.get(pk=pilot.pk).participation == "considering"

    answer = own_report.answers.order_by("question__number").first()
    data = _load(client, own_report, "politisk")
    data[f"answer-{answer.pk}-answer"] = "Gennem en fælles handleplan."
    data["report-council_body"] = "Socialudvalget"
    data["report-council_date"] = "2026-11-20"
    assert client.post(_edit_url(own_report, "politisk"), data).status_code == HTTPStatus.FOUND
    answer.refresh_from_db()
    own_report.refresh_from_db()
    assert answer.answer == "Gennem en fælles handleplan."
    assert own_report.council_body == "Socialudvalget"
    assert str(own_report.council_date) == "2026-11-20"
    assert own_report.version == 4
    first.refresh_from_db()
    assert first.narrative == "Vi har uddannet alle jobkonsulenter."


def test_coordinator_confirms_a_carried_over_line_then_all_the_rest(
    client, coordinator, own_report
):
    earlier = ReportingRoundFactory(
        framework=own_report.round.framework,
        title="Statusopfølgning 2025",
        status=ReportingRound.Status.CLOSED,
    )
    Report.objects.filter(pk=own_report.pk).update(prefilled_from=earlier)
    own_report.entries.filter(initiative_kind="mandatory").update(
        status=Status.IN_PROGRESS, narrative="Fra sidste år."
    )
    own_report.entries.exclude(initiative_kind="mandatory").update(participation="no")
    own_report.entries.update(carried_over_from=earlier)
    first = own_report.entries.order_by("position").first()
    section = str(first.area_number)
    client.force_login(coordinator)

    page = client.get(_edit_url(own_report, section)).content.decode()
    assert "Overført – ikke bekræftet" in page  # the report's state
    assert page.count("Overført fra Statusopfølgning 2025 – bekræft eller ret") == len(
        [e for e in own_report.entries.all() if e.area_number == first.area_number]
    )
    assert "Bekræft alle 24 overførte svar" in page
    assert page.count(">Overført</span>") == 24  # in the contents
    assert "0 af 24 linjer er færdige" in page

    data = _load(client, own_report, section)
    data["confirm"] = str(first.pk)
    response = client.post(_edit_url(own_report, section), data)

    assert response.url == _edit_url(own_report, section) + f"#indsats-{first.pk}"
    carried = dict(own_report.entries.values_list("pk", "carried_over_from"))
    assert carried.pop(first.pk) is None
    assert set(carried.values()) == {earlier.pk}
    page = client.get(response.url).content.decode()
    assert "Det overførte svar er bekræftet." in page
    assert "1 af 24 linjer er færdige" in page

    data = _load(client, own_report, section)
    data["confirm"] = "all"
    client.post(_edit_url(own_report, section), data)
    assert not own_report.entries.filter(carried_over_from__isnull=False).exists()
    page = client.get(_edit_url(own_report, section)).content.decode()
    assert "23 overførte svar er bekræftet." in page
    assert "24 af 24 linjer er færdige" in page


def test_a_cpr_number_in_any_field_saves_nothing_and_keeps_what_was_typed(
    client, coordinator, own_report
):
    mandatory, _pilots = _entries(own_report)
    client.force_login(coordinator)
    data = _load(client, own_report)
    data[f"entry-{mandatory[0].pk}-narrative"] = "Vi har hjulpet en borger."
    data[f"entry-{mandatory[1].pk}-next_steps"] = "Opfølgning på 010203-1234 i januar."
    data["action"] = "save"

    response = client.post(_edit_url(own_report), data)

    assert response.status_code == HTTPStatus.OK
    content = response.content.decode()
    assert str(CPR_MESSAGE) in content
    assert "Rapporten er ikke gemt" in content
    assert f'href="#id_entry-{mandatory[1].pk}-next_steps"' in content
    assert "Vi har hjulpet en borger." in content
    assert "Opfølgning på 010203-1234 i januar." in content
    own_report.refresh_from_db()
    assert own_report.version == 1
    assert ReportEntry.objects.get(pk=mandatory[0].pk).narrative == ""


def test_submitting_goes_through_a_summary_of_what_is_open_with_links_to_each_field(
    client, coordinator, own_report
):
    mandatory, pilots = _entries(own_report)
    section = str(mandatory[0].area_number)
    client.force_login(coordinator)
    data = _load(client, own_report, section)
    data[f"entry-{mandatory[0].pk}-status"] = str(Status.IN_PROGRESS)  # but no narrative
    data["action"] = "submit"

    response = client.post(_edit_url(own_report, section), data)

    # The section is saved first, then the summary shows; nothing is submitted yet.
    assert response.status_code == HTTPStatus.FOUND
    assert response.url == _submit_url(own_report)
    own_report.refresh_from_db()
    assert own_report.version == 2
    assert ReportEntry.objects.get(pk=mandatory[0].pk).status == Status.IN_PROGRESS
    content = client.get(response.url).content.decode()
    assert "Rapporten kan ikke indsendes endnu" in content
    narrative_problem = "Beskriv, hvordan kommunen arbejder med indsatsen, når den er i gang."
    assert narrative_problem in content
    assert f'?omraade={section}#id_entry-{mandatory[0].pk}-narrative"' in content
    assert f'#id_entry-{mandatory[1].pk}-status"' in content
    assert f'?omraade={pilots[0].area_number}#id_entry-{pilots[0].pk}-participation"' in content
    assert "Angiv kommunens deltagelse i pilotindsatsen." in content
    assert "Ubesvarede politiske spørgsmål (3)" in content
    assert "?omraade=politisk#id_answer-" in content
    assert "Indsend alligevel" not in content  # refused: no button to submit

    refused = client.post(_submit_url(own_report), {"version": "2"})
    assert refused.status_code == HTTPStatus.OK
    assert "Rapporten kan ikke indsendes endnu: 24 svar mangler." in refused.content.decode()
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.DRAFT


def test_unanswered_questions_are_shown_and_may_be_submitted_unless_the_round_requires_them(
    client, coordinator, own_report
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)

    content = client.get(_submit_url(own_report)).content.decode()
    assert "Rapporten er ikke helt færdig" in content
    assert "Ubesvarede politiske spørgsmål (3)" in content
    assert "Indsend alligevel" in content

    own_report.round.require_political_answers = True
    own_report.round.save()
    content = client.get(_submit_url(own_report)).content.decode()
    assert "Rapporten kan ikke indsendes endnu" in content
    assert content.count("Besvar det politiske spørgsmål.") == 3
    assert "Indsend alligevel" not in content
    response = client.post(_submit_url(own_report), {"version": str(own_report.version)})
    assert "Rapporten kan ikke indsendes endnu: 3 svar mangler." in response.content.decode()
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.DRAFT


def _submit(client, report, **kwargs):
    """Save the form with "Gem og gå til indsendelse", then confirm on the summary."""
    data = _load(client, report)
    data["action"] = "submit"
    assert client.post(_edit_url(report), data).url == _submit_url(report)
    report.refresh_from_db()
    return client.post(_submit_url(report), {"version": str(report.version)}, **kwargs)


def test_submitting_a_complete_report_sends_it_to_the_secretariat(
    client, coordinator, own_report, secretariat, django_capture_on_commit_callbacks
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, own_report)

    assert response.status_code == HTTPStatus.FOUND
    assert response.url == own_report.get_absolute_url()
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.SUBMITTED
    assert own_report.submitted_by == coordinator
    assert [m.to for m in mail.outbox] == [[secretariat.email]]
    page = client.get(response.url).content.decode()
    assert "Rapporten er indsendt til KKR-sekretariatet." in page
    assert "Redigér rapport" not in page


def test_mail_to_the_secretariat_is_danish_when_the_coordinator_reads_english(
    client, coordinator, own_report, secretariat, django_capture_on_commit_callbacks, settings
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, own_report, follow=True)

    assert "The report has been submitted to the KKR secretariat." in response.content.decode()
    [message] = mail.outbox
    assert message.subject == "København har indsendt sin rapport"
    assert 'København har indsendt sin rapport i "Statusopfølgning 2026".' in message.body
    assert "Venlig hilsen" in message.body


def test_submitting_with_the_mail_server_down_succeeds_and_the_mail_waits_in_the_outbox(
    client, coordinator, own_report, secretariat, django_capture_on_commit_callbacks, smtp_down
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)
    Email.objects.all().delete()  # the round's opening e-mails

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, own_report, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "Rapporten er indsendt til KKR-sekretariatet." in response.content.decode()
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.SUBMITTED
    email = Email.objects.get()
    assert email.to == [secretariat.email]
    assert email.status == STATUS.requeued
    assert email.logs.get().exception_type == "ConnectionRefusedError"


def test_submitting_with_the_broker_down_succeeds_and_the_mail_waits_in_the_outbox(
    client, coordinator, own_report, secretariat, django_capture_on_commit_callbacks, broker_down
):
    own_report = _fill_all(own_report, coordinator)
    client.force_login(coordinator)
    Email.objects.all().delete()  # the round's opening e-mails

    with django_capture_on_commit_callbacks(execute=True):
        response = _submit(client, own_report, follow=True)

    assert response.status_code == HTTPStatus.OK
    assert "Rapporten er indsendt til KKR-sekretariatet." in response.content.decode()
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.SUBMITTED
    assert Email.objects.get().status == STATUS.queued  # beat's next run delivers it


def test_a_report_that_is_visible_but_not_editable_answers_403(
    client, coordinator, other_coordinator, own_report, other_report
):
    own_report = _fill_all(own_report, coordinator)
    report_services.report_submit(actor=coordinator, report=own_report, expected_version=2)
    client.force_login(other_coordinator)
    url = _edit_url(own_report)

    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"report-version": "3"}).status_code == HTTPStatus.FORBIDDEN
    client.force_login(coordinator)  # own report, but submitted
    assert client.get(url).status_code == HTTPStatus.FORBIDDEN
    assert client.post(url, {"report-version": "3"}).status_code == HTTPStatus.FORBIDDEN
    # Another municipality's draft is not even visible.
    assert client.get(_edit_url(other_report)).status_code == HTTPStatus.NOT_FOUND
    assert client.post(_edit_url(other_report)).status_code == HTTPStatus.NOT_FOUND


def test_second_save_from_a_stale_page_shows_a_conflict_and_then_wins_on_purpose(
    coordinator, own_report
):
    mandatory, _pilots = _entries(own_report)
    entry = mandatory[0]
    colleague_browser, my_browser = Client(), Client()
    colleague_browser.force_login(coordinator)
    my_browser.force_login(coordinator)
    section = str(entry.area_number)
    colleague = _load(colleague_browser, own_report, section)
    mine = _load(my_browser, own_report, section)
    assert colleague["report-version"] == mine["report-version"] == "1"

    colleague[f"entry-{entry.pk}-status"] = str(Status.PLANNED)
    colleague[f"entry-{entry.pk}-narrative"] = "Kollegaens tekst."
    colleague[f"entry-{entry.pk}-next_steps"] = "Kollegaens skridt."
    assert colleague_browser.post(_edit_url(own_report, section), colleague).status_code == 302

    mine[f"entry-{entry.pk}-status"] = str(Status.IMPLEMENTED)
    mine[f"entry-{entry.pk}-narrative"] = "Min tekst."
    response = my_browser.post(_edit_url(own_report, section), mine)

    assert response.status_code == HTTPStatus.CONFLICT
    content = response.content.decode()
    assert "En anden har gemt rapporten, mens du arbejdede" in content
    assert "Min tekst." in content  # nothing the user typed is lost
    assert "Gemt af en anden: Kollegaens tekst." in content
    assert "Gemt af en anden: Planlagt" in content
    assert "Gemt af en anden: Kollegaens skridt." in content
    assert content.count("Gemt af en anden:") == 3
    assert 'name="report-version" value="2"' in content
    entry.refresh_from_db()
    assert (entry.status, entry.narrative) == (Status.PLANNED, "Kollegaens tekst.")
    own_report.refresh_from_db()
    assert own_report.version == 2

    # Saving the conflict page again keeps the user's version on purpose.
    again = _form_data(response)
    assert my_browser.post(_edit_url(own_report, section), again).status_code == HTTPStatus.FOUND
    entry.refresh_from_db()
    own_report.refresh_from_db()
    assert (entry.status, entry.narrative) == (Status.IMPLEMENTED, "Min tekst.")
    assert entry.next_steps == ""  # the user's (empty) value was kept too
    assert own_report.version == 3


# --- attachments -----------------------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload_url(report, entry):
    return reverse(
        "reporting:report_attachment_upload", kwargs={"pk": report.pk, "entry_pk": entry.pk}
    )


def _upload(client, report, entry, name, content, content_type="application/octet-stream"):
    return client.post(
        _upload_url(report, entry),
        {"file": SimpleUploadedFile(name, content, content_type=content_type)},
        follow=True,
    )


def test_coordinator_attaches_a_pdf_and_anyone_who_sees_the_report_downloads_it(
    client, coordinator, secretariat, politician, own_report, media
):
    entry = _entries(own_report)[0][0]
    client.force_login(coordinator)

    response = _upload(client, own_report, entry, "handleplan.pdf", PDF, "application/pdf")

    assert "handleplan.pdf er vedhæftet 1.F1." in response.content.decode()
    attachment = Attachment.objects.get()
    assert (attachment.entry, attachment.original_name, attachment.size) == (
        entry,
        "handleplan.pdf",
        len(PDF),
    )
    assert attachment.uploaded_by == coordinator
    assert attachment.file.name.startswith(f"rapporter/{own_report.round_id}/101/")
    assert "handleplan" not in attachment.file.name
    download = reverse(
        "reporting:report_attachment_download",
        kwargs={"pk": own_report.pk, "attachment_pk": attachment.pk},
    )
    assert download in response.content.decode()

    client.force_login(secretariat)
    response = client.get(download)
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="handleplan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF

    client.force_login(politician)  # the draft is not visible to politicians
    assert client.get(download).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "program.exe",
            b"MZ\x90\x00",
            "Filtypen kan ikke vedhæftes. Tilladte filtyper: pdf, docx, xlsx, pptx, odt, ods, "
            "png, jpg, jpeg, txt.",
        ),
        ("falsk.pdf", b"MZ\x90\x00 not a pdf", "Filens indhold passer ikke til filtypen .pdf."),
        ("billede.png", b"%PDF-1.4", "Filens indhold passer ikke til filtypen .png."),
        ("noter.txt", b"binary\x00data", "Filens indhold passer ikke til filtypen .txt."),
        (
            "stor.pdf",
            b"%PDF" + b"0" * ATTACHMENT_MAX_BYTES,
            "Filen er for stor. En fil må højst fylde 10 MB.",
        ),
    ],
)
def test_attachments_of_the_wrong_type_content_or_size_are_refused(
    client, coordinator, own_report, media, name, content, message
):
    entry = _entries(own_report)[0][0]
    client.force_login(coordinator)

    response = _upload(client, own_report, entry, name, content)

    assert f"Filen blev ikke vedhæftet: {message}" in response.content.decode()
    assert not Attachment.objects.exists()
    assert list(media.iterdir()) == []


def test_a_file_of_exactly_the_limit_is_accepted(client, coordinator, own_report, media):
    entry = _entries(own_report)[0][0]
    client.force_login(coordinator)

    _upload(client, own_report, entry, "stor.pdf", b"%PDF" + b"0" * (ATTACHMENT_MAX_BYTES - 4))

    assert Attachment.objects.get().size == ATTACHMENT_MAX_BYTES


def test_pilot_entries_take_no_attachments(client, coordinator, own_report, media):
    pilot = _entries(own_report)[1][0]
    client.force_login(coordinator)

    response = _upload(client, own_report, pilot, "plan.pdf", PDF)

    assert "Der kan kun vedhæftes filer til forpligtende indsatser." in response.content.decode()
    assert not Attachment.objects.exists()


def test_coordinator_deletes_an_attachment_and_its_file(
    client, coordinator, own_report, media, django_capture_on_commit_callbacks
):
    entry = _entries(own_report)[0][0]
    client.force_login(coordinator)
    _upload(client, own_report, entry, "handleplan.pdf", PDF)
    attachment = Attachment.objects.get()
    path = media / attachment.file.name
    assert path.exists()
    url = reverse(
        "reporting:report_attachment_delete",
        kwargs={"pk": own_report.pk, "attachment_pk": attachment.pk},
    )

    assert client.get(url).status_code == HTTPStatus.METHOD_NOT_ALLOWED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)

    assert "handleplan.pdf er slettet." in response.content.decode()
    assert not Attachment.objects.exists()
    assert not path.exists()


def test_attachments_of_a_submitted_report_cannot_be_changed(
    client, coordinator, own_report, media
):
    entry = _entries(own_report)[0][0]
    client.force_login(coordinator)
    _upload(client, own_report, entry, "handleplan.pdf", PDF)
    attachment = Attachment.objects.get()
    own_report = _fill_all(own_report, coordinator)
    report_services.report_submit(actor=coordinator, report=own_report, expected_version=2)

    upload = client.post(
        _upload_url(own_report, entry), {"file": SimpleUploadedFile("ny.pdf", PDF)}
    )
    delete = client.post(
        reverse(
            "reporting:report_attachment_delete",
            kwargs={"pk": own_report.pk, "attachment_pk": attachment.pk},
        )
    )

    assert upload.status_code == delete.status_code == HTTPStatus.FORBIDDEN
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["handleplan.pdf"]


# --- review ----------------------------------------------------------------------------------


@pytest.fixture
def submitted_report(own_report, coordinator, django_capture_on_commit_callbacks):
    report = _fill_all(own_report, coordinator)
    with django_capture_on_commit_callbacks(execute=True):  # deliver the submission's e-mail
        return report_services.report_submit(actor=coordinator, report=report, expected_version=2)


def test_secretariat_sees_review_forms_on_a_submitted_report(
    client, secretariat, coordinator, submitted_report
):
    client.force_login(secretariat)
    content = client.get(submitted_report.get_absolute_url()).content.decode()
    assert "Behandl rapporten" in content
    assert "Godkend rapport" in content
    assert "Send retur" in content
    assert "Se historik" in content

    client.force_login(coordinator)
    content = client.get(submitted_report.get_absolute_url()).content.decode()
    assert "Behandl rapporten" not in content
    assert "Redigér rapport" not in content


def test_coordinator_sees_edit_button_on_own_draft(client, coordinator, own_report):
    client.force_login(coordinator)
    content = client.get(own_report.get_absolute_url()).content.decode()
    assert "Redigér rapport" in content
    assert _edit_url(own_report) in content


def test_returning_needs_a_comment(client, secretariat, submitted_report):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:report_return", kwargs={"pk": submitted_report.pk}), {"comment": " "}
    )

    assert response.status_code == HTTPStatus.OK
    assert "Skriv en kommentar, så kommunen ved, hvad der skal rettes." in (
        response.content.decode()
    )
    submitted_report.refresh_from_db()
    assert submitted_report.status == Report.Status.SUBMITTED


def test_secretariat_returns_a_report_with_a_comment_the_coordinator_sees(
    client, secretariat, coordinator, submitted_report, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:report_return", kwargs={"pk": submitted_report.pk}),
            {"comment": "Uddyb venligst indsats 1.F1."},
            follow=True,
        )

    assert "Rapporten er sendt retur til København." in response.content.decode()
    submitted_report.refresh_from_db()
    assert submitted_report.status == Report.Status.RETURNED
    assert submitted_report.return_comment == "Uddyb venligst indsats 1.F1."
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    client.force_login(coordinator)
    edit = client.get(_edit_url(submitted_report)).content.decode()
    assert "Uddyb venligst indsats 1.F1." in edit


def test_secretariat_approves_a_submitted_report(client, secretariat, submitted_report):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:report_approve", kwargs={"pk": submitted_report.pk}), follow=True
    )

    assert "Rapporten fra København er godkendt." in response.content.decode()
    submitted_report.refresh_from_db()
    assert submitted_report.status == Report.Status.APPROVED
    assert submitted_report.reviewed_by == secretariat


def test_a_draft_cannot_be_approved(client, secretariat, own_report):
    client.force_login(secretariat)

    response = client.post(
        reverse("reporting:report_approve", kwargs={"pk": own_report.pk}), follow=True
    )

    assert "Kun en indsendt rapport kan godkendes eller sendes retur." in (
        response.content.decode()
    )
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.DRAFT


def test_only_the_own_kkr_secretariat_reviews(
    client, foreign_secretariat, coordinator, politician, submitted_report
):
    approve = reverse("reporting:report_approve", kwargs={"pk": submitted_report.pk})
    client.force_login(coordinator)
    assert client.post(approve).status_code == HTTPStatus.FORBIDDEN
    client.force_login(politician)  # sees the submitted report, may not review it
    assert client.post(approve).status_code == HTTPStatus.FORBIDDEN
    client.force_login(foreign_secretariat)  # sees it (submitted), another KKR's report
    assert client.post(approve).status_code == HTTPStatus.FORBIDDEN
    submitted_report.refresh_from_db()
    assert submitted_report.status == Report.Status.SUBMITTED


# --- history ---------------------------------------------------------------------------------


def _history_url(report):
    return reverse("reporting:report_history", kwargs={"pk": report.pk})


def test_history_lists_every_change_newest_first_with_who_and_what(
    client, coordinator, secretariat, own_report, django_assert_num_queries
):
    mandatory, _pilots = _entries(own_report)
    entry = mandatory[0]
    method = own_report.round.framework.methods.order_by("name").first()
    answer = own_report.answers.order_by("question__number").first()
    section = str(entry.area_number)
    client.force_login(coordinator)
    data = _load(client, own_report, section)
    data[f"entry-{entry.pk}-status"] = str(Status.PLANNED)
    data[f"entry-{entry.pk}-methods"] = [str(method.pk)]
    client.post(_edit_url(own_report, section), data)
    data = _load(client, own_report, "politisk")
    data[f"answer-{answer.pk}-answer"] = "Via handleplanen."
    client.post(_edit_url(own_report, "politisk"), data)
    data = _load(client, own_report, section)
    data[f"entry-{entry.pk}-status"] = str(Status.IN_PROGRESS)
    data[f"entry-{entry.pk}-narrative"] = "Alle jobcentre er i gang."
    client.post(_edit_url(own_report, section), data)
    client.force_login(secretariat)

    # session, user (memberships in memory since the sign-in); report; report history; entry
    # history; methods history; method names; answer history; attachment history
    with django_assert_num_queries(9):
        response = client.get(_history_url(own_report))

    assert response.status_code == HTTPStatus.OK
    rows = [(r.who, r.subject, r.field, r.old, r.new) for r in response.context["rows"]]
    subject = f"{entry.initiative_code} {entry.initiative_title}"
    assert rows == [
        ("Kim Kbh", subject, "status", "Planlagt", "I gang"),
        (
            "Kim Kbh",
            subject,
            "sådan arbejder kommunen med indsatsen",
            "",
            "Alle jobcentre er i gang.",
        ),
        ("Kim Kbh", "Politisk spørgsmål 1", "svar", "", "Via handleplanen."),
        ("Kim Kbh", subject, "metoder og redskaber", "", method.name),
        ("Kim Kbh", subject, "status", "", "Planlagt"),
        (secretariat.full_name, "Rapporten", "status", "", "Kladde"),  # opened the round
    ]
    content = response.content.decode()
    assert "Alle jobcentre er i gang." in content
    assert "Via handleplanen." in content


def test_history_is_for_the_secretariat_and_own_coordinators_only(
    client,
    coordinator,
    other_coordinator,
    politician,
    secretariat,
    foreign_secretariat,
    submitted_report,
):
    url = _history_url(submitted_report)
    for user in [coordinator, secretariat]:
        client.force_login(user)
        assert client.get(url).status_code == HTTPStatus.OK
    # They see the submitted report itself, but not the drafts in its history.
    for user in [other_coordinator, politician, foreign_secretariat]:
        client.force_login(user)
        assert client.get(submitted_report.get_absolute_url()).status_code == HTTPStatus.OK
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND


@pytest.mark.parametrize("size", [1, 6])
def test_report_page_query_count_does_not_grow_with_attachments_methods_and_events(
    client, coordinator, own_report, django_assert_num_queries, size
):
    methods = list(own_report.round.framework.methods.order_by("name")[:2])
    for entry in own_report.entries.order_by("position")[:size]:
        entry.methods.set(methods)
        AttachmentFactory.create_batch(2, entry=entry, uploaded_by=coordinator)
    ReportEvent.objects.bulk_create(
        ReportEvent(report=own_report, action=ReportEvent.Action.SAVED, actor=coordinator)
        for _ in range(size)
    )
    client.force_login(coordinator)

    # session, user (memberships in memory since the sign-in); the report with round,
    # framework, KKR and municipality; its entries with pilot projects, their methods, their
    # attachments (prefetches); answers, their questions; events, their actors ("may edit",
    # "may review" and "may see the history" are predicates over the loaded report: no query)
    with django_assert_num_queries(10):
        response = client.get(own_report.get_absolute_url())

    assert response.status_code == HTTPStatus.OK
    assert response.content.decode().count("bilag-") >= 2 * size
