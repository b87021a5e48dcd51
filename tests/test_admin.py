"""The Django admin is the back office: every model's pages load for a superuser, and a
secretariat let into it sees only its own KKR."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, User
from calls.models import Call, CallReminder, CallTheme, MergedInitiative, Proposal, ProposalOrigin
from commitments.models import (
    Framework,
    Initiative,
    InitiativeBlock,
    Method,
    OverarchingGoal,
    StrategicArea,
)
from core.admin import KKRScopedAdmin
from mappings.models import (
    Challenge,
    Mapping,
    MappingDocument,
    Milestone,
    Party,
    ProcessPlan,
    SteeringGroup,
    Track,
)
from meetings.models import AgendaProposal, Group, Meeting, MeetingAttachment, Organisation
from municipalities.models import KKR, Municipality
from notifications.models import ReminderSent
from pilots.models import PilotParticipation, PilotProject
from reporting.models import Attachment, Report, ReportEntry, ReportingRound
from tests.factories import (
    AgendaProposalFactory,
    AttachmentFactory,
    CallFactory,
    FrameworkFactory,
    GroupFactory,
    InitiativeBlockFactory,
    InitiativeFactory,
    KKRFactory,
    MappingDocumentFactory,
    MappingFactory,
    MeetingAttachmentFactory,
    MeetingFactory,
    MembershipFactory,
    MethodFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OverarchingGoalFactory,
    PartyFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ProcessPlanFactory,
    ProposalFactory,
    ProposalInitiativeFactory,
    ReminderSentFactory,
    ReportEntryFactory,
    ReportFactory,
    ReportingRoundFactory,
    SteeringGroupFactory,
    StrategicAreaFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_admin_changelist_and_add_pages_load(client, rf, reference_data, superuser, model):
    client.force_login(superuser)
    opts = model._meta
    request = rf.get("/")
    request.user = superuser
    # django-axes keeps its log read-only: no add page.
    can_add = admin.site._registry[model].has_add_permission(request)

    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert changelist.status_code == HTTPStatus.OK
    assert add.status_code == (HTTPStatus.OK if can_add else HTTPStatus.FORBIDDEN)


def test_admin_change_page_loads_for_an_initiative(client, reference_data, superuser):
    from commitments.models import Initiative

    client.force_login(superuser)
    initiative = Initiative.objects.get(code="1.F1")

    response = client.get(reverse("admin:commitments_initiative_change", args=[initiative.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Kommunerne skal sikre" in response.content.decode()


def test_admin_is_in_danish(client, superuser, reference_data):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    assert "Psykiatriportalen – administration" in response.content.decode()
    assert "Rammer og indsatser" in response.content.decode()


# --- the admin a secretariat could use is scoped to its own KKR ------------------------------

PORTAL_APPS = [
    "municipalities",
    "accounts",
    "commitments",
    "mappings",
    "pilots",
    "reporting",
    "notifications",
    "calls",
    "meetings",
]


def _rows_of(kkr):
    """One row of every model the portal's admin shows, all belonging to `kkr`."""
    town = MunicipalityFactory(kkr=kkr)
    framework = FrameworkFactory(kkr=kkr)
    area = StrategicAreaFactory(framework=framework)
    block = InitiativeBlockFactory(area=area)
    initiative = InitiativeFactory(block=block)
    round_ = ReportingRoundFactory(framework=framework, status=ReportingRound.Status.OPEN)
    report = ReportFactory(round=round_, municipality=town)
    entry = ReportEntryFactory(report=report, initiative=initiative)
    project = PilotProjectFactory(
        initiative=InitiativeFactory(block=block, pilot=True), lead_municipality=town
    )
    membership = MembershipFactory(municipality=town)
    mapping = MappingFactory(kkr=kkr)
    milestone = MilestoneFactory(plan=ProcessPlanFactory(mapping=mapping))
    call = CallFactory(kkr=kkr)
    proposal = ProposalFactory(
        call=call, status=Proposal.Status.SUBMITTED, submitted_at=timezone.now()
    )
    merged = MergedInitiative.objects.create(
        call=call, kind="mandatory", text="Én indgang for unge", comment="Samme tilbud."
    )
    origin = ProposalOrigin.objects.create(
        initiative=initiative, source=ProposalInitiativeFactory(proposal=proposal)
    )
    meeting = MeetingFactory(group=GroupFactory(kkr_meeting=True, owner_kkr=kkr))
    return {
        KKR: kkr,
        Municipality: town,
        User: membership.user,
        Membership: membership,
        Framework: framework,
        StrategicArea: area,
        InitiativeBlock: block,
        Initiative: initiative,
        Method: MethodFactory(framework=framework),
        OverarchingGoal: OverarchingGoalFactory(framework=framework),
        ReportingRound: round_,
        Report: report,
        ReportEntry: entry,
        Attachment: AttachmentFactory(entry=entry),
        PilotProject: project,
        PilotParticipation: PilotParticipationFactory(
            project=project, municipality=MunicipalityFactory(kkr=kkr)
        ),
        ReminderSent: ReminderSentFactory(report=report),
        Mapping: mapping,
        Track: Track.objects.create(mapping=mapping, name="Tidlig opsporing"),
        Challenge: Challenge.objects.create(
            mapping=mapping, kind="internal", text="For sen handlen"
        ),
        MappingDocument: MappingDocumentFactory(mapping=mapping),
        SteeringGroup: SteeringGroupFactory(kkr=kkr),
        Party: PartyFactory(kkr=kkr),
        ProcessPlan: milestone.plan,
        Milestone: milestone,
        Call: call,
        Proposal: proposal,
        MergedInitiative: merged,
        ProposalOrigin: origin,
        CallReminder: CallReminder.objects.create(call=call, user=membership.user),
        Group: meeting.group,
        Meeting: meeting,
        AgendaProposal: AgendaProposalFactory(meeting=meeting),
        MeetingAttachment: MeetingAttachmentFactory(meeting=meeting),
    }


# Rows of no KKR: only superusers keep them (a test below).
SUPERUSERS_ONLY = [Organisation]
SCOPED_MODELS = [
    model
    for model in admin.site._registry
    if model._meta.app_label in PORTAL_APPS and model not in SUPERUSERS_ONLY
]


@pytest.fixture
def two_kkrs(db):
    """Every model's row in two KKRs; a staff user in the first KKR's secretariat, with every
    permission on the portal's models."""
    own, foreign = KKRFactory(), KKRFactory()
    staff = MembershipFactory(
        role=Membership.Role.SECRETARIAT, kkr=own, municipality=None, user__is_staff=True
    ).user
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=PORTAL_APPS))
    return staff, _rows_of(own), _rows_of(foreign)


def _admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_portal_in_the_admin_is_checked_for_its_scope(two_kkrs):
    _staff, own, _foreign = two_kkrs

    assert set(SCOPED_MODELS) == set(own)
    assert all(
        isinstance(admin.site._registry[model], KKRScopedAdmin)
        for model in [*SCOPED_MODELS, *SUPERUSERS_ONLY]
    )


def test_an_organisation_and_its_groups_are_the_superusers_to_keep(client, two_kkrs, superuser):
    staff, _own, _foreign = two_kkrs
    kl_meeting = MeetingFactory()  # KL's dialogue group (seed 003), owned by no KKR
    client.force_login(staff)

    organisations = client.get(_admin_url(Organisation, "changelist")).context["cl"].queryset
    groups = client.get(_admin_url(Group, "changelist")).context["cl"].queryset
    kl_group = client.get(_admin_url(Group, "change", kl_meeting.group_id))
    group_form = client.get(_admin_url(Group, "add")).context["adminform"].form

    assert not organisations.exists()
    assert kl_meeting.group not in groups
    assert kl_group.status_code == HTTPStatus.NOT_FOUND
    assert not group_form.fields["owner_organisation"].queryset.exists()
    client.force_login(superuser)
    assert client.get(_admin_url(Group, "change", kl_meeting.group_id)).status_code == 200


def test_a_proposals_themes_to_choose_come_only_from_the_own_kkrs_calls(client, two_kkrs):
    staff, own, foreign = two_kkrs
    own_theme = CallTheme.objects.create(call=own[Call], name="Unge")
    CallTheme.objects.create(call=foreign[Call], name="Et fremmed KKRs tema")
    client.force_login(staff)

    response = client.get(_admin_url(Proposal, "change", own[Proposal].pk))

    formset = response.context["inline_admin_formsets"][0].formset
    assert list(formset.forms[0].fields["theme"].queryset) == [own_theme]


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label_lower)
def test_secretariat_staff_list_only_their_own_kkrs_rows(client, two_kkrs, superuser, model):
    staff, own, foreign = two_kkrs
    client.force_login(staff)

    response = client.get(_admin_url(model, "changelist"))

    assert response.status_code == HTTPStatus.OK
    listed = set(response.context["cl"].queryset.values_list("pk", flat=True))
    assert own[model].pk in listed
    assert foreign[model].pk not in listed
    client.force_login(superuser)
    everything = client.get(_admin_url(model, "changelist")).context["cl"].queryset
    assert {own[model].pk, foreign[model].pk} <= set(everything.values_list("pk", flat=True))


@pytest.mark.parametrize("model", SCOPED_MODELS, ids=lambda m: m._meta.label_lower)
def test_another_kkrs_row_answers_like_a_missing_one(client, two_kkrs, model):
    staff, own, foreign = two_kkrs
    client.force_login(staff)

    assert client.get(_admin_url(model, "change", own[model].pk)).status_code == HTTPStatus.OK
    assert (
        client.get(_admin_url(model, "change", foreign[model].pk)).status_code
        == HTTPStatus.NOT_FOUND
    )
    assert (
        client.get(_admin_url(model, "delete", foreign[model].pk)).status_code
        == HTTPStatus.NOT_FOUND
    )
    # django-simple-history finds the row among its historical records: refused there.
    assert client.get(_admin_url(model, "history", foreign[model].pk)).status_code in {
        HTTPStatus.NOT_FOUND,
        HTTPStatus.FORBIDDEN,
    }


def test_a_foreign_history_record_is_refused_even_when_its_version_is_named(client, two_kkrs):
    staff, _own, foreign = two_kkrs
    client.force_login(staff)
    framework = foreign[Framework]
    version = framework.history.latest()

    response = client.get(
        reverse("admin:commitments_framework_simple_history", args=[framework.pk, version.pk])
    )

    assert response.status_code == HTTPStatus.FORBIDDEN


def test_choices_of_related_rows_come_only_from_the_own_kkr(client, two_kkrs):
    staff, own, foreign = two_kkrs
    client.force_login(staff)

    form = client.get(_admin_url(Framework, "add")).context["adminform"].form
    refused = client.post(
        _admin_url(Method, "add"),
        {"framework": foreign[Framework].pk, "name": "Metode i et fremmed KKR"},
    )

    assert list(form.fields["kkr"].queryset) == [own[KKR]]
    assert refused.status_code == HTTPStatus.OK
    assert "framework" in refused.context["adminform"].form.errors
    assert not Method.objects.filter(name="Metode i et fremmed KKR").exists()


def test_secretariat_staff_cannot_grant_administrator_rights(client, two_kkrs):
    staff, own, _foreign = two_kkrs
    client.force_login(staff)
    user = own[User]

    form = client.get(_admin_url(User, "change", user.pk)).context["adminform"].form

    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(form.fields)
    assert {"email", "full_name", "is_active"} <= set(form.fields)


def test_reporting_pilots_and_reminders_are_read_only_in_the_admin(client, two_kkrs):
    staff, own, _foreign = two_kkrs
    client.force_login(staff)

    for model in [ReportingRound, Report, ReportEntry, Attachment, PilotProject, ReminderSent]:
        change = client.get(_admin_url(model, "change", own[model].pk))
        assert change.status_code == HTTPStatus.OK, model
        assert not change.context["has_change_permission"], model
        assert client.get(_admin_url(model, "add")).status_code == HTTPStatus.FORBIDDEN, model


def test_an_initiative_code_that_would_break_the_heat_map_is_refused(client, superuser):
    initiative = InitiativeFactory(code="1.F3")
    round_ = ReportingRoundFactory(
        framework=initiative.framework, status=ReportingRound.Status.OPEN
    )
    ReportEntryFactory(report=ReportFactory(round=round_, submitted=True), initiative=initiative)
    client.force_login(superuser)
    form = {
        "framework": initiative.framework_id,
        "block": initiative.block_id,
        "kind": initiative.kind,
        "code": "1:F3",
        "title": initiative.title,
        "text": initiative.text,
        "order": initiative.order,
    }

    response = client.post(_admin_url(Initiative, "change", initiative.pk), form)
    heat_map = client.get(reverse("dashboards:heat_map", args=[initiative.framework.slug]))

    assert response.status_code == HTTPStatus.OK
    assert response.context["adminform"].form.errors["code"] == [
        "Koden skal bestå af områdets nummer, eventuelt et bogstav for blokken, et punktum, F "
        "(forpligtende) eller P (pilotprojekt) og et nummer, fx 1.F2 eller 1b.P1."
    ]
    initiative.refresh_from_db()
    assert initiative.code == "1.F3"
    assert heat_map.status_code == HTTPStatus.OK
    assert [column.code for column in heat_map.context["grid"].columns] == ["1.F3"]


# --- calls: each with its history; merges and origins shown, never written ------------------


@pytest.fixture
def submitted_proposal(coordinator):
    proposal = ProposalFactory(author=coordinator, goal="Et hemmeligt udkast.")
    proposal.goal = "Flere unge i job."
    proposal.status = Proposal.Status.SUBMITTED
    proposal.submitted_at = timezone.now()
    proposal.save()
    return proposal


def _version_url(model, obj, record):
    opts = model._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_simple_history",
        args=[obj.pk, record.history_id],
    )


def test_a_proposals_history_in_the_admin_begins_when_it_was_submitted(
    client, superuser, submitted_proposal
):
    draft_record, submitted_record = submitted_proposal.history.order_by("history_date")
    client.force_login(superuser)

    history = client.get(_admin_url(Proposal, "history", submitted_proposal.pk))

    assert history.status_code == HTTPStatus.OK
    listed = [record.history_id for record in history.context["page_obj"].object_list]
    assert listed == [submitted_record.history_id]
    assert "Et hemmeligt udkast." not in history.content.decode()
    draft_version = client.get(_version_url(Proposal, submitted_proposal, draft_record))
    assert draft_version.status_code == HTTPStatus.NOT_FOUND
    submitted_version = client.get(_version_url(Proposal, submitted_proposal, submitted_record))
    assert submitted_version.status_code == HTTPStatus.OK


def test_a_draft_proposal_has_no_history_in_the_admin(client, superuser, coordinator):
    draft = ProposalFactory(author=coordinator, goal="Et hemmeligt udkast.")
    [record] = draft.history.all()
    client.force_login(superuser)

    history = client.get(_admin_url(Proposal, "history", draft.pk))
    version = client.get(_version_url(Proposal, draft, record))

    assert history.status_code == version.status_code == HTTPStatus.NOT_FOUND


def test_calls_show_their_history_and_merges_and_origins_are_read_only(
    client, superuser, submitted_proposal
):
    call = submitted_proposal.call
    source = ProposalInitiativeFactory(proposal=submitted_proposal)
    merged = MergedInitiative.objects.create(
        call=call, kind="mandatory", text="Én samlet indsats.", comment="Samme tilbud."
    )
    origin = ProposalOrigin.objects.create(initiative=InitiativeFactory(), source=source)
    client.force_login(superuser)

    call_history = client.get(_admin_url(Call, "history", call.pk))

    assert call_history.status_code == HTTPStatus.OK
    assert [r.history_id for r in call_history.context["page_obj"].object_list] == [
        call.history.get().history_id
    ]
    for model, obj in [(MergedInitiative, merged), (ProposalOrigin, origin)]:
        change = client.get(_admin_url(model, "change", obj.pk))
        assert change.status_code == HTTPStatus.OK, model
        assert not change.context["has_change_permission"], model
        assert not change.context["has_delete_permission"], model
        assert client.get(_admin_url(model, "add")).status_code == HTTPStatus.FORBIDDEN, model
        history = client.get(_admin_url(model, "history", obj.pk))
        assert history.status_code == HTTPStatus.OK, model
        assert len(history.context["page_obj"].object_list) == 1, model
