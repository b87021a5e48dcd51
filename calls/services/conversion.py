"""From accepted proposals to a draft framework: the secretariat merges proposed initiatives
that say the same, then turns every accepted one into an initiative of a draft framework of
the call's KKR in one step (issue 15, decision 26's addendum).

Each initiative made keeps a `ProposalOrigin` per proposed initiative behind it, so the
framework's pages can say whose proposal it came from. The initiatives are written through
the framework editor's own service (`commitments.services.frameworks.initiative_save`),
which checks the framework and gives each the next free code of its block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from calls import permissions, selectors
from calls.models import Call, MergedInitiative, Proposal, ProposalInitiative, ProposalOrigin
from commitments.models import Framework, Initiative, InitiativeBlock
from commitments.permissions import can_edit_framework
from commitments.services.frameworks import initiative_save


def _locked_call(actor: User, call: Call) -> Call:
    call = Call.objects.select_for_update().select_related("kkr").get(pk=call.pk)
    if not permissions.can_convert_proposals(actor, call):
        raise PermissionDenied(_("Kun indkaldelsens sekretariat kan behandle forslagene."))
    return call


@transaction.atomic
def proposal_initiatives_merge(
    *,
    actor: User,
    call: Call,
    initiatives: Sequence[ProposalInitiative],
    text: str,
    kind: str,
    comment: str,
) -> MergedInitiative:
    """Take several accepted proposals' initiatives (of one proposal or several) into the
    draft framework as one, with the reason; every source keeps its proposal and author."""
    call = _locked_call(actor, call)
    sources = list(
        ProposalInitiative.objects.select_for_update(of=("self",))
        .select_related("proposal")
        .filter(pk__in=[initiative.pk for initiative in initiatives])
        .order_by("pk")
    )
    if len(sources) < 2:
        raise ValidationError(_("Vælg mindst to indsatser, der skal lægges sammen."))
    for source in sources:
        if source.proposal.call_id != call.pk:
            raise ValidationError(_("Indsatserne skal høre til forslag til denne indkaldelse."))
        if source.proposal.status != Proposal.Status.ACCEPTED:
            raise ValidationError(_("Kun indsatser fra accepterede forslag kan lægges sammen."))
        if source.merged_into_id is not None:
            raise ValidationError(
                _("Indsatsen “%(text)s” er allerede lagt sammen med andre.")
                % {"text": source.text[:60]}
            )
        if ProposalOrigin.objects.filter(source=source).exists():
            raise ValidationError(
                _("Indsatsen “%(text)s” står allerede i et rammepapir.")
                % {"text": source.text[:60]}
            )
    if kind not in Initiative.Kind.values:
        raise ValidationError(
            {"kind": _("Vælg, om indsatsen er forpligtende eller et pilotprojekt.")}
        )
    if not text.strip():
        raise ValidationError(
            {"text": _("Skriv den samlede indsats, som den skal stå i rammepapiret.")}
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Skriv, hvorfor indsatserne lægges sammen.")})
    merged = MergedInitiative(
        call=call, kind=kind, text=text.strip(), comment=comment.strip(), merged_by=actor
    )
    merged.full_clean()
    merged.save()
    for source in sources:
        source.merged_into = merged
        source.save(update_fields=["merged_into", "updated_at"])
    return merged


@transaction.atomic
def merged_initiative_dissolve(*, actor: User, call: Call, merged: MergedInitiative) -> None:
    """Undo a merge that is not in a framework yet: its sources can be merged otherwise, or
    become initiatives each on its own. The merge and its sources' change stay in the call's
    history."""
    call = _locked_call(actor, call)
    try:
        merged = MergedInitiative.objects.select_for_update().get(pk=merged.pk, call=call)
    except MergedInitiative.DoesNotExist:
        raise ValidationError(_("Sammenlægningen findes ikke længere.")) from None
    sources = list(merged.sources.select_for_update().order_by("pk"))
    if ProposalOrigin.objects.filter(source__in=sources).exists():
        raise ValidationError(
            _(
                "Sammenlægningen står allerede i et rammepapir og kan ikke fortrydes. "
                "Ret indsatsen i rammepapiret i stedet."
            )
        )
    for source in sources:
        source.merged_into = None
        source.save(update_fields=["merged_into", "updated_at"])
    merged.delete()


@dataclass(frozen=True)
class Placement:
    """Where one accepted initiative, or one merge, goes in the draft: a block of one of its
    areas, and the initiative's short title."""

    item: selectors.ConversionItem
    block: InitiativeBlock
    title: str


@transaction.atomic
def proposals_convert(
    *, actor: User, call: Call, framework: Framework, placements: Sequence[Placement]
) -> list[Initiative]:
    """Turn every accepted proposal's initiative, and every merge, that is not in a framework
    yet into an initiative of a draft framework of the call's KKR, each linked back to its
    proposals. Idempotent: what is already in a framework is left as it is, so a second run
    creates nothing and returns an empty list."""
    call = _locked_call(actor, call)
    framework = Framework.objects.select_for_update().get(pk=framework.pk)
    if framework.kkr_id != call.kkr_id:
        raise ValidationError(
            _("Forslagene kan kun blive til indsatser i et rammepapir for %(kkr)s.")
            % {"kkr": call.kkr.name}
        )
    if not can_edit_framework(actor, framework):
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan ændre rammepapiret."))
    if framework.status != Framework.Status.DRAFT:
        raise ValidationError(
            _(
                "Forslagene kan kun blive til indsatser i et udkast til rammepapir; "
                "“%(title)s” er %(status)s."
            )
            % {"title": framework.title, "status": framework.get_status_display().lower()}
        )
    # Read again under the call's lock: a second run, or one running beside this, finds
    # the items made into initiatives and does nothing.
    pending = selectors.conversion_items(call)
    chosen = {selectors.item_key(placement.item): placement for placement in placements}
    if any(selectors.item_key(item) not in chosen for item in pending):
        raise ValidationError(_("Vælg et område og skriv en kort titel for hver indsats."))
    created = []
    for item in pending:
        placement = chosen[selectors.item_key(item)]
        if not placement.title.strip():
            raise ValidationError(_("Vælg et område og skriv en kort titel for hver indsats."))
        initiative = initiative_save(
            actor=actor,
            framework=framework,
            initiative=None,
            block=placement.block,
            kind=item.kind,
            code="",
            title=placement.title.strip(),
            text=selectors.item_wording(item),
        )
        for source in selectors.item_sources(item):
            ProposalOrigin.objects.create(initiative=initiative, source=source, created_by=actor)
        created.append(initiative)
    return created
