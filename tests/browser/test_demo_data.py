"""The demo data (seed_demo): a year of plausible use, made through the services, safe to run
twice, and the pages it fills.

Seeding takes a minute on this machine, so it runs once for the whole test run: this module
seeds a committed database once, its checks read it, and the browser test runs last (a
transactional test empties the database when it ends). tests/conftest.py keeps the module's
tests together, on one xdist worker.
"""

import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from demo.management.commands.seed_demo import DEMO_PASSWORD
from mappings.models import Mapping
from meetings.models import Group, Meeting
from meetings.selectors import meeting_tasks_for
from municipalities.models import KKR
from notifications.selectors import tasks_for
from pilots.models import PilotProject
from reporting.models import Report, ReportEntry, ReportingRound


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The seeded demo, committed once for this module's tests and removed after them."""
    with django_db_blocker.unblock():
        if not KKR.objects.exists():
            call_command("loaddata", "municipalities", "frameworks", verbosity=0)
        call_command("seed_demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", "municipalities", "frameworks", verbosity=0)


def _row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_second_run_creates_nothing_new(demo, db):
    before = _row_counts()
    out = io.StringIO()

    call_command("seed_demo", stdout=out)

    assert _row_counts() == before
    assert "Demodata for KKR Hovedstaden findes allerede: intet er ændret." in out.getvalue()
    assert "koordinator@kobenhavn.demo" in out.getvalue()
    # The seed-004 paper is left as it is, and its secretariat may start the next revision.
    assert (
        "Rammepapiret fra seed 004 er vedtaget og kan revideres: sekretariat@kkr-hovedstaden.demo "
        "starter den næste revision med “Start en revision” på /rammer/hovedstaden-psykiatri/."
    ) in out.getvalue()


def test_midtjylland_has_seed_001s_mapping_and_process_plan(demo, db):
    mapping = Mapping.objects.get(kkr__slug="midtjylland")
    plan = mapping.process_plan

    assert mapping.terms_approved_on.isoformat() == "2017-06-15"
    assert mapping.presented_on.isoformat() == "2017-09-01"
    assert sorted(mapping.studied_municipalities.values_list("name", flat=True)) == [
        "Aarhus",
        "Favrskov",
        "Herning",
        "Randers",
        "Silkeborg",
        "Struer",
    ]
    assert mapping.workshop_municipality_count == 15
    assert list(mapping.tracks.values_list("name", flat=True)) == [
        "Mestring",
        "Tidlig opsporing",
        "Let tilgængelige tilbud",
        "Fokus på beskæftigelse",
        "Samspil med civilsamfundet",
    ]
    assert set(mapping.challenges.values_list("kind", flat=True)) == {
        "internal",
        "external",
        "framework",
    }
    assert mapping.documents.get().original_name == "dagsordenspunkt-3-1-psykiatri-i-midt.txt"
    last = plan.milestones.order_by("date").last()
    assert last.title == "Forslag til fælles indsatser og målsætninger forelægges KKR"
    assert last.framework.slug == "midtjylland-psykiatri-kortlaegning"
    assert sorted(last.owners.values_list("short_name", flat=True)) == ["DASSOS", "KOSU"]


def test_seeded_portal_looks_a_year_into_use(demo, db):
    _two_closed_rounds_with_every_report_approved_and_one_open_in_every_state()
    _statuses_never_go_backwards_between_closed_rounds()
    _narratives_name_the_methods_and_pilot_entries_point_to_projects()
    _pilot_projects_have_different_leads_and_some_shared_results()
    _demo_coordinators_have_something_to_do()
    _the_dialogue_group_has_seed_003s_meetings()


def _two_closed_rounds_with_every_report_approved_and_one_open_in_every_state():
    rounds = {r.slug: r for r in ReportingRound.objects.all()}

    assert rounds["statusopfoelgning-2024"].status == ReportingRound.Status.CLOSED
    assert rounds["statusopfoelgning-2025"].status == ReportingRound.Status.CLOSED
    assert rounds["statusopfoelgning-2026"].status == ReportingRound.Status.OPEN
    assert rounds["statusopfoelgning-2026"].deadline > timezone.localdate()
    closed = Report.objects.filter(round__status=ReportingRound.Status.CLOSED)
    assert closed.count() == 58
    assert set(closed.values_list("status", flat=True)) == {Report.Status.APPROVED}
    open_reports = Report.objects.filter(round__slug="statusopfoelgning-2026")
    assert {r.progress for r in open_reports} == {
        "not_started",
        "in_progress",
        "submitted",
        "returned",
        "approved",
    }
    returned = open_reports.filter(status=Report.Status.RETURNED)
    assert all(r.return_comment for r in returned)


def _statuses_never_go_backwards_between_closed_rounds():
    def statuses(slug):
        return {
            (e.report.municipality_id, e.initiative_id): e.status
            for e in ReportEntry.objects.filter(
                report__round__slug=slug, initiative_kind="mandatory"
            ).select_related("report")
        }

    first, second = statuses("statusopfoelgning-2024"), statuses("statusopfoelgning-2025")

    assert all(second[key] >= first[key] for key in first)
    assert any(second[key] > first[key] for key in first)


def _narratives_name_the_methods_and_pilot_entries_point_to_projects():
    entries = ReportEntry.objects.filter(report__round__slug="statusopfoelgning-2025")

    assert entries.filter(initiative_code="4.F1", narrative__contains="VUM").exists()
    assert entries.filter(initiative_code="2.F3", narrative__contains="Åben Dialog").exists()
    lead_entry = entries.get(initiative_code="3.P2", report__municipality__code="101")
    assert lead_entry.participation == ReportEntry.Participation.LEAD
    assert lead_entry.pilot_project.title == "Shared care med almen praksis"


def _pilot_projects_have_different_leads_and_some_shared_results():
    projects = PilotProject.objects.all()

    assert projects.count() == 6
    assert projects.values("lead_municipality").distinct().count() == 6
    assert projects.filter(results_published=True).count() == 3


def _demo_coordinators_have_something_to_do():
    for code in ["kobenhavn", "frederiksberg", "ballerup"]:
        tasks = tasks_for(User.objects.get(email=f"koordinator@{code}.demo"))
        assert tasks.municipalities[0].open_reports, code


def _no_horizontal_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


# Last: a transactional test empties the database when it ends.
@pytest.mark.django_db(transaction=True)
def test_demo_data_pages(demo, live_server, page, login, screenshot):
    login(page, User.objects.get(email="koordinator@kobenhavn.demo"), DEMO_PASSWORD)
    expect(page.get_by_role("link", name="Gå til Mine opgaver")).to_be_visible()
    screenshot(page, "pilot-forside-koordinator")
    page.get_by_role("link", name="Gå til Mine opgaver").click()
    expect(page.get_by_text("Sekretariatets kommentar:")).to_be_visible()
    screenshot(page, "mine-opgaver-demo")
    page.goto(f"{live_server.url}/pilotprojekter/")
    screenshot(page, "pilot-oversigt-demo")
    page.set_viewport_size({"width": 390, "height": 844})
    _no_horizontal_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Log ud").click()

    login(page, User.objects.get(email="sekretariat@kkr-hovedstaden.demo"), DEMO_PASSWORD)
    page.goto(f"{live_server.url}/mine-opgaver/")
    expect(page.get_by_text("7 rapporter venter på behandling")).to_be_visible()
    screenshot(page, "mine-opgaver-sekretariat")


def _the_dialogue_group_has_seed_003s_meetings():
    group = Group.objects.get(slug="dialoggruppe-psykiatri")
    meetings_2019 = group.meetings.filter(date__year=2019)

    assert group.owner_organisation.secretariat_name == "KL's sekretariat"
    assert (group.case_number, group.terms_date.isoformat()) == ("SAG-2018-05062", "2019-03-18")
    assert [(m.date.isoformat(), m.starts_at.hour, m.ends_at.hour) for m in meetings_2019] == [
        ("2019-04-24", 10, 13),
        ("2019-08-29", 10, 13),
        ("2019-12-03", 10, 13),
    ]
    assert meetings_2019.first().place.startswith("KL-huset")
    assert all(m.agenda_published_at and m.minutes_published_at for m in meetings_2019)
    assert group.members.filter(kkr__slug="hovedstaden").count() == 2
    member = User.objects.get(email="dialoggruppe-voksen@frederiksberg.demo")
    assert [t.can_propose for t in meeting_tasks_for(member, today=timezone.localdate())] == [True]
    kkr_item = Meeting.objects.get(group__slug="kkr-hovedstaden").items.get()
    assert kkr_item.reporting_round.slug == "statusopfoelgning-2026"
    assert kkr_item.recommendation.startswith("Det indstilles, at KKR Hovedstaden")
