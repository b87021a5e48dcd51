"""Reads for pilot projects and for the "Mine opgaver" page."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.permissions import get_memberships, get_scope
from commitments.models import Initiative
from municipalities.models import Municipality
from reporting.models import PilotParticipation, PilotProject, Report, ReportingRound


@dataclass
class PilotGroup:
    initiative: Initiative
    projects: list[PilotProject]


def pilot_projects_for_list(queryset: QuerySet[PilotProject]) -> QuerySet[PilotProject]:
    """Pilot projects with everything the list shows: initiative, lead, participants."""
    participations = PilotParticipation.objects.select_related("municipality").order_by(
        "municipality__name"
    )
    return queryset.select_related(
        "initiative__framework__kkr", "initiative__block__area", "lead_municipality"
    ).prefetch_related(Prefetch("participations", queryset=participations))


def pilot_groups(projects: QuerySet[PilotProject]) -> list[PilotGroup]:
    """Pilot projects grouped by their pilot initiative, in the framework's order."""
    ordered = projects.order_by(
        "initiative__framework__title",
        "initiative__block__area__number",
        "initiative__block__number",
        "initiative__order",
        "title",
    )
    groups: list[PilotGroup] = []
    for project in ordered:
        if not groups or groups[-1].initiative.pk != project.initiative_id:
            groups.append(PilotGroup(project.initiative, []))
        groups[-1].projects.append(project)
    return groups


@dataclass
class ReportTask:
    report: Report
    today: datetime.date

    @property
    def days_left(self) -> int:
        return (self.report.deadline - self.today).days


@dataclass
class MunicipalityTasks:
    municipality: Municipality
    open_reports: list[ReportTask] = field(default_factory=list)
    awaiting_review: list[Report] = field(default_factory=list)
    invitations: list[PilotParticipation] = field(default_factory=list)

    @property
    def returned_reports(self) -> list[ReportTask]:
        return [t for t in self.open_reports if t.report.status == Report.Status.RETURNED]

    @property
    def count(self) -> int:
        return len(self.open_reports) + len(self.invitations)


@dataclass
class Tasks:
    municipalities: list[MunicipalityTasks]
    rounds: list[ReportingRound]

    @property
    def count(self) -> int:
        """Things waiting for this user: reports to write, invitations, reports to review."""
        return sum(m.count for m in self.municipalities) + sum(
            r.awaiting_review for r in self.rounds
        )


def tasks_for(user: User) -> Tasks:
    """Everything waiting for the user: per municipality served, and per KKR round reviewed.

    One query for reports, one for invitations and one for rounds, however many
    municipalities the user serves (the municipalities come with the user's memberships).
    """
    scope = get_scope(user)
    municipalities = sorted(
        {
            m.municipality_id: m.municipality
            for m in get_memberships(user)
            if m.municipality_id in scope.coordinator_municipality_ids
        }.values(),
        key=lambda m: m.name,
    )
    by_id = {m.pk: MunicipalityTasks(m) for m in municipalities}
    today = timezone.localdate()
    if by_id:
        reports = Report.objects.filter(
            municipality_id__in=by_id,
            round__status=ReportingRound.Status.OPEN,
            status__in=[*Report.EDITABLE_STATUSES, Report.Status.SUBMITTED],
        ).select_related("round", "municipality")
        for report in sorted(reports, key=lambda r: (r.deadline, r.round.title)):
            tasks = by_id[report.municipality_id]
            if report.status == Report.Status.SUBMITTED:
                tasks.awaiting_review.append(report)
            else:
                tasks.open_reports.append(ReportTask(report, today))
        invitations = (
            PilotParticipation.objects.filter(
                municipality_id__in=by_id, status=PilotParticipation.Status.INVITED
            )
            .select_related("project__lead_municipality", "project__initiative", "municipality")
            .order_by("project__title")
        )
        for invitation in invitations:
            by_id[invitation.municipality_id].invitations.append(invitation)
    rounds: list[ReportingRound] = []
    if scope.secretariat_kkr_ids:
        rounds = list(
            ReportingRound.objects.filter(
                framework__kkr_id__in=scope.secretariat_kkr_ids,
                status=ReportingRound.Status.OPEN,
            )
            .select_related("framework__kkr")
            .annotate(
                awaiting_review=Count("reports", filter=Q(reports__status=Report.Status.SUBMITTED)),
                not_submitted=Count(
                    "reports", filter=Q(reports__status__in=Report.EDITABLE_STATUSES)
                ),
                approved=Count("reports", filter=Q(reports__status=Report.Status.APPROVED)),
                total=Count("reports"),
            )
            .order_by("deadline", "title")
        )
    return Tasks(list(by_id.values()), rounds)
