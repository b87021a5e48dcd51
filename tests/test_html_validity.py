"""The W3C Nu HTML checker (vnu-jar from npm) finds no error on any main page, in any role.

The pages are rendered with the demo data (`seed_demo`: three rounds of KKR Hovedstaden,
pilot projects, political answers) as each role sees them, written to files and checked in
one run of the checker, which is an independent implementation of the HTML standard.
"""

import io
import json
import shutil
import subprocess
from http import HTTPStatus
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from calls import services as call_services
from calls.models import Call, Proposal
from calls.services import conversion
from commitments.files import framework_file_bytes
from commitments.models import Framework
from commitments.services.files import framework_import
from commitments.services.frameworks import framework_revise, initiative_save
from jobs.models import Job
from mappings.models import Mapping
from meetings.models import Group
from pilots.models import PilotProject
from reporting.models import Report, ReportingRound

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

FRAMEWORK = "hovedstaden-psykiatri"
PUBLIC = [
    "/",
    "/tilgaengelighed/",
    "/rammer/",
    f"/rammer/{FRAMEWORK}/",
    f"/rammer/{FRAMEWORK}/indsatser/2.F3/",
    "/kommuner/",
    "/kommuner/101/",
    "/konto/log-ind/",
    "/konto/glemt-adgangskode/",
    "/aabne-data/",
]
DASHBOARDS = [
    "/overblik/",
    f"/overblik/{FRAMEWORK}/",
    f"/overblik/{FRAMEWORK}/statuskort/",
    f"/overblik/{FRAMEWORK}/udvikling/",
    f"/overblik/{FRAMEWORK}/nyt/",
    f"/overblik/{FRAMEWORK}/pilotprojekter/",
    f"/overblik/{FRAMEWORK}/indsatser/1.F1/",
    f"/overblik/{FRAMEWORK}/kommuner/101/",
]


def _signed_in_pages(report: Report, round_: ReportingRound, project: PilotProject) -> list[str]:
    return [
        *DASHBOARDS,
        reverse("notifications:tasks"),
        reverse("reporting:round_list"),
        round_.get_absolute_url(),
        report.get_absolute_url(),
        reverse("pilots:pilot_list"),
        project.get_absolute_url(),
        reverse("accounts:my_organisations"),
        reverse("accounts:password_change"),
        reverse("meetings:group_list"),
        reverse("calendars:calendar"),
        f"{reverse('calendars:calendar')}?visning=liste",
    ]


def _meeting_pages(*, manager: bool) -> list[str]:
    """The dialogue group's page and its upcoming meeting, with the manager's forms."""
    group = Group.objects.get(slug="dialoggruppe-psykiatri")
    meeting = group.meetings.order_by("-date").first()
    assert meeting is not None
    pages = [
        reverse("meetings:group_list"),
        group.get_absolute_url(),
        meeting.get_absolute_url(),
        reverse("calendars:calendar"),
    ]
    if manager:
        pages += [
            reverse("meetings:group_edit", args=[group.slug]),
            reverse("meetings:member_appoint", args=[group.slug]),
            reverse("meetings:meeting_create", args=[group.slug]),
            reverse("meetings:meeting_edit", args=[meeting.pk]),
            reverse("meetings:item_create", args=[meeting.pk]),
            reverse("meetings:minutes_edit", args=[meeting.pk]),
        ]
    else:
        pages.append(reverse("meetings:proposal_create", args=[meeting.pk]))
    return pages


def _call_pages(*, secretariat: bool) -> list[str]:
    """Seed 000's call and its submitted proposal; the secretariat's forms."""
    call = Call.objects.get(title="Fælles kommunale målsætninger for psykiatrien")
    proposal = call.proposals.get()
    pages = [reverse("calls:call_list"), call.get_absolute_url(), proposal.get_absolute_url()]
    if secretariat:
        # Accepted, so that the merge and conversion pages show their forms (the editor's
        # draft copy of the paper is Hovedstaden's one draft, chosen for the conversion).
        secretariat_user = User.objects.get(email="sekretariat@kkr-hovedstaden.demo")
        call_services.proposal_review(
            actor=secretariat_user, proposal=proposal, status=Proposal.Status.ACCEPTED
        )
        # Two of its three initiatives merged: the merge page lists it, with its undo page.
        merged = conversion.proposal_initiatives_merge(
            actor=secretariat_user,
            call=call,
            initiatives=list(proposal.initiatives.order_by("order")[:2]),
            text="Samlet indsats.",
            kind="mandatory",
            comment="Samme indsats.",
        )
        pages += [
            reverse("calls:call_merge_dissolve", args=[call.pk, merged.pk]),
            reverse("calls:call_create"),
            reverse("calls:framework_text", args=[proposal.initiatives.first().pk]),
            reverse("calls:call_merge", args=[call.pk]),
            reverse("calls:call_convert", args=[call.pk]),
            reverse("calls:call_history", args=[call.pk]),
        ]
    return pages


def _path_pages() -> list[str]:
    """Seed 001: KKR Midtjylland's way to its framework, as its secretariat sees it."""
    mapping = Mapping.objects.get(kkr__slug="midtjylland")
    milestone = mapping.process_plan.milestones.exclude(framework=None).get()
    return [
        reverse("mappings:path_index"),
        reverse("mappings:path", args=["midtjylland"]),
        reverse("mappings:mapping_create", args=["midtjylland"]),
        reverse("mappings:groups_edit", args=["midtjylland"]),
        mapping.get_absolute_url(),
        reverse("mappings:mapping_edit", args=[mapping.pk]),
        reverse("mappings:plan_edit", args=[mapping.pk]),
        reverse("mappings:milestone_create", args=[milestone.plan_id]),
        reverse("mappings:milestone_edit", args=[milestone.pk]),
    ]


def _pages_by_role() -> dict[str, list[str]]:
    open_round = ReportingRound.objects.get(status=ReportingRound.Status.OPEN)
    own = open_round.reports.get(municipality__code="101")
    project = PilotProject.objects.filter(lead_municipality__code="101").first()
    assert project is not None
    common = _signed_in_pages(own, open_round, project)
    # A running job, so that its page has the progress bar and the polling partial.
    job = Job.objects.create(
        kind="reporting.meeting_report",
        created_by=User.objects.get(email="koordinator@kobenhavn.demo"),
        status=Job.Status.RUNNING,
        progress_done=1,
        progress_total=4,
    )
    # The editor's pages, on a draft copy of the adopted paper (decision 25).
    secretariat = User.objects.get(email="sekretariat@kkr-hovedstaden.demo")
    adopted = Framework.objects.get(slug=FRAMEWORK)
    copy = framework_import(
        actor=secretariat, kkr=adopted.kkr, content=framework_file_bytes(adopted)
    )
    revision = framework_revise(actor=secretariat, framework=adopted)
    first = revision.initiatives.get(code="1.F1")
    initiative_save(
        actor=secretariat,
        framework=revision,
        initiative=first,
        block=first.block,
        kind=first.kind,
        code=first.code,
        title=first.title,
        text=first.text.replace("jobcentrene", "jobcentre og uddannelsesvejledningen"),
    )
    editor = [
        reverse("commitments:framework_create"),
        reverse("commitments:framework_import"),
        copy.get_absolute_url(),
        *(
            reverse(f"commitments:{name}", args=[copy.slug])
            for name in (
                "framework_editor",
                "framework_edit",
                "structure_edit",
                "methods_edit",
                "initiative_create",
                "framework_adopt",
                "framework_history",
            )
        ),
        reverse("commitments:initiative_edit", args=[copy.slug, "1b.F2"]),
        reverse("commitments:framework_history", args=[FRAMEWORK]),
        # A revision with one initiative reworded (decision 27): the comparison marks words.
        reverse("commitments:framework_compare", args=[revision.slug]),
        reverse("commitments:framework_editor", args=[revision.slug]),
        reverse("commitments:initiative_edit", args=[revision.slug, "1.F1"]),
        adopted.get_absolute_url(),
    ]
    return {
        "anonymous": PUBLIC,
        "koordinator@kobenhavn.demo": [
            *common,
            reverse("reporting:report_edit", args=[own.pk]),
            f"{reverse('reporting:report_edit', args=[own.pk])}?omraade=politisk",
            reverse("reporting:report_submit", args=[own.pk]),
            reverse("reporting:report_history", args=[own.pk]),
            reverse("pilots:pilot_create"),
            reverse("pilots:pilot_edit", args=[project.pk]),
            reverse("pilots:pilot_invite", args=[project.pk]),
            job.get_absolute_url(),
            reverse("twofactor:setup"),
        ],
        "politiker@kkr-hovedstaden.demo": [
            *DASHBOARDS,
            reverse("material:round_material", args=[open_round.slug]),
        ],
        "sekretariat@kkr-hovedstaden.demo": [
            *common,
            f"/overblik/{FRAMEWORK}/statuskort/?kladder=1",
            reverse("reporting:round_create"),
            reverse("reporting:round_edit", args=[open_round.slug]),
            reverse("notifications:round_reminder_plan", args=[open_round.slug]),
            reverse("reporting:report_history", args=[own.pk]),
            reverse("accounts:user_list"),
            reverse("accounts:user_invite"),
            reverse("exports:import_upload", args=[open_round.slug]),
            reverse("twofactor:verify"),
            reverse("twofactor:setup"),
            reverse("material:round_material", args=[open_round.slug]),
            reverse("material:agenda_paper_edit", args=[open_round.slug]),
            *editor,
            *_call_pages(secretariat=True),
        ],
        "sekretariat@kkr-midtjylland.demo": _path_pages(),
        "sekretariat@kl.demo": _meeting_pages(manager=True),
        "dialoggruppe-voksen@frederiksberg.demo": _meeting_pages(manager=False),
        "sven-bjerre@medformand.demo": _call_pages(secretariat=False),
    }


def test_main_pages_have_no_html_errors(client, reference_data, tmp_path):
    assert shutil.which("java"), "Java runs the checker; make test installs it"
    assert VNU.exists(), "vnu-jar is installed from package-lock.json by make setup"
    call_command("seed_demo", stdout=io.StringIO())
    files: dict[str, str] = {}
    for role, paths in _pages_by_role().items():
        client.logout()
        if role != "anonymous":
            client.force_login(User.objects.get(email=role))
        for path in paths:
            response = client.get(path)
            assert response.status_code == HTTPStatus.OK, (role, path, response.status_code)
            name = f"{len(files):03d}.html"
            (tmp_path / name).write_bytes(response.content)
            files[name] = f"{role} {path}"

    result = subprocess.run(  # noqa: S603 - fixed arguments
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(tmp_path)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = sorted(
        f"{files[Path(m['url']).name]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    )
    assert errors == [], f"{len(errors)} errors:\n" + "\n".join(errors[:60])
