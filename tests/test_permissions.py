"""The one permission layer: each predicate agrees with its scoped queryset, for every role,
and costs no query; a service refuses a user the predicate refuses, whoever calls it.

Views are not the only guard: every refusal below calls the service directly.
"""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Membership
from accounts.permissions import can_manage_membership, get_scope
from commitments.models import Framework
from commitments.permissions import can_edit_framework, can_read_framework
from municipalities.models import KKR
from notifications import services as notification_services
from pilots import services as pilot_services
from pilots.models import PilotParticipation, PilotProject
from pilots.permissions import can_edit_pilot, can_respond, can_see_pilot_results
from reporting.models import Report, ReportingRound
from reporting.permissions import (
    can_edit_report,
    can_manage_round,
    can_review_report,
    can_see_report_history,
    can_see_round,
    may_include_drafts,
)
from reporting.services import reports as report_services
from reporting.services import rounds as round_services
from tests.factories import (
    FrameworkFactory,
    PilotParticipationFactory,
    PilotProjectFactory,
    ReportFactory,
    ReportingRoundFactory,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "coordinator",
    "other_coordinator",
    "foreign_coordinator",
    "politician",
    "secretariat",
    "foreign_secretariat",
    "kl_secretariat",
    "superuser",
]


@pytest.fixture(params=ROLES)
def role(request):
    return request.param


@pytest.fixture
def user(request, role):
    if role == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(role)


@pytest.fixture
def midtjylland(reference_data):
    return KKR.objects.get(slug="midtjylland")


@pytest.fixture
def frameworks(hovedstaden_framework, hovedstaden, midtjylland):
    return [
        hovedstaden_framework,
        FrameworkFactory(kkr=hovedstaden, status=Framework.Status.DRAFT),
        FrameworkFactory(kkr=midtjylland, status=Framework.Status.ADOPTED),
        FrameworkFactory(kkr=midtjylland, status=Framework.Status.DRAFT),
        FrameworkFactory(kkr=hovedstaden, status=Framework.Status.CONSULTATION),
        FrameworkFactory(kkr=midtjylland, status=Framework.Status.CONSULTATION),
        FrameworkFactory(kkr=midtjylland, status=Framework.Status.REPLACED),
    ]


ROUND_STATES = [
    {"status": ReportingRound.Status.DRAFT},
    {"status": ReportingRound.Status.OPEN},
    {"status": ReportingRound.Status.CLOSED},
    {"status": ReportingRound.Status.CLOSED, "published_at": timezone.now()},
]


@pytest.fixture
def foreign_framework(midtjylland):
    return FrameworkFactory(kkr=midtjylland, status=Framework.Status.ADOPTED)


@pytest.fixture
def rounds(hovedstaden_framework, foreign_framework):
    """A round in every state, in both KKRs."""
    return [
        ReportingRoundFactory(framework=framework, slug=f"runde-{framework.pk}-{n}", **state)
        for framework in (hovedstaden_framework, foreign_framework)
        for n, state in enumerate(ROUND_STATES)
    ]


@pytest.fixture
def reports(
    hovedstaden_framework,
    foreign_framework,
    own_municipality,
    other_municipality,
    foreign_municipality,
):
    """Reports of own, other and foreign municipalities in every state, in every round state
    (one round per pair of states: a municipality has one report per round)."""
    made = []
    for n, state in enumerate(ROUND_STATES):
        for status in Report.Status.values:
            for framework, municipalities in (
                (hovedstaden_framework, [own_municipality, other_municipality]),
                (foreign_framework, [foreign_municipality]),
            ):
                round_ = ReportingRoundFactory(
                    framework=framework, slug=f"runde-{framework.pk}-{n}-{status}", **state
                )
                made += [
                    ReportFactory(round=round_, municipality=municipality, status=status)
                    for municipality in municipalities
                ]
    return made


@pytest.fixture
def pilots(own_municipality, other_municipality, foreign_municipality):
    """Projects led by each municipality, with own participations in every state, results
    shared or not."""
    made = []
    for lead in (own_municipality, other_municipality, foreign_municipality):
        for shared in (True, False):
            made.append(
                PilotProjectFactory(
                    lead_municipality=lead, results="Færre indlæggelser.", results_published=shared
                )
            )
    for shared in (True, False):
        for status in PilotParticipation.Status.values:
            project = PilotProjectFactory(
                lead_municipality=other_municipality,
                results="Færre indlæggelser.",
                results_published=shared,
            )
            PilotParticipationFactory(project=project, municipality=own_municipality, status=status)
            made.append(project)
    return made


def _agree(queryset, predicate, user, objects, django_assert_num_queries):
    """The queryset returns exactly the objects the predicate allows, and the predicate
    asks the database nothing once the user's scope is read."""
    get_scope(user)
    with django_assert_num_queries(0):
        allowed = {o.pk for o in objects if predicate(user, o)}
    returned = set(queryset.filter(pk__in=[o.pk for o in objects]).values_list("pk", flat=True))
    assert allowed == returned
    return allowed


def test_can_edit_framework_agrees_with_editable_frameworks(
    user, frameworks, django_assert_num_queries
):
    allowed = _agree(
        Framework.objects.editable_by(user),
        can_edit_framework,
        user,
        list(Framework.objects.filter(pk__in=[f.pk for f in frameworks])),
        django_assert_num_queries,
    )
    assert bool(allowed) == (getattr(user, "is_superuser", False) or get_scope(user).is_secretariat)


def test_can_read_framework_agrees_with_visible_frameworks(
    user, frameworks, django_assert_num_queries
):
    _agree(
        Framework.objects.visible_to(user),
        can_read_framework,
        user,
        list(Framework.objects.filter(pk__in=[f.pk for f in frameworks])),
        django_assert_num_queries,
    )


@pytest.mark.parametrize(
    ("predicate", "method"),
    [(can_see_round, "visible_to"), (can_manage_round, "managed_by")],
    ids=["see", "manage"],
)
def test_round_predicates_agree_with_round_querysets(
    predicate, method, user, rounds, django_assert_num_queries
):
    objects = list(
        ReportingRound.objects.filter(pk__in=[r.pk for r in rounds]).select_related("framework")
    )
    allowed = _agree(
        getattr(ReportingRound.objects, method)(user),
        predicate,
        user,
        objects,
        django_assert_num_queries,
    )
    if getattr(user, "is_superuser", False):
        assert len(allowed) == len(rounds)


@pytest.mark.parametrize(
    ("predicate", "method"),
    [
        (can_edit_report, "editable_by"),
        (can_review_report, "reviewable_by"),
        (can_see_report_history, "with_history_for"),
    ],
    ids=["edit", "review", "history"],
)
def test_report_predicates_agree_with_report_querysets(
    predicate, method, user, reports, django_assert_num_queries
):
    objects = list(
        Report.objects.filter(pk__in=[r.pk for r in reports]).select_related(
            "round", "municipality"
        )
    )
    allowed = _agree(
        getattr(Report.objects, method)(user),
        predicate,
        user,
        objects,
        django_assert_num_queries,
    )
    if getattr(user, "is_superuser", False):
        # Administrators review and read every history, but write no municipality's answers.
        assert len(allowed) == (0 if method == "editable_by" else len(objects))


def test_can_edit_pilot_agrees_with_editable_pilots(user, pilots, django_assert_num_queries):
    allowed = _agree(
        PilotProject.objects.editable_by(user),
        can_edit_pilot,
        user,
        list(PilotProject.objects.filter(pk__in=[p.pk for p in pilots])),
        django_assert_num_queries,
    )
    led = {
        p.pk
        for p in pilots
        if p.lead_municipality_id in get_scope(user).coordinator_municipality_ids
    }
    assert allowed == led  # administrators included: a project is its municipalities' work


def test_can_manage_membership_agrees_with_manageable_memberships(
    user,
    coordinator,
    other_coordinator,
    foreign_coordinator,
    politician,
    secretariat,
    foreign_secretariat,
    django_assert_num_queries,
):
    objects = list(Membership.objects.select_related("municipality"))
    _agree(
        Membership.objects.manageable_by(user),
        can_manage_membership,
        user,
        objects,
        django_assert_num_queries,
    )


def test_unshared_pilot_results_are_for_the_lead_and_those_taking_part(
    user, pilots, own_municipality, django_assert_num_queries
):
    projects = list(
        PilotProject.objects.filter(pk__in=[p.pk for p in pilots]).prefetch_related(
            "participations"
        )
    )
    get_scope(user)
    own = get_scope(user).coordinator_municipality_ids
    with django_assert_num_queries(0):
        for project in projects:
            takes_part = project.lead_municipality_id in own or any(
                p.municipality_id in own and p.status == PilotParticipation.Status.ACCEPTED
                for p in project.participations.all()
            )
            assert can_see_pilot_results(user, project) == (project.results_published or takes_part)
    if own_municipality.pk in own:
        invited_unshared = [
            p
            for p in projects
            if not p.results_published
            and any(x.status != PilotParticipation.Status.ACCEPTED for x in p.participations.all())
        ]
        assert invited_unshared
        assert not any(can_see_pilot_results(user, p) for p in invited_unshared)


DRAFTS_FOR = {
    "secretariat": {"hovedstaden"},
    "foreign_secretariat": {"midtjylland"},
    "superuser": {"hovedstaden", "midtjylland"},
}


def test_drafts_in_figures_are_for_the_kkr_secretariat_and_administrators(
    role, user, hovedstaden, midtjylland
):
    allowed = {kkr.slug for kkr in (hovedstaden, midtjylland) if may_include_drafts(user, kkr.pk)}
    assert allowed == DRAFTS_FOR.get(role, set())


# --- services refuse on their own ------------------------------------------------------------


def _report_approve(actor, own_report, **_):
    report_services.report_approve(actor=actor, report=own_report)


def _report_save(actor, own_report, **_):
    report_services.report_save(
        actor=actor,
        report=own_report,
        expected_version=own_report.version,
        entries=[],
        answers={},
        council_body="Sundhedsudvalget",
        council_date=None,
    )


def _extend_deadline(actor, own_report, **_):
    report_services.report_extend_deadline(
        actor=actor,
        report=own_report,
        deadline=datetime.date(2027, 1, 10),
        reason="Byrådet behandler sagen i januar.",
    )


def _round_close(actor, own_report, **_):
    round_services.round_close(actor=actor, round_=own_report.round)


def _round_create(actor, hovedstaden_framework, **_):
    round_services.round_create(
        actor=actor,
        framework=hovedstaden_framework,
        title="Statusopfølgning 2030",
        slug="statusopfoelgning-2030",
        opens_on=datetime.date(2030, 11, 1),
        deadline=datetime.date(2030, 12, 15),
    )


def _remind(actor, own_report, **_):
    notification_services.reminder_send_manual(actor=actor, report=own_report)


def _remind_missing(actor, own_report, **_):
    notification_services.reminders_send_missing(actor=actor, round_=own_report.round)


def _pilot_update(actor, project, **_):
    pilot_services.pilot_update(
        actor=actor,
        project=project,
        title="Overtaget",
        description=project.description,
        starts_on=None,
        ends_on=None,
        status=project.status,
        contact_name="",
        contact_email="",
        results="",
        results_published=False,
    )


def _pilot_invite(actor, project, other_municipality, **_):
    pilot_services.pilot_invite(actor=actor, project=project, municipalities=[other_municipality])


def _pilot_respond(actor, invitation, **_):
    pilot_services.pilot_respond(actor=actor, participation=invitation, accept=True)


def _membership_revoke(actor, coordinator, **_):
    account_services.membership_revoke(actor=actor, membership=coordinator.memberships.get())


# Each service, the predicate that guards it and the object that predicate is asked about.
SERVICES = [
    (_report_save, lambda o: can_edit_report(o["actor"], o["own_report"])),
    (_report_approve, lambda o: can_review_report(o["actor"], o["own_report"])),
    (_extend_deadline, lambda o: can_review_report(o["actor"], o["own_report"])),
    (_remind, lambda o: can_review_report(o["actor"], o["own_report"])),
    (_round_close, lambda o: can_manage_round(o["actor"], o["own_report"].round)),
    (_remind_missing, lambda o: can_manage_round(o["actor"], o["own_report"].round)),
    (_round_create, lambda o: can_edit_framework(o["actor"], o["hovedstaden_framework"])),
    (_pilot_update, lambda o: can_edit_pilot(o["actor"], o["project"])),
    (_pilot_invite, lambda o: can_edit_pilot(o["actor"], o["project"])),
    (_pilot_respond, lambda o: can_respond(o["actor"], o["invitation"])),
    (
        _membership_revoke,
        lambda o: can_manage_membership(o["actor"], o["coordinator"].memberships.get()),
    ),
]


@pytest.mark.parametrize(
    ("service", "predicate"), SERVICES, ids=lambda v: getattr(v, "__name__", "")
)
@pytest.mark.parametrize(
    "refused", ["other_coordinator", "foreign_coordinator", "politician", "foreign_secretariat"]
)
def test_a_service_refuses_whom_its_predicate_refuses(
    request,
    service,
    predicate,
    refused,
    coordinator,
    own_municipality,
    other_municipality,
    foreign_municipality,
    hovedstaden_framework,
):
    own_report = ReportFactory(
        round=ReportingRoundFactory(
            framework=hovedstaden_framework, status=ReportingRound.Status.OPEN
        ),
        municipality=own_municipality,
    )
    own_report = ReportFactory(
        round=ReportingRoundFactory(
            framework=hovedstaden_framework, status=ReportingRound.Status.OPEN
        ),
        municipality=own_municipality,
    )
    project = PilotProjectFactory(
        lead_municipality=own_municipality, initiative__framework=hovedstaden_framework
    )
    invitation = PilotParticipationFactory(
        project=PilotProjectFactory(lead_municipality=foreign_municipality),
        municipality=own_municipality,
        status=PilotParticipation.Status.INVITED,
    )
    objects = {
        "actor": request.getfixturevalue(refused),
        "own_report": Report.objects.select_related("round__framework", "municipality").get(
            pk=own_report.pk
        ),
        "coordinator": coordinator,
        "hovedstaden_framework": hovedstaden_framework,
        "project": project,
        "invitation": invitation,
        "other_municipality": other_municipality,
    }
    assert not predicate(objects)
    before = (
        Report.objects.get(pk=own_report.pk).version,
        ReportingRound.objects.get(pk=own_report.round_id).status,
        ReportingRound.objects.count(),
        PilotProject.objects.get(pk=project.pk).title,
        PilotParticipation.objects.filter(project=project).count(),
        PilotParticipation.objects.get(pk=invitation.pk).status,
        Membership.objects.count(),
    )

    with pytest.raises(PermissionDenied):
        service(**objects)

    after = (
        Report.objects.get(pk=own_report.pk).version,
        ReportingRound.objects.get(pk=own_report.round_id).status,
        ReportingRound.objects.count(),
        PilotProject.objects.get(pk=project.pk).title,
        PilotParticipation.objects.filter(project=project).count(),
        PilotParticipation.objects.get(pk=invitation.pk).status,
        Membership.objects.count(),
    )
    assert after == before


@pytest.fixture
def calls(hovedstaden, midtjylland, coordinator, foreign_coordinator):
    """Calls of both KKRs in every state, sent to a coordinator of each; in each, a proposal
    of the coordinator in every state."""
    from calls.models import Call, Proposal
    from tests.factories import CallFactory, ProposalFactory

    made = []
    for kkr, addressee in ((hovedstaden, coordinator), (midtjylland, foreign_coordinator)):
        for status in Call.Status.values:
            call = CallFactory(kkr=kkr, status=status, addressees=[addressee])
            made.append(call)
            for proposal_status in Proposal.Status.values:
                ProposalFactory(call=call, status=proposal_status)
            ProposalFactory(call=call, author=addressee, status=Proposal.Status.DRAFT)
    return made


@pytest.mark.parametrize(
    ("predicate_name", "method"),
    [("can_read_call", "visible_to"), ("can_manage_call", "managed_by")],
    ids=["read", "manage"],
)
def test_call_predicates_agree_with_call_querysets(
    predicate_name, method, user, calls, django_assert_num_queries
):
    from calls import permissions as call_permissions
    from calls.models import Call

    objects = list(Call.objects.filter(pk__in=[c.pk for c in calls]).prefetch_related("addressees"))
    allowed = _agree(
        getattr(Call.objects, method)(user),
        getattr(call_permissions, predicate_name),
        user,
        objects,
        django_assert_num_queries,
    )
    if getattr(user, "is_superuser", False):
        assert len(allowed) == len(calls)


@pytest.mark.parametrize(
    ("predicate_name", "method"),
    [("can_read_proposal", "visible_to"), ("can_review_proposal", "reviewable_by")],
    ids=["read", "review"],
)
def test_proposal_predicates_agree_with_proposal_querysets(
    predicate_name, method, user, calls, django_assert_num_queries
):
    from calls import permissions as call_permissions
    from calls.models import Proposal

    objects = list(Proposal.objects.filter(call__in=calls).select_related("call"))
    allowed = _agree(
        getattr(Proposal.objects, method)(user),
        getattr(call_permissions, predicate_name),
        user,
        objects,
        django_assert_num_queries,
    )
    # A draft is its author's alone: administrators and secretariats never read one.
    drafts = {p.pk for p in objects if p.status == Proposal.Status.DRAFT}
    own = {p.pk for p in objects if p.author_id == getattr(user, "pk", None)}
    assert allowed & drafts <= own
