"""The permission matrix: every URL of the project × every role × GET and POST.

URLs are discovered from the URL conf, so a new view without a row here fails
`test_every_url_has_a_row`. For every POST that must not succeed, the test also checks that
nothing was written.
"""

import datetime
import hashlib
from http import HTTPStatus

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.timezone import now

from accounts.models import Membership, User
from calendars.models import CalendarFeed
from exports.models import ImportFile
from jobs.models import Job
from meetings.models import (
    AgendaItem,
    AgendaProposal,
    Group,
    GroupMember,
    Meeting,
    MeetingAttachment,
)
from municipalities.models import Municipality
from pilots.models import PilotParticipation
from reporting.models import Attachment, Report, ReportEntry
from tests.factories import (
    AgendaItemFactory,
    AgendaProposalFactory,
    CallFactory,
    GroupFactory,
    GroupMemberFactory,
    MeetingFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ProposalFactory,
    ProposalInitiativeFactory,
    ReportEntryFactory,
    ReportFactory,
    ReportingRoundFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "coordinator",  # coordinator of the object's own municipality (København)
    "other_coordinator",  # coordinator of another municipality in the same KKR
    "foreign_coordinator",  # coordinator in another KKR
    "politician",  # politician of KKR Hovedstaden
    "secretariat",  # secretariat of KKR Hovedstaden
    "foreign_secretariat",  # secretariat of KKR Midtjylland
    "group_member",  # member of the national dialogue group (Hovedstaden's seat), no other role
    "kl_secretariat",  # staff of KL's secretariat, which owns the dialogue group; no KKR role
]

OK = HTTPStatus.OK
FOUND = HTTPStatus.FOUND  # redirect: to the login page for anonymous, or after a write
FORBIDDEN = HTTPStatus.FORBIDDEN
NOT_FOUND = HTTPStatus.NOT_FOUND
NOT_ALLOWED = HTTPStatus.METHOD_NOT_ALLOWED
GONE = HTTPStatus.GONE

EVERYONE_OK = dict.fromkeys(ROLES, OK)
EVERYONE_NOT_ALLOWED = dict.fromkeys(ROLES, NOT_ALLOWED)
SIGNED_IN_OK = {**EVERYONE_OK, "anonymous": FOUND}
SIGNED_IN_NOT_ALLOWED = {**EVERYONE_NOT_ALLOWED, "anonymous": FOUND}
SECRETARIAT_ONLY = {
    "anonymous": FOUND,
    "coordinator": FORBIDDEN,
    "other_coordinator": FORBIDDEN,
    "foreign_coordinator": FORBIDDEN,
    "politician": FORBIDDEN,
    "secretariat": OK,
    "foreign_secretariat": OK,
    "group_member": FORBIDDEN,
    "kl_secretariat": FORBIDDEN,
}
OWN_KKR_SECRETARIAT_WRITES = {
    **SECRETARIAT_ONLY,
    "secretariat": FOUND,
    "foreign_secretariat": NOT_FOUND,
}
OWN_KKR_SECRETARIAT_READS = {**SECRETARIAT_ONLY, "foreign_secretariat": NOT_FOUND}
PUBLIC_DASHBOARD = {**EVERYONE_OK, "anonymous": NOT_FOUND}
ROUND_MANAGERS = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": FOUND,
    "secretariat": FOUND,
}

PILOT_COORDINATORS = {
    "anonymous": FOUND,
    "coordinator": OK,
    "other_coordinator": OK,
    "foreign_coordinator": OK,
    "politician": FORBIDDEN,
    "secretariat": FORBIDDEN,
    "foreign_secretariat": FORBIDDEN,
    "group_member": FORBIDDEN,
    "kl_secretariat": FORBIDDEN,
}
PILOT_LEAD_ONLY = {
    **PILOT_COORDINATORS,
    "other_coordinator": FORBIDDEN,
    "foreign_coordinator": FORBIDDEN,
}

# --- reporting: rounds ---
ROUND_CREATORS = {**SECRETARIAT_ONLY, "foreign_secretariat": FORBIDDEN}
# A draft round is seen by its own secretariat only; everyone else gets 404.
DRAFT_ROUND_SECRETARIAT = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "secretariat": OK,
}
# An open round is seen by everyone signed in; only its own secretariat changes it.
OPEN_ROUND_WRITES = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": FOUND,
    "secretariat": FOUND,
}
# København's draft report: its coordinator sees it (403 on review), others do not (404).
DEADLINE_EXTENSION = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": FORBIDDEN,
    "secretariat": OK,
}

# København's draft report: who reads it, writes it, reviews it.
OWN_REPORT_READ = {
    "anonymous": FOUND,
    "coordinator": OK,
    "other_coordinator": NOT_FOUND,
    "foreign_coordinator": NOT_FOUND,
    "politician": NOT_FOUND,
    "secretariat": OK,
    "foreign_secretariat": NOT_FOUND,
    "group_member": NOT_FOUND,
    "kl_secretariat": NOT_FOUND,
}
OWN_REPORT_WRITE = {**OWN_REPORT_READ, "secretariat": FORBIDDEN}
OWN_REPORT_REVIEW = {**OWN_REPORT_READ, "coordinator": FORBIDDEN, "secretariat": FOUND}

# A job is its starter's own: everyone else gets 404, as for a job that does not exist.
JOB_OWNER = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND, "coordinator": OK}
# --- exports: the bulk import
ROUND_IMPORT = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": FOUND, "secretariat": OK}
IMPORT_FILE_READ = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND, "secretariat": OK}
# --- meetings: the world's dialogue group is owned by KL; its meeting's agenda is a draft
NO_ONE_BUT = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": FOUND}
GROUP_CREATORS = {**NO_ONE_BUT, "secretariat": OK, "foreign_secretariat": OK, "kl_secretariat": OK}
GROUP_MANAGER = {**NO_ONE_BUT, "kl_secretariat": OK}
GROUP_MANAGER_WRITES = {**NO_ONE_BUT, "kl_secretariat": FOUND}
# Seed 003: every KKR secretariat appoints to its own KKR's seats, KL's secretariat to all.
APPOINTERS = {**GROUP_CREATORS}
# The group member holds Hovedstaden's seat: KL and Hovedstaden's secretariat may free it.
SEAT_REMOVERS = {**NO_ONE_BUT, "secretariat": FOUND, "kl_secretariat": FOUND}
PROPOSERS = {**NO_ONE_BUT, "group_member": OK, "kl_secretariat": OK}
# The member's proposal: seen by its proposer and KL's secretariat, by no one else (404).
OWN_PROPOSAL_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "group_member": OK,
    "kl_secretariat": OK,
}
OWN_PROPOSAL_DECIDE = {**OWN_PROPOSAL_READ, "group_member": FORBIDDEN, "kl_secretariat": FOUND}
# An item of the unpublished agenda: only the group's secretariat knows it exists.
DRAFT_ITEM_READ = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND, "kl_secretariat": OK}
DRAFT_ITEM_WRITE = {**DRAFT_ITEM_READ, "kl_secretariat": FOUND}

# --- calls: the open call is read by its secretariat and its addressee (the coordinator)
CALL_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": OK,
    "secretariat": OK,
}
CALL_ADDRESSEE_FORBIDDEN = {**CALL_READ, "coordinator": FORBIDDEN, "secretariat": FORBIDDEN}
CALL_WRITE = {**CALL_ADDRESSEE_FORBIDDEN, "secretariat": FOUND}
CALL_MANAGE_FORM = {**CALL_ADDRESSEE_FORBIDDEN, "secretariat": OK}
CALL_PROPOSE = {**CALL_ADDRESSEE_FORBIDDEN, "coordinator": FOUND}
DRAFT_CALL_WRITE = {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND, "secretariat": FOUND}

# url name -> (kwargs key, expected GET, expected POST); kwargs come from the `world` fixture.
MATRIX = {
    "home": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "accessibility": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "set_language": (None, dict.fromkeys(ROLES, FOUND), dict.fromkeys(ROLES, FOUND)),
    # The load balancer's and monitoring's health pages: no login, nothing but OK or "fejl".
    "health": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "health_instance": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "commitments:framework_list": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "commitments:framework_detail": ("framework", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "commitments:initiative_detail": ("initiative", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "municipalities:municipality_list": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "municipalities:municipality_detail": ("municipality", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "accounts:login": (
        None,
        {**dict.fromkeys(ROLES, FOUND), "anonymous": OK},
        {**dict.fromkeys(ROLES, FOUND), "anonymous": OK},
    ),
    "accounts:logout": (None, SIGNED_IN_NOT_ALLOWED, dict.fromkeys(ROLES, FOUND)),
    "accounts:password_change": (None, SIGNED_IN_OK, SIGNED_IN_OK),
    "accounts:password_change_done": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "accounts:password_reset": (None, EVERYONE_OK, EVERYONE_OK),
    "accounts:password_reset_done": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "accounts:password_reset_confirm": ("bad_token", EVERYONE_OK, EVERYONE_OK),
    "accounts:password_reset_complete": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "accounts:invitation_accept": (
        "bad_token",
        dict.fromkeys(ROLES, GONE),
        dict.fromkeys(ROLES, GONE),
    ),
    "accounts:my_organisations": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "accounts:user_list": (
        None,
        SECRETARIAT_ONLY,
        SIGNED_IN_NOT_ALLOWED,
    ),
    # An empty POST re-shows the form with errors (200) and writes nothing.
    "accounts:user_invite": (None, SECRETARIAT_ONLY, SECRETARIAT_ONLY),
    "accounts:user_detail": (
        "target_user",
        OWN_KKR_SECRETARIAT_READS,
        SIGNED_IN_NOT_ALLOWED,
    ),
    "accounts:user_deactivate": (
        "target_user",
        SIGNED_IN_NOT_ALLOWED,
        OWN_KKR_SECRETARIAT_WRITES,
    ),
    "accounts:user_reactivate": (
        "target_user",
        SIGNED_IN_NOT_ALLOWED,
        OWN_KKR_SECRETARIAT_WRITES,
    ),
    "accounts:user_unlock": (
        "target_user",
        SIGNED_IN_NOT_ALLOWED,
        OWN_KKR_SECRETARIAT_WRITES,
    ),
    "accounts:membership_change_role": (
        "target_membership",
        SIGNED_IN_NOT_ALLOWED,
        OWN_KKR_SECRETARIAT_WRITES,
    ),
    "accounts:membership_revoke": (
        "target_membership",
        SIGNED_IN_NOT_ALLOWED,
        OWN_KKR_SECRETARIAT_WRITES,
    ),
    # --- reporting: reports ---
    "reporting:report_detail": (
        "own_report",
        {
            "anonymous": FOUND,
            "coordinator": OK,
            "other_coordinator": NOT_FOUND,  # a draft of another municipality
            "foreign_coordinator": NOT_FOUND,
            "politician": NOT_FOUND,
            "secretariat": OK,
            "foreign_secretariat": NOT_FOUND,
            "group_member": NOT_FOUND,
            "kl_secretariat": NOT_FOUND,
        },
        SIGNED_IN_NOT_ALLOWED,
    ),
    # The world's report is a draft in an open round: only København's coordinator writes it,
    # the secretariat sees it (403 on writes), everyone else gets 404.
    # An empty POST re-shows the form with errors (200) and writes nothing.
    "reporting:report_edit": ("own_report", OWN_REPORT_WRITE, OWN_REPORT_WRITE),
    "reporting:report_history": ("own_report", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
    # The secretariat's review of a draft is refused by the service: message and redirect.
    "reporting:report_return": ("own_report", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
    "reporting:report_approve": ("own_report", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
    # A POST without a file redirects back to the form with an error message.
    "reporting:report_attachment_upload": (
        "own_entry",
        SIGNED_IN_NOT_ALLOWED,
        {**OWN_REPORT_WRITE, "coordinator": FOUND},
    ),
    "reporting:report_attachment_download": (
        "own_attachment",
        OWN_REPORT_READ,
        SIGNED_IN_NOT_ALLOWED,
    ),
    "reporting:report_attachment_delete": (
        "own_attachment",
        SIGNED_IN_NOT_ALLOWED,
        {**OWN_REPORT_WRITE, "coordinator": FOUND},
    ),
    # --- reporting: rounds ---
    "reporting:round_list": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    # Only a secretariat with an adopted framework may create (Midtjylland has a draft only);
    # an empty POST re-shows the form with errors (200) and writes nothing.
    "reporting:round_create": (None, ROUND_CREATORS, ROUND_CREATORS),
    "reporting:round_detail": ("open_round", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "reporting:round_edit": ("draft_round", DRAFT_ROUND_SECRETARIAT, DRAFT_ROUND_SECRETARIAT),
    # The world's draft round has no questions: opening it is refused with a message (302).
    "reporting:round_open": (
        "draft_round",
        SIGNED_IN_NOT_ALLOWED,
        {**DRAFT_ROUND_SECRETARIAT, "secretariat": FOUND},
    ),
    "reporting:round_close": ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    "reporting:round_reopen": ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    "notifications:round_remind_all": ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    "notifications:round_remind_one": (
        "own_report",
        SIGNED_IN_NOT_ALLOWED,
        {**OWN_REPORT_REVIEW, "secretariat": FOUND},
    ),
    "reporting:report_extend_deadline_form": ("own_report", DEADLINE_EXTENSION, DEADLINE_EXTENSION),
    # Publishing an open round is refused with a message (302); only the own secretariat may.
    "reporting:round_publish": ("open_round", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
    "reporting:round_unpublish": ("open_round", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
    # --- reporting: pilots and tasks ---
    # --- dashboards: public pages; the world's round is open and unpublished, so visitors
    # who are not signed in find nothing (404); drafts only with the secretariat's toggle
    "dashboards:index": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "dashboards:overview": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:heat_map": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:trend": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:handout_pdf": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:changes": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:pilots": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:initiative": ("dashboard_initiative", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:municipality": ("dashboard_municipality", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "pilots:pilot_list": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "pilots:pilot_detail": ("pilot", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    # Coordinators start pilot projects; an empty POST re-shows the form with errors.
    "pilots:pilot_create": (None, PILOT_COORDINATORS, PILOT_COORDINATORS),
    # Only the lead municipality's (København's) coordinators; an empty POST shows errors.
    "pilots:pilot_edit": ("pilot", PILOT_LEAD_ONLY, PILOT_LEAD_ONLY),
    "pilots:pilot_invite": ("pilot", PILOT_LEAD_ONLY, PILOT_LEAD_ONLY),
    # Frederiksberg is invited; an empty POST answers nothing and redirects with a message.
    "pilots:pilot_respond": (
        "pilot_participation",
        SIGNED_IN_NOT_ALLOWED,
        {**PILOT_LEAD_ONLY, "coordinator": FORBIDDEN, "other_coordinator": FOUND},
    ),
    "notifications:tasks": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    # --- jobs: the world's job is København's coordinator's, done, with a file ---
    "jobs:job_detail": ("job", JOB_OWNER, SIGNED_IN_NOT_ALLOWED),
    "jobs:job_progress": ("job", JOB_OWNER, SIGNED_IN_NOT_ALLOWED),
    "jobs:job_download": ("job", JOB_OWNER, SIGNED_IN_NOT_ALLOWED),
    # --- exports: a round's files show what its dashboards show (visitors: published only);
    # a municipality's file holds what the user may see of it (visitors: nothing here yet).
    "exports:round_xlsx": ("open_round", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "exports:round_csv": ("open_round", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "exports:municipality_xlsx": ("municipality", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:municipality_csv": ("municipality", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    # Open data: public addresses, but only for a published round (the world's is not).
    "exports:open_data_list": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:open_data_schema": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:open_data_csv": ("open_round", dict.fromkeys(ROLES, NOT_FOUND), EVERYONE_NOT_ALLOWED),
    "exports:open_data_json": (
        "open_round",
        dict.fromkeys(ROLES, NOT_FOUND),
        EVERYONE_NOT_ALLOWED,
    ),
    # The bulk import: the round's own secretariat only; an empty upload re-shows the form.
    "exports:import_template": ("open_round", ROUND_IMPORT, SIGNED_IN_NOT_ALLOWED),
    "exports:import_upload": ("open_round", ROUND_IMPORT, ROUND_IMPORT),
    # An uploaded file exists only for the round's secretariat; a confirmation without the
    # preview's digest is refused with a message (302); discarding redirects to the upload.
    "exports:import_preview": ("import_file", IMPORT_FILE_READ, SIGNED_IN_NOT_ALLOWED),
    "exports:import_confirm": (
        "import_file",
        SIGNED_IN_NOT_ALLOWED,
        {**IMPORT_FILE_READ, "secretariat": FOUND},
    ),
    "exports:import_discard": (
        "import_file",
        SIGNED_IN_NOT_ALLOWED,
        {**IMPORT_FILE_READ, "secretariat": FOUND},
    ),
    # --- meetings ---
    "meetings:group_list": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    # An empty POST re-shows the form with errors (200) and writes nothing.
    "meetings:group_create": (None, GROUP_CREATORS, GROUP_CREATORS),
    "meetings:group_detail": ("group", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "meetings:group_edit": ("group", GROUP_MANAGER, GROUP_MANAGER),
    "meetings:member_appoint": ("group", APPOINTERS, APPOINTERS),
    "meetings:member_remove": ("group_member", SIGNED_IN_NOT_ALLOWED, SEAT_REMOVERS),
    "meetings:meeting_create": ("group", GROUP_MANAGER, GROUP_MANAGER),
    "meetings:meeting_detail": ("meeting", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "meetings:meeting_edit": ("meeting", GROUP_MANAGER, GROUP_MANAGER),
    "meetings:meeting_cancel": ("meeting", SIGNED_IN_NOT_ALLOWED, GROUP_MANAGER_WRITES),
    "meetings:proposal_create": ("meeting", PROPOSERS, PROPOSERS),
    "meetings:item_create": ("meeting", GROUP_MANAGER, GROUP_MANAGER),
    "meetings:agenda_publish": ("meeting", SIGNED_IN_NOT_ALLOWED, GROUP_MANAGER_WRITES),
    "meetings:minutes_edit": ("meeting", GROUP_MANAGER, GROUP_MANAGER),
    # The world's meeting has no minutes: publishing them is refused with a message (302).
    "meetings:minutes_publish": ("meeting", SIGNED_IN_NOT_ALLOWED, GROUP_MANAGER_WRITES),
    # A POST without a file redirects back with an error message.
    "meetings:attachment_upload": ("meeting", SIGNED_IN_NOT_ALLOWED, GROUP_MANAGER_WRITES),
    "meetings:attachment_download": (
        "meeting_attachment",
        SIGNED_IN_OK,
        SIGNED_IN_NOT_ALLOWED,
    ),
    # An empty POST is no decision: a message and a redirect.
    "meetings:proposal_decide": ("proposal", SIGNED_IN_NOT_ALLOWED, OWN_PROPOSAL_DECIDE),
    "meetings:proposal_attachment": ("proposal", OWN_PROPOSAL_READ, SIGNED_IN_NOT_ALLOWED),
    "meetings:item_edit": ("agenda_item", DRAFT_ITEM_READ, DRAFT_ITEM_READ),
    "meetings:item_move": ("agenda_item", SIGNED_IN_NOT_ALLOWED, DRAFT_ITEM_WRITE),
    "meetings:item_delete": ("agenda_item", SIGNED_IN_NOT_ALLOWED, DRAFT_ITEM_WRITE),
    "meetings:item_document": ("agenda_item", DRAFT_ITEM_READ, SIGNED_IN_NOT_ALLOWED),
    # --- calls: Hovedstaden's open call to København's coordinator, who has submitted ---
    "calls:call_list": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "calls:call_create": (None, SECRETARIAT_ONLY, SECRETARIAT_ONLY),
    "calls:call_detail": ("call", CALL_READ, SIGNED_IN_NOT_ALLOWED),
    "calls:call_edit": ("draft_call", DRAFT_ROUND_SECRETARIAT, DRAFT_ROUND_SECRETARIAT),
    "calls:call_open": ("draft_call", SIGNED_IN_NOT_ALLOWED, DRAFT_CALL_WRITE),
    "calls:call_close": ("call", SIGNED_IN_NOT_ALLOWED, CALL_WRITE),
    "calls:call_example": ("call", CALL_READ, SIGNED_IN_NOT_ALLOWED),
    "calls:proposal_edit": ("call", CALL_PROPOSE, CALL_PROPOSE),
    "calls:proposal_detail": ("call_proposal", CALL_READ, SIGNED_IN_NOT_ALLOWED),
    "calls:proposal_submit": ("call_proposal", SIGNED_IN_NOT_ALLOWED, CALL_ADDRESSEE_FORBIDDEN),
    "calls:proposal_review": ("call_proposal", SIGNED_IN_NOT_ALLOWED, CALL_WRITE),
    "calls:framework_text": ("call_initiative", CALL_MANAGE_FORM, CALL_MANAGE_FORM),
    # --- calendars: everyone's own page; the feed answers to its token, not to a login ---
    "calendars:calendar": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "calendars:feed_renew": (None, SIGNED_IN_NOT_ALLOWED, dict.fromkeys(ROLES, FOUND)),
    "calendars:feed": ("feed", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
}

# POST bodies that would change something if the request were allowed.
POST_DATA = {
    "set_language": {"language": "en", "next": "/"},
    "accounts:membership_change_role": {"role": Membership.Role.POLITICIAN},
    "reporting:report_return": {"comment": "Uddyb venligst."},
}


def _url_names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # the Django admin has its own staff-only permission system
            prefix = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_row():
    discovered = set(_url_names(get_resolver().url_patterns))

    assert discovered - set(MATRIX) == set(), "add these views to the permission matrix"
    assert set(MATRIX) - discovered == set(), "these rows name views that no longer exist"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Attachments in the world are written to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def group_member(db):
    return UserFactory(full_name="Dorte Dialoggruppe")


@pytest.fixture
def world(reference_data, coordinator, own_municipality, group_member, kl_secretariat):
    from commitments.models import Framework, Initiative

    target = User.objects.create_user("maal@example.dk", "Et-godt-kodeord-123")
    membership = Membership.objects.create(
        user=target, role=Membership.Role.COORDINATOR, municipality=own_municipality
    )
    initiative = Initiative.objects.get(framework__slug="hovedstaden-psykiatri", code="1.F1")
    report = ReportFactory(
        round__framework=initiative.framework,
        round__slug="statusopfoelgning-2026",
        municipality=own_municipality,
    )
    ReportEntryFactory(report=report, initiative=initiative)
    pilot = PilotProjectFactory(
        initiative=Initiative.objects.get(framework=initiative.framework, code="2.P2"),
        lead_municipality=own_municipality,
    )
    invitation = PilotParticipationFactory(
        project=pilot,
        municipality=Municipality.objects.get(code="147"),
        status=PilotParticipation.Status.INVITED,
    )
    # --- reporting: rounds --- (a draft round without questions, so opening it is refused)
    draft_round = ReportingRoundFactory(framework=initiative.framework, slug="kladde-2027")
    entry = report.entries.get()
    csv_file = b"Kommunekode;Indsatskode;Status (0-4)\r\n101;1.F1;3\r\n"
    import_file = ImportFile(
        round=report.round,
        original_name="svar.csv",
        size=len(csv_file),
        sha256=hashlib.sha256(csv_file).hexdigest(),
    )
    import_file.file.save("svar.csv", ContentFile(csv_file), save=True)
    attachment = Attachment(entry=entry, original_name="plan.pdf", size=9)
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    job = Job.objects.create(
        kind="tests.count", created_by=coordinator, status=Job.Status.DONE, finished_at=now()
    )
    job.result.save("tal.txt", ContentFile(b"1\n2\n3"), save=True)
    # --- meetings: KL's dialogue group, a member on Hovedstaden's first seat, a meeting with
    # a draft agenda, the member's proposal, a meeting attachment; the member's calendar feed
    group = GroupFactory(owner_organisation=kl_secretariat.meeting_organisations.get())
    seat = GroupMemberFactory(
        group=group, user=group_member, kkr=own_municipality.kkr, seat=1, area="adults"
    )
    today = timezone.localdate()
    meeting = MeetingFactory(
        group=group,
        date=today + datetime.timedelta(days=30),
        proposal_deadline=today + datetime.timedelta(days=10),
    )
    item = AgendaItemFactory(meeting=meeting, position=1)
    item.document.save("punkt.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    item.document_name = "punkt.pdf"
    item.save()
    proposal = AgendaProposalFactory(meeting=meeting, proposed_by=group_member)
    proposal.attachment.save("forslag.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
    proposal.attachment_name = "forslag.pdf"
    proposal.save()
    meeting_attachment = MeetingAttachment(meeting=meeting, original_name="bilag.pdf", size=9)
    meeting_attachment.file.save("bilag.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    feed = CalendarFeed.objects.create(user=group_member)
    call = CallFactory(kkr=own_municipality.kkr, status="open", addressees=[coordinator])
    call.example.save("notat.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    call_proposal = ProposalFactory(call=call, author=coordinator, status="submitted")
    call_initiative = ProposalInitiativeFactory(proposal=call_proposal)
    return {
        "call": {"pk": call.pk},
        "draft_call": {"pk": CallFactory(kkr=own_municipality.kkr, addressees=[coordinator]).pk},
        "call_proposal": {"pk": call_proposal.pk},
        "call_initiative": {"pk": call_initiative.pk},
        "group": {"slug": group.slug},
        "group_member": {"pk": seat.pk},
        "meeting": {"pk": meeting.pk},
        "agenda_item": {"pk": item.pk},
        "proposal": {"pk": proposal.pk},
        "meeting_attachment": {"pk": meeting_attachment.pk},
        "feed": {"token": feed.token},
        "dashboard": {"slug": "hovedstaden-psykiatri"},
        "dashboard_initiative": {"slug": "hovedstaden-psykiatri", "code": "1.F1"},
        "dashboard_municipality": {"slug": "hovedstaden-psykiatri", "code": "101"},
        "pilot": {"pk": pilot.pk},
        "pilot_participation": {"pk": invitation.pk},
        "open_round": {"slug": report.round.slug},
        "draft_round": {"slug": draft_round.slug},
        "own_entry": {"pk": report.pk, "entry_pk": entry.pk},
        "own_attachment": {"pk": report.pk, "attachment_pk": attachment.pk},
        "own_report": {"pk": report.pk},
        "import_file": {"pk": import_file.pk},
        "framework": {"slug": Framework.objects.get(slug="hovedstaden-psykiatri").slug},
        "initiative": {"slug": "hovedstaden-psykiatri", "code": initiative.code},
        "municipality": {"code": own_municipality.code},
        "bad_token": {"uidb64": "MQ", "token": "set-password"},
        "target_user": {"pk": target.pk},
        "target_membership": {"pk": membership.pk},
        "job": {"pk": job.pk},
    }


def _state():
    """Everything a forbidden POST must leave untouched."""
    return (
        list(Membership.objects.order_by("pk").values_list("pk", "user_id", "role")),
        list(User.objects.order_by("pk").values_list("pk", "is_active", "password")),
        list(Report.objects.order_by("pk").values_list("pk", "status", "version")),
        list(Attachment.objects.order_by("pk").values_list("pk", "entry_id")),
        list(ImportFile.objects.order_by("pk").values_list("pk", "status")),
        list(ReportEntry.objects.order_by("pk").values_list("pk", "status")),
        list(Group.objects.order_by("pk").values_list("pk", "name", "kkr_seats")),
        list(GroupMember.objects.order_by("pk").values_list("pk", "user_id", "seat")),
        list(
            Meeting.objects.order_by("pk").values_list(
                "pk", "status", "sequence", "agenda_published_at", "minutes", "minutes_published_at"
            )
        ),
        list(AgendaItem.objects.order_by("pk").values_list("pk", "position", "title")),
        list(AgendaProposal.objects.order_by("pk").values_list("pk", "status", "agenda_item_id")),
        list(MeetingAttachment.objects.order_by("pk").values_list("pk", "meeting_id")),
        list(CalendarFeed.objects.order_by("pk").values_list("pk", "token")),
    )


def _client_for(role, request, client):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_get(url_name, role, world, request, client):
    kwargs_key, expected, _post = MATRIX[url_name]
    url = reverse(url_name, kwargs=world[kwargs_key] if kwargs_key else None)
    client = _client_for(role, request, client)

    response = client.get(url)

    assert response.status_code == expected[role]
    if role == "anonymous" and expected[role] == FOUND and url_name not in {"set_language"}:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_post(url_name, role, world, request, client):
    kwargs_key, _get, expected = MATRIX[url_name]
    url = reverse(url_name, kwargs=world[kwargs_key] if kwargs_key else None)
    client = _client_for(role, request, client)
    before = _state()

    response = client.post(url, POST_DATA.get(url_name, {}))

    assert response.status_code == expected[role]
    if expected[role] in {FORBIDDEN, NOT_FOUND, NOT_ALLOWED} or role == "anonymous":
        assert _state() == before, "a refused request must not write anything"
