"""Reads for the way to a framework: the KKRs a user follows, and one KKR's path, step by step.

The path of a mapping has four steps: the mapping itself, the process plan, the draft
framework a milestone leads to, and that framework adopted. Each step's state comes from the
rows alone, so the page shows where the KKR stands without anyone ticking the steps off.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from commitments.models import Framework
from commitments.origins import OriginLink
from mappings.models import Mapping, Milestone, ProcessPlan
from mappings.permissions import can_read_path, path_kkr_ids
from municipalities.models import KKR

DONE, IN_PROGRESS, NOT_STARTED = "done", "in_progress", "not_started"
STATE_LABELS = {
    DONE: _("Gennemført"),
    IN_PROGRESS: _("I gang"),
    NOT_STARTED: _("Ikke påbegyndt"),
}


def path_kkrs(user: User | AnonymousUser) -> QuerySet[KKR]:
    """The KKRs whose way to a framework the user reads, with how many mappings each has."""
    kkrs = KKR.objects.all()
    kkr_ids = path_kkr_ids(user)
    if kkr_ids is not None:
        kkrs = kkrs.filter(pk__in=kkr_ids)
    return kkrs.annotate(mapping_count=Count("mappings")).order_by("name")


@dataclass
class FrameworkStep:
    """A framework a milestone leads to, as far as the reader may see it."""

    framework: Framework
    # A draft is its secretariat's alone (commitments): others learn only that it exists.
    readable: bool

    @property
    def adopted(self) -> bool:
        return self.framework.is_published


@dataclass
class MappingPath:
    mapping: Mapping
    plan: ProcessPlan | None
    milestones: list[Milestone]
    frameworks: list[FrameworkStep] = field(default_factory=list)

    @property
    def mapping_state(self) -> str:
        return DONE if self.mapping.is_presented else IN_PROGRESS

    @property
    def milestones_done(self) -> int:
        return sum(1 for m in self.milestones if m.status == Milestone.Status.DONE)

    @property
    def plan_state(self) -> str:
        if self.plan is None:
            return NOT_STARTED
        if self.milestones and self.milestones_done == len(self.milestones):
            return DONE
        return IN_PROGRESS

    @property
    def draft_state(self) -> str:
        if not self.frameworks:
            return NOT_STARTED
        if any(step.adopted for step in self.frameworks):
            return DONE
        return IN_PROGRESS

    @property
    def adopted_frameworks(self) -> list[FrameworkStep]:
        return [step for step in self.frameworks if step.adopted]

    @property
    def adopted_state(self) -> str:
        return DONE if self.adopted_frameworks else NOT_STARTED

    def steps(self) -> list[tuple[str, str]]:
        """(step, state) in order, for a summary of the path."""
        return [
            ("mapping", self.mapping_state),
            ("plan", self.plan_state),
            ("draft", self.draft_state),
            ("adopted", self.adopted_state),
        ]


def milestones_for_page() -> QuerySet[Milestone]:
    """Milestones with everything the timeline shows."""
    return (
        Milestone.objects.select_related("framework")
        .prefetch_related("owners", "involved")
        .order_by("date", "pk")
    )


def framework_path(user: User | AnonymousUser, kkr: KKR) -> list[MappingPath]:
    """Every mapping of the KKR with its plan, the plan's milestones and the frameworks they
    lead to, oldest mapping first."""
    mappings = list(
        Mapping.objects.filter(kkr=kkr)
        .select_related("process_plan")
        .prefetch_related(Prefetch("process_plan__milestones", queryset=milestones_for_page()))
        .order_by("terms_approved_on", "pk")
    )
    paths = []
    linked: set[int] = set()
    for mapping in mappings:
        plan = getattr(mapping, "process_plan", None)
        milestones = list(plan.milestones.all()) if plan is not None else []
        linked |= {m.framework_id for m in milestones if m.framework_id is not None}
        paths.append(MappingPath(mapping=mapping, plan=plan, milestones=milestones))
    readable = (
        set(Framework.objects.visible_to(user).filter(pk__in=linked).values_list("pk", flat=True))
        if linked
        else set()
    )
    for path in paths:
        seen: set[int] = set()
        for milestone in path.milestones:
            framework = milestone.framework
            if framework is not None and framework.pk not in seen:
                seen.add(framework.pk)
                path.frameworks.append(FrameworkStep(framework, framework.pk in readable))
    return paths


def framework_origins(user: User | AnonymousUser, framework: Framework) -> list[OriginLink]:
    """The framework page's link to "Vejen til rammepapiret", when a milestone of the KKR's
    process plan leads to the framework, for those who read the way (registered in
    `commitments.origins`)."""
    if not can_read_path(user, framework.kkr_id):
        return []
    if not Milestone.objects.filter(framework=framework).exists():
        return []
    return [
        OriginLink(
            text=gettext("Vejen til rammepapiret: kortlægning og procesplan"),
            url=reverse("mappings:path", kwargs={"slug": framework.kkr.slug}),
        )
    ]
