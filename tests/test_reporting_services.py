"""The reporting workflow as services: opening, saving, submitting, reviewing."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from post_office.models import STATUS, Email

from commitments.models import Initiative
from core.tasks import deliver_outbox
from core.validators import contains_cpr_number
from pilots.models import PilotParticipation
from reporting.forms.rounds import unique_round_slug
from reporting.models import (
    RESERVED_ROUND_SLUGS,
    Report,
    ReportEntry,
    ReportEvent,
    ReportingRound,
)
from reporting.selectors.history import report_history
from reporting.services import reports as report_services
from reporting.services import rounds as round_services
from tests.factories import PilotParticipationFactory, PilotProjectFactory, ReportingRoundFactory

pytestmark = pytest.mark.django_db

Status = ReportEntry.ImplementationStatus


def _entry_data(entry, **changes):
    values = {
        "entry_id": entry.pk,
        "status": entry.status,
        "narrative": entry.narrative,
        "method_ids": frozenset(entry.methods.values_list("pk", flat=True)),
        "other_methods": entry.other_methods,
        "next_steps": entry.next_steps,
        "links": entry.links,
        "participation": entry.participation,
        "pilot_project_id": entry.pilot_project_id,
    }
    values.update(changes)
    return report_services.EntryData(**values)


def _complete(report):
    data = []
    for entry in report.entries.all():
        if entry.is_mandatory:
            data.append(
                _entry_data(entry, status=Status.IN_PROGRESS, narrative="Vi arbejder med det.")
            )
        else:
            data.append(_entry_data(entry, participation="no"))
    return data


def _save(user, report, entries, **kwargs):
    return report_services.report_save(
        actor=user,
        report=report,
        expected_version=kwargs.pop("version", report.version),
        entries=entries,
        answers=kwargs.pop("answers", {}),
        council_body=kwargs.pop("council_body", "Sundhedsudvalget"),
        council_date=kwargs.pop("council_date", datetime.date(2026, 11, 20)),
    )


def test_opening_a_round_creates_a_report_per_municipality_with_every_initiative(
    coordinator, open_round, hovedstaden_framework
):
    assert open_round.status == ReportingRound.Status.OPEN
    assert open_round.reports.count() == 29
    report = open_round.reports.first()
    assert report.entries.count() == hovedstaden_framework.initiatives.count() == 24
    assert report.answers.count() == 3
    assert report.events.get().action == ReportEvent.Action.CREATED
    assert report.history.count() == 1  # the bulk creation is recorded in history
    assert ReportEntry.history.filter(report_id=report.pk).count() == 24
    # Only København has a coordinator here: one e-mail, with a direct link to its report.
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    own = open_round.reports.get(municipality__code="101")
    assert own.get_absolute_url() in mail.outbox[0].body


def test_entries_keep_the_wording_of_the_initiative_when_it_is_revised(own_report):
    entry = own_report.entries.get(initiative_code="1.F1")
    original = entry.initiative_text

    Initiative.objects.filter(pk=entry.initiative_id).update(text="Ny formulering", title="Ny")

    entry.refresh_from_db()
    assert entry.initiative_text == original
    assert entry.initiative_title != "Ny"


def test_only_own_secretariat_opens_a_round(hovedstaden_framework, foreign_secretariat):
    with pytest.raises(PermissionDenied):
        round_services.round_create(
            actor=foreign_secretariat,
            framework=hovedstaden_framework,
            title="Forsøg",
            slug="forsoeg",
            opens_on=datetime.date(2026, 1, 1),
            deadline=datetime.date(2026, 2, 1),
        )


def test_round_cannot_be_opened_twice(open_round, secretariat):
    with pytest.raises(ValidationError, match=r"Runden er allerede åbnet\."):
        round_services.round_open(actor=secretariat, round_=open_round)


def test_coordinator_saves_a_draft_and_the_version_moves_on(own_report, coordinator):
    entry = own_report.entries.get(initiative_code="1.F1")

    saved = _save(
        coordinator,
        own_report,
        [_entry_data(entry, status=Status.PLANNED, narrative="Jobcentret screener.")],
    )

    entry.refresh_from_db()
    assert saved.version == 2
    assert entry.status == Status.PLANNED
    assert entry.narrative == "Jobcentret screener."
    assert saved.started_at is not None
    assert saved.progress == "in_progress"
    assert entry.history.first().narrative == "Jobcentret screener."


def test_stale_version_is_a_conflict_and_writes_nothing(own_report, coordinator):
    entry = own_report.entries.get(initiative_code="1.F1")
    _save(coordinator, own_report, [_entry_data(entry, narrative="Første")])

    with pytest.raises(report_services.ReportConflict) as conflict:
        _save(coordinator, own_report, [_entry_data(entry, narrative="Anden")], version=1)

    entry.refresh_from_db()
    assert conflict.value.current_version == 2
    assert entry.narrative == "Første"


def test_coordinator_cannot_save_another_municipalitys_report(other_report, coordinator):
    entry = other_report.entries.first()

    with pytest.raises(PermissionDenied):
        _save(coordinator, other_report, [_entry_data(entry, narrative="Indbrud")])

    entry.refresh_from_db()
    assert entry.narrative == ""


def test_entry_id_of_another_report_is_refused_and_nothing_is_written(
    own_report, other_report, coordinator
):
    own_entry = own_report.entries.get(initiative_code="1.F1")
    foreign_entry = other_report.entries.get(initiative_code="1.F1")

    with pytest.raises(PermissionDenied):
        _save(
            coordinator,
            own_report,
            [
                _entry_data(own_entry, narrative="Egen"),
                _entry_data(foreign_entry, narrative="Fremmed"),
            ],
        )

    own_entry.refresh_from_db()
    foreign_entry.refresh_from_db()
    assert own_entry.narrative == ""  # the whole save was rolled back
    assert foreign_entry.narrative == ""


def test_submit_needs_every_mandatory_status_and_narratives(own_report, coordinator):
    entry = own_report.entries.get(initiative_code="1.F1")
    _save(coordinator, own_report, [_entry_data(entry, status=Status.IN_PROGRESS)])
    own_report.refresh_from_db()

    with pytest.raises(ValidationError) as error:
        report_services.report_submit(
            actor=coordinator, report=own_report, expected_version=own_report.version
        )

    problems = error.value.params["problems"]
    assert problems[entry.pk] == (
        "Beskriv, hvordan kommunen arbejder med indsatsen, når den er i gang."
    )
    assert len(problems) == 24
    own_report.refresh_from_db()
    assert own_report.status == Report.Status.DRAFT


def test_full_workflow_submit_return_resubmit_approve(
    own_report, coordinator, secretariat, django_capture_on_commit_callbacks
):
    saved = _save(coordinator, own_report, _complete(own_report))
    with django_capture_on_commit_callbacks(execute=True):
        submitted = report_services.report_submit(
            actor=coordinator, report=saved, expected_version=saved.version
        )
    assert submitted.status == Report.Status.SUBMITTED
    assert submitted.submitted_by == coordinator
    assert mail.outbox[-1].to == [secretariat.email]

    # Locked for the municipality once submitted.
    with pytest.raises(PermissionDenied):
        _save(coordinator, submitted, _complete(submitted))

    with django_capture_on_commit_callbacks(execute=True):
        returned = report_services.report_return(
            actor=secretariat, report=submitted, comment="Uddyb indsats 2.F3."
        )
    assert returned.status == Report.Status.RETURNED
    assert returned.return_comment == "Uddyb indsats 2.F3."
    assert mail.outbox[-1].to == [coordinator.email]
    assert "Uddyb indsats 2.F3." in mail.outbox[-1].body

    resaved = _save(coordinator, returned, _complete(returned))
    resubmitted = report_services.report_submit(
        actor=coordinator, report=resaved, expected_version=resaved.version
    )
    approved = report_services.report_approve(actor=secretariat, report=resubmitted)

    assert approved.status == Report.Status.APPROVED
    assert list(approved.events.values_list("action", flat=True)) == [
        "created",
        "saved",
        "submitted",
        "returned",
        "saved",
        "submitted",
        "approved",
    ]


def test_submit_with_the_mail_server_down_keeps_the_mail_and_the_next_run_delivers_it(
    own_report, coordinator, secretariat, django_capture_on_commit_callbacks, smtp_down, settings
):
    saved = _save(coordinator, own_report, _complete(own_report))
    Email.objects.all().delete()  # the round's opening e-mails

    with django_capture_on_commit_callbacks(execute=True):
        submitted = report_services.report_submit(
            actor=coordinator, report=saved, expected_version=saved.version
        )

    assert submitted.status == Report.Status.SUBMITTED
    email = Email.objects.get()
    assert (email.status, email.number_of_retries) == (STATUS.requeued, 1)
    retry_at = timezone.now() + settings.POST_OFFICE["RETRY_INTERVAL"]
    assert abs(email.scheduled_time - retry_at) < datetime.timedelta(minutes=1)
    assert deliver_outbox() == 0  # not due yet
    assert mail.outbox == []

    # Later, with the mail server back: the next delivery run sends it.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = email.scheduled_time + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert deliver_outbox() == 1

    email.refresh_from_db()
    assert email.status == STATUS.sent
    [message] = mail.outbox
    assert message.to == [secretariat.email]
    assert message.subject == "København har indsendt sin rapport"


def test_illegal_transitions_are_refused(own_report, coordinator, secretariat, foreign_secretariat):
    with pytest.raises(ValidationError, match="Kun en indsendt rapport"):
        report_services.report_approve(actor=secretariat, report=own_report)
    saved = _save(coordinator, own_report, _complete(own_report))
    submitted = report_services.report_submit(
        actor=coordinator, report=saved, expected_version=saved.version
    )
    with pytest.raises(PermissionDenied):
        report_services.report_approve(actor=foreign_secretariat, report=submitted)
    with pytest.raises(PermissionDenied):
        report_services.report_approve(actor=coordinator, report=submitted)
    with pytest.raises(ValidationError):
        report_services.report_return(actor=secretariat, report=submitted, comment="  ")


def test_closed_round_locks_reports(own_report, coordinator, secretariat, open_round):
    round_services.round_close(actor=secretariat, round_=open_round)

    with pytest.raises(PermissionDenied):
        _save(coordinator, own_report, _complete(own_report))

    round_services.round_reopen(actor=secretariat, round_=open_round)
    assert _save(coordinator, own_report, _complete(own_report)).version == 2


def test_extended_deadline_needs_a_later_date_and_a_reason(own_report, secretariat):
    with pytest.raises(ValidationError):
        report_services.report_extend_deadline(
            actor=secretariat, report=own_report, deadline=datetime.date(2027, 1, 10), reason=""
        )

    extended = report_services.report_extend_deadline(
        actor=secretariat,
        report=own_report,
        deadline=datetime.date(2027, 1, 10),
        reason="Byrådet behandler sagen i januar.",
    )

    assert extended.deadline == datetime.date(2027, 1, 10)
    assert extended.events.last().action == ReportEvent.Action.DEADLINE_EXTENDED


def test_new_round_is_prefilled_from_the_latest_approved_report(
    own_report, coordinator, secretariat, hovedstaden_framework
):
    data = _complete(own_report)
    saved = _save(coordinator, own_report, data)
    submitted = report_services.report_submit(
        actor=coordinator, report=saved, expected_version=saved.version
    )
    report_services.report_approve(actor=secretariat, report=submitted)
    round_services.round_close(actor=secretariat, round_=own_report.round)

    next_round = round_services.round_create(
        actor=secretariat,
        framework=hovedstaden_framework,
        title="Statusopfølgning 2027",
        slug="statusopfoelgning-2027",
        opens_on=datetime.date(2027, 11, 1),
        deadline=datetime.date(2027, 12, 15),
    )
    round_services.round_open(actor=secretariat, round_=next_round)

    new_report = next_round.reports.get(municipality=own_report.municipality)
    entry = new_report.entries.get(initiative_code="1.F1")
    assert entry.status == Status.IN_PROGRESS
    assert entry.narrative == "Vi arbejder med det."
    untouched = next_round.reports.exclude(municipality=own_report.municipality).first()
    assert untouched.entries.get(initiative_code="1.F1").status is None


@pytest.fixture
def carried_over_report(own_report, coordinator, secretariat, hovedstaden_framework):
    """København's report in a new round, pre-filled from its approved report in the first."""
    saved = _save(coordinator, own_report, _complete(own_report))
    submitted = report_services.report_submit(
        actor=coordinator, report=saved, expected_version=saved.version
    )
    report_services.report_approve(actor=secretariat, report=submitted)
    round_services.round_close(actor=secretariat, round_=own_report.round)
    next_round = round_services.round_create(
        actor=secretariat,
        framework=hovedstaden_framework,
        title="Statusopfølgning 2027",
        slug="statusopfoelgning-2027",
        opens_on=datetime.date(2027, 11, 1),
        deadline=datetime.date(2027, 12, 15),
    )
    round_services.round_open(actor=secretariat, round_=next_round)
    return next_round.reports.get(municipality=own_report.municipality)


def test_carried_over_lines_are_marked_and_credited_to_the_system_naming_the_round(
    carried_over_report, own_report
):
    earlier = own_report.round
    assert carried_over_report.prefilled_from == earlier
    assert carried_over_report.awaits_confirmation
    entries = list(carried_over_report.entries.all())
    assert {e.carried_over_from_id for e in entries} == {earlier.pk}
    record = carried_over_report.entries.get(initiative_code="1.F1").history.get()
    assert record.history_user is None
    assert record.history_change_reason == "Overført fra Statusopfølgning 2026"
    # A municipality with nothing approved before starts empty and unmarked.
    rows = report_history(carried_over_report)
    assert ("Portalen – Overført fra Statusopfølgning 2026", "Vi arbejder med det.") in [
        (row.who, row.new) for row in rows
    ]
    other = carried_over_report.round.reports.exclude(pk=carried_over_report.pk).first()
    assert other.prefilled_from is None
    assert not other.entries.filter(carried_over_from__isnull=False).exists()


def test_changing_or_confirming_a_carried_over_line_makes_it_this_rounds_answer(
    carried_over_report, coordinator
):
    first, second, third = carried_over_report.entries.order_by("position")[:3]
    saved = report_services.report_save(
        actor=coordinator,
        report=carried_over_report,
        expected_version=carried_over_report.version,
        entries=[
            _entry_data(first, narrative="Nyt i år."),
            _entry_data(second),  # sent back unchanged: still carried over
        ],
        answers={},
        council_body="",
        council_date=None,
        confirmed_entry_ids=frozenset([third.pk]),
    )

    carried = dict(saved.entries.values_list("pk", "carried_over_from"))
    assert carried[first.pk] is None
    assert carried[second.pk] is not None
    assert carried[third.pk] is None
    # The confirmation is a change of its own in the line's history, with the values as they
    # stood.
    latest, opened = ReportEntry.objects.get(pk=third.pk).history.all()[:2]
    assert (latest.carried_over_from_id, opened.carried_over_from_id) == (
        None,
        saved.prefilled_from_id,
    )
    assert latest.narrative == opened.narrative == "Vi arbejder med det."


def test_the_rounds_rule_refuses_unconfirmed_lines_and_unanswered_questions(
    carried_over_report, coordinator, secretariat
):
    round_ = carried_over_report.round
    round_services.round_set_submission_rule(
        actor=secretariat,
        round_=round_,
        require_political_answers=True,
        require_confirmed_lines=True,
    )

    with pytest.raises(ValidationError) as refused:
        report_services.report_submit(
            actor=coordinator,
            report=carried_over_report,
            expected_version=carried_over_report.version,
        )

    problems = refused.value.params["problems"]
    assert len(problems) == carried_over_report.entries.count()
    assert set(problems.values()) == {
        "Bekræft eller ret svaret, der er overført fra Statusopfølgning 2026."
    }
    assert set(refused.value.params["answers"].values()) == {"Besvar det politiske spørgsmål."}

    answers = {a.pk: "Svar." for a in carried_over_report.answers.all()}
    all_lines = frozenset(carried_over_report.entries.values_list("pk", flat=True))
    saved = report_services.report_save(
        actor=coordinator,
        report=carried_over_report,
        expected_version=carried_over_report.version,
        entries=[],
        answers=answers,
        council_body="",
        council_date=None,
        confirmed_entry_ids=all_lines,
    )
    submitted = report_services.report_submit(
        actor=coordinator, report=saved, expected_version=saved.version
    )
    assert submitted.status == Report.Status.SUBMITTED


def test_only_the_rounds_secretariat_sets_its_rule(open_round, foreign_secretariat, coordinator):
    for actor in (foreign_secretariat, coordinator):
        with pytest.raises(PermissionDenied):
            round_services.round_set_submission_rule(
                actor=actor,
                round_=open_round,
                require_political_answers=True,
                require_confirmed_lines=True,
            )
    open_round.refresh_from_db()
    assert not open_round.require_political_answers


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Borger 010203-1234 er udskrevet", True),
        ("CPR 0102031234.", True),
        ("Tlf. 2443 7906", False),
        ("Sag 2013-01454", False),
        ("Dato 320199-1234 er ikke en dato", False),
        ("Konto 12345678901234", False),
    ],
)
def test_cpr_numbers_are_recognised(text, found):
    assert contains_cpr_number(text) is found


# --- bug 5: rules that every entry point meets -----------------------------------------------


def _paths(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _paths(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


def test_reserved_round_slugs_are_every_fixed_word_beside_a_round_under_runder():
    words = {
        path.removeprefix("afrapportering/runder/").split("/")[0]
        for path in _paths(get_resolver().url_patterns)
        if path.startswith("afrapportering/runder/")
    }
    assert {w for w in words if w and not w.startswith("<")} == RESERVED_ROUND_SLUGS


@pytest.mark.parametrize("slug", sorted(RESERVED_ROUND_SLUGS))
def test_a_round_may_not_take_a_slug_that_a_sibling_page_uses(
    slug, secretariat, hovedstaden_framework
):
    with pytest.raises(ValidationError) as refused:
        round_services.round_create(
            actor=secretariat,
            framework=hovedstaden_framework,
            title="Ny runde",
            slug=slug,
            opens_on=datetime.date(2027, 11, 1),
            deadline=datetime.date(2027, 12, 15),
        )
    assert refused.value.message_dict["slug"] == ["Kortnavnet er reserveret. Vælg et andet."]
    assert not ReportingRound.objects.filter(slug=slug).exists()
    # The field's validator, so the admin's and any import's full_clean meet it too.
    round_ = ReportingRoundFactory.build(framework=hovedstaden_framework, slug=slug)
    with pytest.raises(ValidationError) as cleaned:
        round_.full_clean()
    assert "slug" in cleaned.value.message_dict


@pytest.mark.parametrize("slug", sorted(RESERVED_ROUND_SLUGS))
def test_a_round_titled_like_a_sibling_page_gets_a_free_slug(slug, hovedstaden_framework):
    # The form makes the slug from the title: a round titled "Ny" is not shadowed by "ny".
    assert unique_round_slug(slug.capitalize()) == f"{slug}-2"
    ReportingRoundFactory(framework=hovedstaden_framework, slug=f"{slug}-2")
    assert unique_round_slug(slug.capitalize()) == f"{slug}-3"


def _pilot_entry(report):
    return report.entries.filter(initiative__kind=Initiative.Kind.PILOT).first()


def test_report_save_refuses_a_pilot_project_the_municipality_takes_no_part_in(
    coordinator, own_report, other_municipality
):
    entry = _pilot_entry(own_report)
    foreign = PilotProjectFactory(initiative=entry.initiative, lead_municipality=other_municipality)

    with pytest.raises(ValidationError) as refused:
        _save(coordinator, own_report, [_entry_data(entry, pilot_project_id=foreign.pk)])

    assert refused.value.code == "pilot_project"
    entry.refresh_from_db()
    own_report.refresh_from_db()
    assert entry.pilot_project_id is None
    assert own_report.version == 1


def test_report_save_takes_a_pilot_project_the_municipality_leads_or_joined_and_keeps_it(
    coordinator, own_report, own_municipality, other_municipality
):
    entry = _pilot_entry(own_report)
    joined = PilotProjectFactory(initiative=entry.initiative, lead_municipality=other_municipality)
    participation = PilotParticipationFactory(project=joined, municipality=own_municipality)
    led_elsewhere = PilotProjectFactory(lead_municipality=own_municipality)  # another initiative

    saved = _save(coordinator, own_report, [_entry_data(entry, pilot_project_id=joined.pk)])
    entry.refresh_from_db()
    assert entry.pilot_project_id == joined.pk

    # Leaving later does not drop the choice already made...
    participation.status = PilotParticipation.Status.DECLINED
    participation.save()
    saved = _save(coordinator, saved, [_entry_data(entry)])
    entry.refresh_from_db()
    assert entry.pilot_project_id == joined.pk
    # ...but a project under another initiative is no choice for this entry.
    with pytest.raises(ValidationError):
        _save(coordinator, saved, [_entry_data(entry, pilot_project_id=led_elsewhere.pk)])
