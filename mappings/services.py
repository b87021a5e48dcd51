"""Writes with rules: mappings and their documents, process plans, milestones, and the KKR's
steering groups and parties. Each re-checks that the actor is the KKR's secretariat."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as ReadOnlyDict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from commitments.models import Framework
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
from mappings.permissions import can_edit_path
from municipalities.models import KKR, Municipality


def _authorise(actor: User, kkr_id: int) -> None:
    if not can_edit_path(actor, kkr_id):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan ændre vejen til rammepapiret."))


@dataclass(frozen=True)
class MappingData:
    """A mapping's fields as the secretariat enters them."""

    title: str
    terms_of_reference: str
    terms_approved_on: datetime.date
    method: str = ""
    studied_municipalities: Sequence[Municipality] = ()
    workshop_municipality_count: int | None = None
    summary: str = ""
    presented_on: datetime.date | None = None
    tracks: Sequence[str] = ()
    # Challenge.Kind value -> the challenges of that kind, in order
    challenges: ReadOnlyDict[str, Sequence[str]] | None = None


def _check_mapping(kkr: KKR, data: MappingData) -> None:
    outside = sorted(m.name for m in data.studied_municipalities if m.kkr_id != kkr.pk)
    if outside:
        raise ValidationError(
            {
                "studied_municipalities": _("%(names)s hører ikke til %(kkr)s.")
                % {"names": ", ".join(outside), "kkr": kkr.name}
            }
        )
    count = data.workshop_municipality_count
    if count is not None:
        total = Municipality.objects.filter(kkr=kkr).count()
        if count > total:
            raise ValidationError(
                {
                    "workshop_municipality_count": ngettext(
                        "%(kkr)s har %(total)d kommune; flere kan ikke have været med.",
                        "%(kkr)s har %(total)d kommuner; flere kan ikke have været med.",
                        total,
                    )
                    % {"kkr": kkr.name, "total": total}
                }
            )
    if data.presented_on is not None and data.presented_on < data.terms_approved_on:
        raise ValidationError(
            {
                "presented_on": _(
                    "Kortlægningen kan ikke være forelagt KKR, før kommissoriet blev godkendt."
                )
            }
        )


def _replace_rows(
    existing: Sequence[Any],
    texts: Sequence[str],
    field: str,
    make: Callable[..., Any],
    **parent: Any,
) -> None:
    """Keep the rows in order: change the text of a row in place (so that its history reads
    as a change), add rows for new lines, delete the rows left over."""
    for order, text in enumerate(texts):
        if order < len(existing):
            row = existing[order]
            if getattr(row, field) != text or row.order != order:
                setattr(row, field, text)
                row.order = order
                row.full_clean()
                row.save()
        else:
            row = make(**parent, **{field: text, "order": order})
            row.full_clean()
            row.save()
    for row in existing[len(texts) :]:
        row.delete()


def _write_mapping(mapping: Mapping, data: MappingData) -> Mapping:
    for name in (
        "title",
        "terms_of_reference",
        "terms_approved_on",
        "method",
        "workshop_municipality_count",
        "summary",
        "presented_on",
    ):
        setattr(mapping, name, getattr(data, name))
    mapping.full_clean()
    mapping.save()
    mapping.studied_municipalities.set(data.studied_municipalities)
    _replace_rows(
        list(mapping.tracks.order_by("order", "pk")), data.tracks, "name", Track, mapping=mapping
    )
    challenges = data.challenges or {}
    for kind in Challenge.Kind.values:
        _replace_rows(
            list(mapping.challenges.filter(kind=kind).order_by("order", "pk")),
            challenges.get(kind, ()),
            "text",
            Challenge,
            mapping=mapping,
            kind=kind,
        )
    return mapping


@transaction.atomic
def mapping_create(*, actor: User, kkr: KKR, data: MappingData) -> Mapping:
    """The KKR's secretariat records a mapping: terms of reference, municipalities, tracks and
    challenges."""
    _authorise(actor, kkr.pk)
    _check_mapping(kkr, data)
    return _write_mapping(Mapping(kkr=kkr), data)


@transaction.atomic
def mapping_update(*, actor: User, mapping: Mapping, data: MappingData) -> Mapping:
    """Change a mapping; its tracks and challenges follow the lines given, in order."""
    mapping = Mapping.objects.select_for_update().select_related("kkr").get(pk=mapping.pk)
    _authorise(actor, mapping.kkr_id)
    _check_mapping(mapping.kkr, data)
    return _write_mapping(mapping, data)


@transaction.atomic
def document_add(*, actor: User, mapping: Mapping, upload: UploadedFile) -> MappingDocument:
    """Attach a file (already checked by `core.uploads.AttachmentForm`) to a mapping."""
    _authorise(actor, mapping.kkr_id)
    document = MappingDocument(mapping=mapping)
    document.keep(upload, name=upload.name or "dokument", uploaded_by=actor)
    return document


@transaction.atomic
def document_delete(*, actor: User, document: MappingDocument) -> None:
    """Remove a document from its mapping; the stored file goes once the deletion commits."""
    _authorise(actor, document.mapping.kkr_id)
    file = document.file
    document.delete()
    transaction.on_commit(lambda: file.storage.delete(file.name))


@transaction.atomic
def plan_save(
    *,
    actor: User,
    mapping: Mapping,
    title: str,
    purpose: str,
    requested_on: datetime.date | None = None,
) -> ProcessPlan:
    """Make or change the process plan that follows a mapping."""
    _authorise(actor, mapping.kkr_id)
    plan = ProcessPlan.objects.select_for_update().filter(mapping=mapping).first()
    plan = plan or ProcessPlan(mapping=mapping)
    plan.title, plan.purpose, plan.requested_on = title, purpose, requested_on
    plan.full_clean()
    plan.save()
    return plan


@dataclass(frozen=True)
class MilestoneData:
    title: str
    date: datetime.date
    status: str = Milestone.Status.PLANNED
    description: str = ""
    owners: Sequence[SteeringGroup] = ()
    involved: Sequence[Party] = ()
    framework: Framework | None = None


def _check_milestone(kkr_id: int, data: MilestoneData) -> None:
    if any(group.kkr_id != kkr_id for group in data.owners):
        raise ValidationError({"owners": _("De ansvarlige skal være KKR'ets egne styregrupper.")})
    if any(party.kkr_id != kkr_id for party in data.involved):
        raise ValidationError({"involved": _("Parterne skal være KKR'ets egne.")})
    if data.framework is not None and data.framework.kkr_id != kkr_id:
        raise ValidationError({"framework": _("Rammepapiret skal være KKR'ets eget.")})


def _write_milestone(milestone: Milestone, data: MilestoneData) -> Milestone:
    milestone.title, milestone.date, milestone.status = data.title, data.date, data.status
    milestone.description, milestone.framework = data.description, data.framework
    milestone.full_clean()
    milestone.save()
    milestone.owners.set(data.owners)
    milestone.involved.set(data.involved)
    return milestone


@transaction.atomic
def milestone_create(*, actor: User, plan: ProcessPlan, data: MilestoneData) -> Milestone:
    """Add a milestone to a process plan, possibly naming the framework it leads to."""
    kkr_id = plan.mapping.kkr_id
    _authorise(actor, kkr_id)
    _check_milestone(kkr_id, data)
    return _write_milestone(Milestone(plan=plan), data)


@transaction.atomic
def milestone_update(*, actor: User, milestone: Milestone, data: MilestoneData) -> Milestone:
    """Change a milestone: its date, status, owners, parties or framework."""
    milestone = (
        Milestone.objects.select_for_update().select_related("plan__mapping").get(pk=milestone.pk)
    )
    kkr_id = milestone.plan.mapping.kkr_id
    _authorise(actor, kkr_id)
    _check_milestone(kkr_id, data)
    return _write_milestone(milestone, data)


@transaction.atomic
def milestone_delete(*, actor: User, milestone: Milestone) -> None:
    """Take a milestone out of its plan (its history keeps it)."""
    _authorise(actor, milestone.plan.mapping.kkr_id)
    milestone.delete()


@dataclass(frozen=True)
class SteeringGroupRow:
    pk: int | None
    short_name: str
    name: str = ""
    delete: bool = False


@dataclass(frozen=True)
class PartyRow:
    pk: int | None
    name: str
    delete: bool = False


def _duplicates(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for name in names:
        key = name.casefold()
        if key in seen:
            twice.append(name)
        seen.add(key)
    return twice


@transaction.atomic
def steering_groups_save(
    *, actor: User, kkr: KKR, groups: Sequence[SteeringGroupRow], parties: Sequence[PartyRow]
) -> None:
    """The KKR's steering groups and the parties its milestones involve, as one edit: rows
    are changed in place, added or deleted; one still named by a milestone is kept."""
    _authorise(actor, kkr.pk)
    kept_groups = [row for row in groups if not row.delete]
    kept_parties = [row for row in parties if not row.delete]
    if twice := _duplicates(row.short_name for row in kept_groups):
        raise ValidationError(_("Styregruppen %(name)s står der to gange.") % {"name": twice[0]})
    if twice := _duplicates(row.name for row in kept_parties):
        raise ValidationError(_("Parten %(name)s står der to gange.") % {"name": twice[0]})
    existing_groups = {g.pk: g for g in SteeringGroup.objects.select_for_update().filter(kkr=kkr)}
    existing_parties = {p.pk: p for p in Party.objects.select_for_update().filter(kkr=kkr)}
    for group_row in groups:
        if group_row.pk is not None and group_row.pk not in existing_groups:
            raise ValidationError(_("En af styregrupperne findes ikke længere. Indlæs siden igen."))
    for row in parties:
        if row.pk is not None and row.pk not in existing_parties:
            raise ValidationError(_("En af parterne findes ikke længere. Indlæs siden igen."))
    # Deletions first, so that a name freed by one row may be taken by another.
    for group_row in groups:
        if group_row.delete and group_row.pk is not None:
            group = existing_groups[group_row.pk]
            if group.milestones.exists():
                raise ValidationError(
                    _("%(name)s er ansvarlig for en milepæl og kan ikke slettes.")
                    % {"name": group.short_name}
                )
            group.delete()
    for row in parties:
        if row.delete and row.pk is not None:
            party = existing_parties[row.pk]
            if party.milestones.exists():
                raise ValidationError(
                    _("%(name)s skal inddrages i en milepæl og kan ikke slettes.")
                    % {"name": party.name}
                )
            party.delete()
    for group_row in kept_groups:
        group = (
            existing_groups[group_row.pk] if group_row.pk is not None else SteeringGroup(kkr=kkr)
        )
        if group.pk is None or (group.short_name, group.name) != (
            group_row.short_name,
            group_row.name,
        ):
            group.short_name, group.name = group_row.short_name, group_row.name
            group.full_clean()
            group.save()
    for order, row in enumerate(kept_parties):
        party = existing_parties[row.pk] if row.pk is not None else Party(kkr=kkr)
        if party.pk is None or (party.name, party.order) != (row.name, order):
            party.name, party.order = row.name, order
            party.full_clean()
            party.save()
