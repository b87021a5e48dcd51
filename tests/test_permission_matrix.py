"""The permission matrix: every URL of the project × every role × GET and POST.

URLs are discovered from the URL conf, so a new view without a row here fails
`test_every_url_has_a_row`. A row is `(world key, expected GET, expected POST)`, or a list of
such rows when the object's state matters: the world key then names the state
("own_report@submitted", "round@closed"). For every POST that must not succeed, the test also
checks that no table of any installed app was written (`NOT_COMPARED` names the few log
tables left out). The world is built once per module: see the `world` fixture and
docs/decisions/0020-test-suite-shape.md.
"""

import datetime
import hashlib
from http import HTTPStatus

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.timezone import now

from accounts.models import Membership, User
from calendars.models import CalendarFeed
from calls.models import MergedInitiative
from exports.models import ImportFile
from jobs.models import Job
from mappings.models import MappingDocument
from meetings.models import MeetingAttachment
from municipalities.models import Municipality
from pilots.models import PilotParticipation
from reporting.models import Attachment, Report, ReportingRound
from tests.factories import (
    AgendaItemFactory,
    AgendaProposalFactory,
    CallFactory,
    FrameworkFactory,
    GroupFactory,
    GroupMemberFactory,
    InitiativeFactory,
    MappingFactory,
    MeetingFactory,
    MembershipFactory,
    MilestoneFactory,
    OrganisationFactory,
    PartyFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ProcessPlanFactory,
    ProposalFactory,
    ProposalInitiativeFactory,
    ReportEntryFactory,
    ReportFactory,
    ReportingRoundFactory,
    SteeringGroupFactory,
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
    "superuser",  # an administrator: no membership, every permission
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
    "superuser": OK,
}
OWN_KKR_SECRETARIAT_WRITES = {
    **SECRETARIAT_ONLY,
    "secretariat": FOUND,
    "foreign_secretariat": NOT_FOUND,
    "superuser": FOUND,
}
OWN_KKR_SECRETARIAT_READS = {**SECRETARIAT_ONLY, "foreign_secretariat": NOT_FOUND}
PUBLIC_DASHBOARD = {**EVERYONE_OK, "anonymous": NOT_FOUND}
ROUND_MANAGERS = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": FOUND,
    "secretariat": FOUND,
    "superuser": FOUND,
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
    "superuser": FORBIDDEN,
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
    "superuser": OK,
}
# An open round is seen by everyone signed in; only its own secretariat changes it.
OPEN_ROUND_WRITES = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": FOUND,
    "secretariat": FOUND,
    "superuser": FOUND,
}
# An open round's form and pages for its own secretariat (an empty POST re-shows the form).
ROUND_MANAGERS_READ = {**OPEN_ROUND_WRITES, "secretariat": OK, "superuser": OK}
# København's draft report: its coordinator sees it (403 on review), others do not (404).
DEADLINE_EXTENSION = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": FORBIDDEN,
    "secretariat": OK,
    "superuser": OK,
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
    "superuser": OK,
}
# An administrator reads and reviews every report; writing one is its municipality's.
OWN_REPORT_WRITE = {**OWN_REPORT_READ, "secretariat": FORBIDDEN, "superuser": FORBIDDEN}
OWN_REPORT_REVIEW = {
    **OWN_REPORT_READ,
    "coordinator": FORBIDDEN,
    "secretariat": FOUND,
    "superuser": FOUND,
}

# København's report once submitted or approved: everyone signed in reads it, no one writes
# it; its KKR's secretariat reviews it.
SHARED_REPORT_WRITE = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": FOUND}
SHARED_REPORT_REVIEW = {**SHARED_REPORT_WRITE, "secretariat": FOUND, "superuser": FOUND}

# A job is its starter's own (and an administrator's): everyone else gets 404, as for a job
# that does not exist.
JOB_OWNER = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": OK,
    "superuser": OK,
}
# --- exports: the bulk import
ROUND_IMPORT = {
    **dict.fromkeys(ROLES, FORBIDDEN),
    "anonymous": FOUND,
    "secretariat": OK,
    "superuser": OK,
}
IMPORT_FILE_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "secretariat": OK,
    "superuser": OK,
}
# --- meetings: the world's dialogue group is owned by KL; its meeting's agenda is a draft
# (an administrator may do everything the group's secretariat may)
NO_ONE_BUT = {**dict.fromkeys(ROLES, FORBIDDEN), "anonymous": FOUND}
GROUP_CREATORS = {
    **NO_ONE_BUT,
    "secretariat": OK,
    "foreign_secretariat": OK,
    "kl_secretariat": OK,
    "superuser": OK,
}
GROUP_MANAGER = {**NO_ONE_BUT, "kl_secretariat": OK, "superuser": OK}
GROUP_MANAGER_WRITES = {**NO_ONE_BUT, "kl_secretariat": FOUND, "superuser": FOUND}
# Seed 003: every KKR secretariat appoints to its own KKR's seats, KL's secretariat to all.
APPOINTERS = {**GROUP_CREATORS}
# The group member holds Hovedstaden's seat: KL and Hovedstaden's secretariat may free it.
SEAT_REMOVERS = {**NO_ONE_BUT, "secretariat": FOUND, "kl_secretariat": FOUND, "superuser": FOUND}
PROPOSERS = {**NO_ONE_BUT, "group_member": OK, "kl_secretariat": OK, "superuser": OK}
# The member's proposal: seen by its proposer and KL's secretariat, by no one else (404).
OWN_PROPOSAL_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "group_member": OK,
    "kl_secretariat": OK,
    "superuser": OK,
}
OWN_PROPOSAL_DECIDE = {
    **OWN_PROPOSAL_READ,
    "group_member": FORBIDDEN,
    "kl_secretariat": FOUND,
    "superuser": FOUND,
}
# An item of the unpublished agenda: only the group's secretariat knows it exists.
DRAFT_ITEM_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "kl_secretariat": OK,
    "superuser": OK,
}
DRAFT_ITEM_WRITE = {**DRAFT_ITEM_READ, "kl_secretariat": FOUND, "superuser": FOUND}

# --- calls: the open call is read by its secretariat and its addressee (the coordinator)
CALL_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": OK,
    "secretariat": OK,
    "superuser": OK,
}
CALL_ADDRESSEE_FORBIDDEN = {
    **CALL_READ,
    "coordinator": FORBIDDEN,
    "secretariat": FORBIDDEN,
    "superuser": FORBIDDEN,
}
CALL_WRITE = {**CALL_ADDRESSEE_FORBIDDEN, "secretariat": FOUND, "superuser": FOUND}
CALL_MANAGE_FORM = {**CALL_ADDRESSEE_FORBIDDEN, "secretariat": OK, "superuser": OK}
CALL_PROPOSE = {**CALL_ADDRESSEE_FORBIDDEN, "coordinator": FOUND}
DRAFT_CALL_WRITE = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "secretariat": FOUND,
    "superuser": FOUND,
}

# --- mappings: Hovedstaden's mapping and process plan are read by everyone of the KKR; only
# its secretariat writes them (an empty POST re-shows the form with errors)
PATH_READ = {
    **dict.fromkeys(ROLES, NOT_FOUND),
    "anonymous": FOUND,
    "coordinator": OK,
    "other_coordinator": OK,
    "politician": OK,
    "secretariat": OK,
    "superuser": OK,
}
PATH_FORM = {
    **PATH_READ,
    "coordinator": FORBIDDEN,
    "other_coordinator": FORBIDDEN,
    "politician": FORBIDDEN,
}
PATH_WRITE = {**PATH_FORM, "secretariat": FOUND, "superuser": FOUND}

# Secretariats and administrators must use a second factor (twofactor/permissions.py).
TWO_FACTOR_USERS = ["secretariat", "foreign_secretariat", "kl_secretariat", "superuser"]
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
    # The framework editor (decision 25). The world's framework is adopted: its own
    # secretariat is sent back to the framework page with the reason, anyone else who reads
    # it is refused; an empty POST to "new" or "import" re-shows the form with errors.
    "commitments:framework_export": ("framework", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "commitments:framework_create": (None, SECRETARIAT_ONLY, SECRETARIAT_ONLY),
    "commitments:framework_import": (None, SECRETARIAT_ONLY, SECRETARIAT_ONLY),
    "commitments:framework_history": (
        "framework",
        {**NO_ONE_BUT, "secretariat": OK, "superuser": OK},
        SIGNED_IN_NOT_ALLOWED,
    ),
    "commitments:framework_editor": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        SIGNED_IN_NOT_ALLOWED,
    ),
    "commitments:framework_edit": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:structure_edit": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:methods_edit": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:initiative_create": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:framework_adopt": (
        "framework",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:framework_move": (
        "framework",
        SIGNED_IN_NOT_ALLOWED,
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:consultation_open": (
        "framework",
        SIGNED_IN_NOT_ALLOWED,
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:consultation_close": (
        "framework",
        SIGNED_IN_NOT_ALLOWED,
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    # Revisions (decision 27): the owning secretariat starts one from the adopted framework
    # (a redirect to the new draft's editor); the comparison is read by whoever reads both
    # frameworks: everyone for an adopted revision, the secretariat only for a draft one.
    "commitments:framework_revise": (
        "framework",
        SIGNED_IN_NOT_ALLOWED,
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:framework_compare": [
        ("revision", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
        (
            "revision@draft",
            {**dict.fromkeys(ROLES, NOT_FOUND), "secretariat": OK, "superuser": OK},
            EVERYONE_NOT_ALLOWED,
        ),
    ],
    "commitments:initiative_edit": (
        "initiative",
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
    "commitments:initiative_delete": (
        "initiative",
        SIGNED_IN_NOT_ALLOWED,
        {**NO_ONE_BUT, "secretariat": FOUND, "superuser": FOUND},
    ),
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
    # The second factor: nobody in the world has an app (a test login of those who must use
    # one passes it), so the code page sends everyone to set one up; backup codes are renewed
    # only in a session that passed the second factor.
    "twofactor:verify": (None, dict.fromkeys(ROLES, FOUND), dict.fromkeys(ROLES, FOUND)),
    "twofactor:setup": (None, SIGNED_IN_OK, SIGNED_IN_OK),
    "twofactor:backup_codes": (
        None,
        SIGNED_IN_NOT_ALLOWED,
        {**dict.fromkeys(ROLES, FOUND), **dict.fromkeys(TWO_FACTOR_USERS, OK)},
    ),
    # A role offer is answered only by the person it is for; nobody in the world has one.
    "accounts:role_offer_answer": (
        "target_membership",
        SIGNED_IN_NOT_ALLOWED,
        {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND},
    ),
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
    # København's report in the other states (each in an open round): a returned report is
    # the municipality's again, like a draft; a submitted or approved one is shared.
    "reporting:report_detail": [
        ("own_report", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
        ("own_report@submitted", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
        ("own_report@returned", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
        ("own_report@approved", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    ],
    # The world's report is a draft in an open round: only København's coordinator writes it,
    # the secretariat sees it (403 on writes), everyone else gets 404.
    # An empty POST re-shows the form with errors (200) and writes nothing.
    "reporting:report_edit": [
        ("own_report", OWN_REPORT_WRITE, OWN_REPORT_WRITE),
        ("own_report@submitted", SHARED_REPORT_WRITE, SHARED_REPORT_WRITE),
        ("own_report@returned", OWN_REPORT_WRITE, OWN_REPORT_WRITE),
        ("own_report@approved", SHARED_REPORT_WRITE, SHARED_REPORT_WRITE),
    ],
    # The history holds every draft value: the municipality's and its secretariat's only, in
    # every state.
    "reporting:report_history": [
        ("own_report", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
        ("own_report@submitted", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
        ("own_report@returned", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
        ("own_report@approved", OWN_REPORT_READ, SIGNED_IN_NOT_ALLOWED),
    ],
    # The summary before submitting; a POST without a version goes back to it.
    "reporting:report_submit": (
        "own_report",
        OWN_REPORT_WRITE,
        {**OWN_REPORT_WRITE, "coordinator": FOUND},
    ),
    # The secretariat's review of a draft is refused by the service: message and redirect.
    "reporting:report_return": [
        ("own_report", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
        ("own_report@submitted", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_REVIEW),
        ("own_report@returned", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
        ("own_report@approved", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_REVIEW),
    ],
    "reporting:report_approve": [
        ("own_report", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
        ("own_report@submitted", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_REVIEW),
        ("own_report@returned", SIGNED_IN_NOT_ALLOWED, OWN_REPORT_REVIEW),
        ("own_report@approved", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_REVIEW),
    ],
    # A POST without a file redirects back to the form with an error message.
    "reporting:report_attachment_upload": [
        ("own_entry", SIGNED_IN_NOT_ALLOWED, {**OWN_REPORT_WRITE, "coordinator": FOUND}),
        ("own_entry@submitted", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_WRITE),
        ("own_entry@returned", SIGNED_IN_NOT_ALLOWED, {**OWN_REPORT_WRITE, "coordinator": FOUND}),
        ("own_entry@approved", SIGNED_IN_NOT_ALLOWED, SHARED_REPORT_WRITE),
    ],
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
    # Rounds in their four states: draft, open, closed, closed and published (the last of a
    # second framework of Hovedstaden's). The secretariat's step that does not fit the
    # round's state is refused by the service with a message (302), like the one that does.
    "reporting:round_detail": [
        ("draft_round", DRAFT_ROUND_SECRETARIAT, SIGNED_IN_NOT_ALLOWED),
        ("open_round", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
        ("round@closed", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
        ("round@published", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    ],
    "reporting:round_edit": [
        ("draft_round", DRAFT_ROUND_SECRETARIAT, DRAFT_ROUND_SECRETARIAT),
        # An open round is edited (the empty POST re-shows the form); a closed one is not.
        ("open_round", ROUND_MANAGERS_READ, ROUND_MANAGERS_READ),
        ("round@closed", OPEN_ROUND_WRITES, OPEN_ROUND_WRITES),
    ],
    # The world's draft round has no questions: opening it is refused with a message (302).
    "reporting:round_open": [
        (
            "draft_round",
            SIGNED_IN_NOT_ALLOWED,
            {**DRAFT_ROUND_SECRETARIAT, "secretariat": FOUND, "superuser": FOUND},
        ),
        ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
        ("round@closed", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    ],
    "reporting:round_close": [
        (
            "draft_round",
            SIGNED_IN_NOT_ALLOWED,
            {**DRAFT_ROUND_SECRETARIAT, "secretariat": FOUND, "superuser": FOUND},
        ),
        ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
        ("round@closed", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    ],
    "reporting:round_reopen": [
        ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
        ("round@closed", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
        ("round@published", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    ],
    "reporting:round_submission_rule": ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    "notifications:round_remind_all": ("open_round", SIGNED_IN_NOT_ALLOWED, OPEN_ROUND_WRITES),
    "notifications:round_reminder_plan": (
        "open_round",
        ROUND_MANAGERS_READ,
        SIGNED_IN_NOT_ALLOWED,
    ),
    "notifications:round_reminders_switch": (
        "open_round",
        SIGNED_IN_NOT_ALLOWED,
        OPEN_ROUND_WRITES,
    ),
    "notifications:round_remind_one": (
        "own_report",
        SIGNED_IN_NOT_ALLOWED,
        OWN_REPORT_REVIEW,
    ),
    "reporting:report_extend_deadline_form": ("own_report", DEADLINE_EXTENSION, DEADLINE_EXTENSION),
    # Publishing an open round is refused with a message (302); only the own secretariat may.
    "reporting:round_publish": [
        ("open_round", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
        ("round@closed", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
        ("round@published", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
    ],
    "reporting:round_unpublish": [
        ("open_round", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
        ("round@published", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
    ],
    # --- reporting: pilots and tasks ---
    # --- dashboards: public pages; the framework's rounds are unpublished, so visitors who
    # are not signed in find nothing (404); drafts only with the secretariat's toggle. The
    # second framework ("dashboard@published") has a published round: everyone reads it.
    "dashboards:index": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "dashboards:overview": [
        ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("dashboard@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "dashboards:heat_map": [
        ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("dashboard@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "dashboards:trend": [
        ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("dashboard@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "dashboards:handout_pdf": ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:changes": [
        ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("dashboard@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "dashboards:pilots": [
        ("dashboard", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("dashboard@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "dashboards:initiative": ("dashboard_initiative", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "dashboards:municipality": ("dashboard_municipality", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
    "pilots:pilot_list": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    # A pilot project's results shared or not change what its page shows, not who reads it.
    "pilots:pilot_detail": [
        ("pilot", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
        ("pilot@shared", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    ],
    # Coordinators start pilot projects; an empty POST re-shows the form with errors.
    "pilots:pilot_create": (None, PILOT_COORDINATORS, PILOT_COORDINATORS),
    # Only the lead municipality's (København's) coordinators; an empty POST shows errors.
    "pilots:pilot_edit": [
        ("pilot", PILOT_LEAD_ONLY, PILOT_LEAD_ONLY),
        ("pilot@shared", PILOT_LEAD_ONLY, PILOT_LEAD_ONLY),
    ],
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
    "exports:round_xlsx": [
        ("open_round", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("round@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "exports:round_csv": [
        ("open_round", PUBLIC_DASHBOARD, EVERYONE_NOT_ALLOWED),
        ("round@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "exports:municipality_xlsx": ("municipality", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:municipality_csv": ("municipality", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    # Open data: public addresses, but only for a published round (the world's is not).
    "exports:open_data_list": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:open_data_schema": (None, EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    "exports:open_data_csv": [
        ("open_round", dict.fromkeys(ROLES, NOT_FOUND), EVERYONE_NOT_ALLOWED),
        ("round@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    "exports:open_data_json": [
        ("open_round", dict.fromkeys(ROLES, NOT_FOUND), EVERYONE_NOT_ALLOWED),
        ("round@published", EVERYONE_OK, EVERYONE_NOT_ALLOWED),
    ],
    # The bulk import: the round's own secretariat only; an empty upload re-shows the form.
    "exports:import_template": ("open_round", ROUND_IMPORT, SIGNED_IN_NOT_ALLOWED),
    "exports:import_upload": ("open_round", ROUND_IMPORT, ROUND_IMPORT),
    # An uploaded file exists only for the round's secretariat; a confirmation without the
    # preview's digest is refused with a message (302); discarding redirects to the upload.
    "exports:import_preview": ("import_file", IMPORT_FILE_READ, SIGNED_IN_NOT_ALLOWED),
    # The confirmation's progress and outcome: only a file that has been confirmed has one.
    "exports:import_status": [
        (
            "import_file",
            {**IMPORT_FILE_READ, "secretariat": NOT_FOUND, "superuser": NOT_FOUND},
            SIGNED_IN_NOT_ALLOWED,
        ),
        ("import_file@confirmed", IMPORT_FILE_READ, SIGNED_IN_NOT_ALLOWED),
    ],
    "exports:import_confirm": (
        "import_file",
        SIGNED_IN_NOT_ALLOWED,
        {**IMPORT_FILE_READ, "secretariat": FOUND, "superuser": FOUND},
    ),
    "exports:import_discard": (
        "import_file",
        SIGNED_IN_NOT_ALLOWED,
        {**IMPORT_FILE_READ, "secretariat": FOUND, "superuser": FOUND},
    ),
    # --- material: the KKR meeting report and agenda item of a round; the world's round has no
    # report made yet (404 for its download); an empty POST of the agenda item re-shows the form
    "material:round_material": ("open_round", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "material:material_start": ("open_round", SIGNED_IN_NOT_ALLOWED, ROUND_MANAGERS),
    "material:material_download": (
        "open_round",
        {**dict.fromkeys(ROLES, NOT_FOUND), "anonymous": FOUND},
        SIGNED_IN_NOT_ALLOWED,
    ),
    "material:agenda_paper_edit": ("open_round", ROUND_IMPORT, ROUND_IMPORT),
    "material:agenda_paper_docx": ("open_round", SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
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
    # The call's history, merging and converting its accepted proposals: its secretariat's
    # (an empty POST re-shows the form; the world's proposal is not accepted yet).
    "calls:call_history": ("call", CALL_MANAGE_FORM, SIGNED_IN_NOT_ALLOWED),
    "calls:call_merge": ("call", CALL_MANAGE_FORM, CALL_MANAGE_FORM),
    "calls:call_convert": ("call", CALL_MANAGE_FORM, CALL_MANAGE_FORM),
    # Undoing a merge: a page that shows it, then the POST that undoes it.
    "calls:call_merge_dissolve": ("call_merge", CALL_MANAGE_FORM, CALL_WRITE),
    "calls:proposal_edit": ("call", CALL_PROPOSE, CALL_PROPOSE),
    "calls:proposal_detail": ("call_proposal", CALL_READ, SIGNED_IN_NOT_ALLOWED),
    "calls:proposal_submit": ("call_proposal", SIGNED_IN_NOT_ALLOWED, CALL_ADDRESSEE_FORBIDDEN),
    "calls:proposal_review": ("call_proposal", SIGNED_IN_NOT_ALLOWED, CALL_WRITE),
    "calls:framework_text": ("call_initiative", CALL_MANAGE_FORM, CALL_MANAGE_FORM),
    # --- mappings: the way to a framework ---
    "mappings:path_index": (None, SIGNED_IN_OK, SIGNED_IN_NOT_ALLOWED),
    "mappings:path": ("path_kkr", PATH_READ, SIGNED_IN_NOT_ALLOWED),
    "mappings:mapping_create": ("path_kkr", PATH_FORM, PATH_FORM),
    "mappings:groups_edit": ("path_kkr", PATH_FORM, PATH_FORM),
    "mappings:mapping_detail": ("mapping", PATH_READ, SIGNED_IN_NOT_ALLOWED),
    "mappings:mapping_edit": ("mapping", PATH_FORM, PATH_FORM),
    "mappings:plan_edit": ("mapping", PATH_FORM, PATH_FORM),
    # A POST without a file redirects back with an error message.
    "mappings:document_upload": ("mapping", SIGNED_IN_NOT_ALLOWED, PATH_WRITE),
    "mappings:document_download": ("mapping_document", PATH_READ, SIGNED_IN_NOT_ALLOWED),
    "mappings:document_delete": ("mapping_document", SIGNED_IN_NOT_ALLOWED, PATH_WRITE),
    "mappings:milestone_create": ("process_plan", PATH_FORM, PATH_FORM),
    "mappings:milestone_edit": ("milestone", PATH_FORM, PATH_FORM),
    "mappings:milestone_delete": ("milestone", SIGNED_IN_NOT_ALLOWED, PATH_WRITE),
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


def _rows():
    """(url name, kwargs key, expected GET, expected POST) for every row and state."""
    for url_name, row in sorted(MATRIX.items()):
        for kwargs_key, get, post in row if isinstance(row, list) else [row]:
            yield url_name, kwargs_key, get, post


def _cases(method):
    for url_name, kwargs_key, get, post in _rows():
        expected = get if method == "GET" else post
        for role in ROLES:
            yield pytest.param(
                url_name, kwargs_key, role, expected.get(role), id=f"{url_name}-{kwargs_key}-{role}"
            )


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


def test_every_row_names_every_role():
    for url_name, _kwargs_key, get, post in _rows():
        assert set(get) == set(ROLES), f"{url_name}: GET names {set(get) ^ set(ROLES)}"
        assert set(post) == set(ROLES), f"{url_name}: POST names {set(post) ^ set(ROLES)}"


# Tables a refused request may write, and why; every other model of every installed app is
# compared before and after (the outbox of django-post-office included: a refused request
# must not queue mail either).
NOT_COMPARED = {
    "sessions": "every request may start or renew a session, refused or not",
    "axes": "django-axes logs every login attempt and access, refused or not",
    "django_celery_results": "the log of tasks run, not the portal's data",
}
# `force_login` before the request sets the user's `last_login`.
NOT_COMPARED_FIELDS = {"accounts.user": {"last_login"}}


def _compared_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label not in NOT_COMPARED
        and model._meta.managed
        and not model._meta.proxy
    ]


def _snapshot():
    """Every row of every compared table, in primary key order."""
    state = {}
    for model in _compared_models():
        skipped = NOT_COMPARED_FIELDS.get(model._meta.label_lower, set())
        columns = [f.attname for f in model._meta.concrete_fields if f.name not in skipped]
        rows = model._base_manager.order_by("pk").values_list(*columns)
        state[model._meta.db_table] = list(rows)
    return state


def _writes():
    """What tells whether a request wrote to a compared table.

    On PostgreSQL, the rows each table had inserted, updated or deleted so far in this
    transaction (`pg_stat_xact_user_tables`, one query; it counts an UPDATE that changed
    nothing too, and a write a savepoint rolled back); elsewhere every row (`_snapshot`).
    """
    if connection.vendor != "postgresql":
        return _snapshot()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        counts = dict(cursor.fetchall())
    return {
        model._meta.db_table: counts.get(model._meta.db_table, 0) for model in _compared_models()
    }


def _changed_tables(before, after):
    return sorted(label for label in before if before[label] != after[label])


def _role_users(own, other, foreign):
    hovedstaden = own.kkr
    kl_secretariat = UserFactory(full_name="Karen KL")
    OrganisationFactory().staff.add(kl_secretariat)
    return {
        "coordinator": MembershipFactory(
            role=Membership.Role.COORDINATOR, municipality=own, user__full_name="Kim Kbh"
        ).user,
        "other_coordinator": MembershipFactory(
            role=Membership.Role.COORDINATOR, municipality=other
        ).user,
        "foreign_coordinator": MembershipFactory(
            role=Membership.Role.COORDINATOR, municipality=foreign
        ).user,
        "politician": MembershipFactory(
            role=Membership.Role.POLITICIAN, kkr=hovedstaden, municipality=None
        ).user,
        "secretariat": MembershipFactory(
            role=Membership.Role.SECRETARIAT, kkr=hovedstaden, municipality=None
        ).user,
        "foreign_secretariat": MembershipFactory(
            role=Membership.Role.SECRETARIAT, kkr=foreign.kkr, municipality=None
        ).user,
        "group_member": UserFactory(full_name="Dorte Dialoggruppe"),
        "kl_secretariat": kl_secretariat,
        "superuser": UserFactory(is_staff=True, is_superuser=True),
    }


def _report_in(round_, municipality, initiative, status):
    """A report of `municipality` in `status`, with one entry and one attachment."""
    stamps = {}
    if status != Report.Status.DRAFT:
        stamps = {"submitted_at": now(), "started_at": now()}
    if status in {Report.Status.RETURNED, Report.Status.APPROVED}:
        stamps["reviewed_at"] = now()
    report = ReportFactory(round=round_, municipality=municipality, status=status, **stamps)
    entry = ReportEntryFactory(report=report, initiative=initiative)
    attachment = Attachment(entry=entry, original_name="plan.pdf", size=9)
    attachment.file.save("plan.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    return report, entry, attachment


def _build_world():
    """Everything the rows name, built once per module: see `world`."""
    from commitments.models import Framework, Initiative

    if not Municipality.objects.exists():  # a transactional test emptied the database
        call_command("loaddata", "municipalities", "frameworks", verbosity=0)
    own = Municipality.objects.get(code="101")  # København
    other = Municipality.objects.get(code="147")  # Frederiksberg, same KKR
    foreign = Municipality.objects.get(code="751")  # Aarhus, KKR Midtjylland
    users = _role_users(own, other, foreign)
    coordinator, group_member = users["coordinator"], users["group_member"]

    target = User.objects.create_user("maal@example.dk", "Et-godt-kodeord-123")
    membership = Membership.objects.create(
        user=target, role=Membership.Role.COORDINATOR, municipality=own
    )
    framework = Framework.objects.get(slug="hovedstaden-psykiatri")
    initiative = Initiative.objects.get(framework=framework, code="1.F1")
    # Rounds: the open round with København's draft report, a draft round without questions
    # (so opening it is refused), a closed round; København's report in every other state,
    # each in an open round of its own, so that only the report's state differs.
    open_round = ReportingRoundFactory(
        framework=framework,
        slug="statusopfoelgning-2026",
        status=ReportingRound.Status.OPEN,
        opened_at=now(),
    )
    report, entry, attachment = _report_in(open_round, own, initiative, Report.Status.DRAFT)
    draft_round = ReportingRoundFactory(framework=framework, slug="kladde-2027")
    closed_round = ReportingRoundFactory(
        framework=framework,
        slug="lukket-2025",
        status=ReportingRound.Status.CLOSED,
        opened_at=now(),
        closed_at=now(),
    )
    _report_in(closed_round, own, initiative, Report.Status.SUBMITTED)
    in_state = {}
    for status in [Report.Status.SUBMITTED, Report.Status.RETURNED, Report.Status.APPROVED]:
        round_ = ReportingRoundFactory(
            framework=framework, status=ReportingRound.Status.OPEN, opened_at=now()
        )
        in_state[status] = _report_in(round_, own, initiative, status)
    # A published round belongs to a second framework of Hovedstaden, so that the first
    # framework's dashboards still have no published round (visitors find nothing there).
    published_framework = FrameworkFactory(kkr=own.kkr, slug="hovedstaden-2030")
    published_initiative = InitiativeFactory(
        block__area__framework=published_framework, code="1.F1"
    )
    published_round = ReportingRoundFactory(
        framework=published_framework,
        slug="offentliggjort-2024",
        status=ReportingRound.Status.CLOSED,
        opened_at=now(),
        closed_at=now(),
        published_at=now(),
    )
    _report_in(published_round, own, published_initiative, Report.Status.APPROVED)

    pilot_initiative = Initiative.objects.get(framework=framework, code="2.P2")
    pilot = PilotProjectFactory(initiative=pilot_initiative, lead_municipality=own)
    shared_pilot = PilotProjectFactory(
        initiative=pilot_initiative,
        lead_municipality=own,
        results="Færre akutte indlæggelser.",
        results_published=True,
    )
    invitation = PilotParticipationFactory(
        project=pilot, municipality=other, status=PilotParticipation.Status.INVITED
    )
    csv_file = b"Kommunekode;Indsatskode;Status (0-4)\r\n101;1.F1;3\r\n"
    import_file = ImportFile(
        round=open_round,
        original_name="svar.csv",
        size=len(csv_file),
        sha256=hashlib.sha256(csv_file).hexdigest(),
    )
    import_file.file.save("svar.csv", ContentFile(csv_file), save=True)
    confirmed_import = ImportFile(
        round=open_round,
        original_name="bekraeftet.csv",
        size=len(csv_file),
        sha256=hashlib.sha256(csv_file).hexdigest(),
        job=Job.objects.create(
            kind="exports.import",
            created_by=users["secretariat"],
            status=Job.Status.FAILED,
            finished_at=now(),
            message="Rapporterne er ændret, siden du så forhåndsvisningen.",
        ),
    )
    confirmed_import.file.save("bekraeftet.csv", ContentFile(csv_file), save=True)
    job = Job.objects.create(
        kind="tests.count", created_by=coordinator, status=Job.Status.DONE, finished_at=now()
    )
    job.result.save("tal.txt", ContentFile(b"1\n2\n3"), save=True)
    # --- meetings: KL's dialogue group, a member on Hovedstaden's first seat, a meeting with
    # a draft agenda, the member's proposal, a meeting attachment; the member's calendar feed
    group = GroupFactory(owner_organisation=users["kl_secretariat"].meeting_organisations.get())
    seat = GroupMemberFactory(group=group, user=group_member, kkr=own.kkr, seat=1, area="adults")
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
    call = CallFactory(kkr=own.kkr, status="open", addressees=[coordinator])
    call.example.save("notat.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    call_proposal = ProposalFactory(call=call, author=coordinator, status="submitted")
    call_initiative = ProposalInitiativeFactory(proposal=call_proposal)
    call_merge = MergedInitiative.objects.create(
        call=call, kind="mandatory", text="Samlet indsats.", comment="Samme indsats."
    )
    # --- mappings: Hovedstaden's mapping with a document, a plan and a milestone
    mapping = MappingFactory(kkr=own.kkr)
    mapping_document = MappingDocument(mapping=mapping, original_name="rapport.pdf", size=9)
    mapping_document.file.save("rapport.pdf", ContentFile(b"%PDF-1.7\n"), save=True)
    milestone = MilestoneFactory(
        plan=ProcessPlanFactory(mapping=mapping),
        framework=framework,
        owners=[SteeringGroupFactory(kkr=own.kkr)],
        involved=[PartyFactory(kkr=own.kkr)],
    )

    # --- revisions: an adopted revision of a replaced paper, and a draft revising that one
    replaced = FrameworkFactory(
        kkr=own.kkr, slug="hovedstaden-2010", status=Framework.Status.REPLACED
    )
    InitiativeFactory(block__area__framework=replaced, code="1.F1")
    adopted_revision = FrameworkFactory(kkr=own.kkr, slug="hovedstaden-2012", revision_of=replaced)
    draft_revision = FrameworkFactory(
        kkr=own.kkr, slug="hovedstaden-2016-udkast", draft=True, revision_of=adopted_revision
    )

    world = {
        "users": {role: user.pk for role, user in users.items()},
        "call": {"pk": call.pk},
        "path_kkr": {"slug": own.kkr.slug},
        "mapping": {"pk": mapping.pk},
        "mapping_document": {"pk": mapping_document.pk},
        "process_plan": {"pk": milestone.plan_id},
        "milestone": {"pk": milestone.pk},
        "draft_call": {"pk": CallFactory(kkr=own.kkr, addressees=[coordinator]).pk},
        "call_proposal": {"pk": call_proposal.pk},
        "call_initiative": {"pk": call_initiative.pk},
        "call_merge": {"pk": call.pk, "merge_pk": call_merge.pk},
        "group": {"slug": group.slug},
        "group_member": {"pk": seat.pk},
        "meeting": {"pk": meeting.pk},
        "agenda_item": {"pk": item.pk},
        "proposal": {"pk": proposal.pk},
        "meeting_attachment": {"pk": meeting_attachment.pk},
        "feed": {"token": feed.token},
        "dashboard": {"slug": framework.slug},
        "dashboard_initiative": {"slug": framework.slug, "code": "1.F1"},
        "dashboard_municipality": {"slug": framework.slug, "code": own.code},
        "dashboard@published": {"slug": published_framework.slug},
        "pilot": {"pk": pilot.pk},
        "pilot@shared": {"pk": shared_pilot.pk},
        "pilot_participation": {"pk": invitation.pk},
        "open_round": {"slug": open_round.slug},
        "draft_round": {"slug": draft_round.slug},
        "round@closed": {"slug": closed_round.slug},
        "round@published": {"slug": published_round.slug},
        "own_entry": {"pk": report.pk, "entry_pk": entry.pk},
        "own_attachment": {"pk": report.pk, "attachment_pk": attachment.pk},
        "own_report": {"pk": report.pk},
        "import_file": {"pk": import_file.pk},
        "import_file@confirmed": {"pk": confirmed_import.pk},
        "framework": {"slug": framework.slug},
        "revision": {"slug": adopted_revision.slug},
        "revision@draft": {"slug": draft_revision.slug},
        "initiative": {"slug": framework.slug, "code": initiative.code},
        "municipality": {"code": own.code},
        "bad_token": {"uidb64": "MQ", "token": "set-password"},
        "target_user": {"pk": target.pk},
        "target_membership": {"pk": membership.pk},
        "job": {"pk": job.pk},
    }
    for status, (state_report, state_entry, state_attachment) in in_state.items():
        world[f"own_report@{status}"] = {"pk": state_report.pk}
        world[f"own_entry@{status}"] = {"pk": state_report.pk, "entry_pk": state_entry.pk}
        world[f"own_attachment@{status}"] = {
            "pk": state_report.pk,
            "attachment_pk": state_attachment.pk,
        }
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world every row names, built once per module (and xdist worker).

    It is written inside an outer transaction that is rolled back when the module's tests
    are done. Each test's `db` fixture opens its own atomic block inside it, a savepoint
    rolled back after the test, so what an allowed POST writes is gone before the next case
    (`test_a_write_is_gone_in_the_next_case`). Attachments go to a temporary folder. The
    world is a plain dict of primary keys and slugs, never model instances, which a test
    could change in memory; "baseline" is every compared table as the world left it.
    """
    media_root = tmp_path_factory.mktemp("matrix-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media_root),
        transaction.atomic(),
    ):
        world = _build_world()
        world["baseline"] = _snapshot()
        yield world
        transaction.set_rollback(True)


def _client_for(role, world, client):
    if role != "anonymous":
        client.force_login(User.objects.get(pk=world["users"][role]))
    return client


def _url(url_name, kwargs_key, world):
    return reverse(url_name, kwargs=world[kwargs_key] if kwargs_key else None)


@pytest.mark.parametrize("case", ["first", "second"])
def test_a_write_is_gone_in_the_next_case(case, world, client):
    """Both cases close the open round; whichever runs second finds it open again."""
    round_ = ReportingRound.objects.get(slug=world["open_round"]["slug"])
    assert round_.status == ReportingRound.Status.OPEN
    assert _snapshot() == world["baseline"]
    client = _client_for("secretariat", world, client)

    response = client.post(_url("reporting:round_close", "open_round", world))

    assert response.status_code == FOUND
    round_.refresh_from_db()
    assert round_.status == ReportingRound.Status.CLOSED
    assert ReportingRound._meta.db_table in _changed_tables(world["baseline"], _snapshot())


def test_a_write_in_any_table_is_seen(world):
    """A row written anywhere, here in the outbox, is a difference."""
    from post_office.models import Email

    before = _writes()
    Email.objects.create(
        from_email="portal@example.dk", to=["en@example.dk"], subject="Emne", message="Tekst"
    )

    assert _changed_tables(before, _writes()) == [Email._meta.db_table]
    assert _changed_tables(world["baseline"], _snapshot()) == [Email._meta.db_table]


@pytest.mark.parametrize(("url_name", "kwargs_key", "role", "expected"), list(_cases("GET")))
def test_get(url_name, kwargs_key, role, expected, world, client):
    client = _client_for(role, world, client)

    response = client.get(_url(url_name, kwargs_key, world))

    assert response.status_code == expected
    if role == "anonymous" and expected == FOUND and url_name not in {"set_language"}:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize(("url_name", "kwargs_key", "role", "expected"), list(_cases("POST")))
def test_post(url_name, kwargs_key, role, expected, world, client):
    client = _client_for(role, world, client)
    refused = expected in {FORBIDDEN, NOT_FOUND, NOT_ALLOWED} or role == "anonymous"
    before = _writes() if refused else None

    response = client.post(_url(url_name, kwargs_key, world), POST_DATA.get(url_name, {}))

    assert response.status_code == expected
    if refused:
        assert _changed_tables(before, _writes()) == [], "a refused request must not write"
