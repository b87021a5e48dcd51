"""Groups, members, meetings, agendas and minutes: find (scoped), authorise, call the service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from core.uploads import AttachmentForm, attachment_response
from core.views import run_service, show_refusal
from meetings import permissions, selectors, services
from meetings.forms import (
    AgendaItemForm,
    GroupForm,
    MeetingForm,
    MemberAppointForm,
    MinutesForm,
    ProposalDecisionForm,
    ProposalForm,
)
from meetings.models import (
    AgendaItem,
    AgendaProposal,
    Group,
    GroupMember,
    Meeting,
    MeetingAttachment,
)


def _group(request: AuthenticatedHttpRequest, slug: str) -> Group:
    return get_object_or_404(
        Group.objects.visible_to(request.user).select_related("owner_kkr", "owner_organisation"),
        slug=slug,
    )


def _managed_group(request: AuthenticatedHttpRequest, slug: str) -> Group:
    """A group the user runs: 404 if they cannot see it, 403 if they only read it."""
    group = _group(request, slug)
    if not permissions.can_manage_group(request.user, group):
        raise PermissionDenied
    return group


def _meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.visible_to(request.user).select_related(
            "group__owner_kkr", "group__owner_organisation"
        ),
        pk=pk,
    )


def _managed_meeting(request: AuthenticatedHttpRequest, pk: int) -> Meeting:
    meeting = _meeting(request, pk)
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    return meeting


def _managed_item(request: AuthenticatedHttpRequest, pk: int) -> AgendaItem:
    item = get_object_or_404(
        AgendaItem.objects.visible_to(request.user).select_related(
            "meeting__group__owner_kkr", "meeting__group__owner_organisation"
        ),
        pk=pk,
    )
    if not permissions.can_manage_meeting(request.user, item.meeting):
        raise PermissionDenied
    return item


# --- groups -------------------------------------------------------------------------------


@require_safe
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    groups = Group.objects.visible_to(request.user).select_related(
        "owner_kkr", "owner_organisation"
    )
    meetings = selectors.meetings_for_list(
        Meeting.objects.visible_to(request.user).filter(date__gte=timezone.localdate())
    )[:20]
    context = {
        "groups": groups,
        "meetings": meetings,
        "can_create": permissions.can_create_group(request.user),
    }
    return render(request, "meetings/group_list.html", context)


def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_group(request.user):
        raise PermissionDenied
    form = GroupForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "owner"}
        try:
            group = services.group_create(actor=request.user, **form.owner_kwargs(), **fields)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Gruppen %(name)s er oprettet.") % {"name": group.name})
            return redirect(group)
    return render(request, "meetings/group_form.html", {"form": form, "group": None})


@require_safe
def group_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    members = selectors.group_members(group)
    context = {
        "group": group,
        "members": members,
        "seats": selectors.group_seats(members) if group.kkr_seats else None,
        "meetings": selectors.meetings_for_list(group.meetings.all()),
        "can_manage": permissions.can_manage_group(request.user, group),
        "can_appoint": permissions.can_appoint_members(request.user, group),
        "removable": {m.pk for m in members if permissions.can_remove_member(request.user, m)},
    }
    return render(request, "meetings/group_detail.html", context)


def group_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug)
    form = GroupForm(request.POST or None, instance=group, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_update(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Gruppen er gemt."))
            return redirect(group)
    return render(request, "meetings/group_form.html", {"form": form, "group": group})


def member_appoint(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _group(request, slug)
    if not permissions.can_appoint_members(request.user, group):
        raise PermissionDenied
    form = MemberAppointForm(request.POST or None, group=group, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_appoint(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("%(name)s er udpeget til %(group)s.")
                % {"name": member.user.get_full_name(), "group": group.name},
            )
            return redirect(group)
    return render(request, "meetings/member_appoint.html", {"form": form, "group": group})


@require_POST
def member_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        GroupMember.objects.filter(group__in=Group.objects.visible_to(request.user)).select_related(
            "group", "user"
        ),
        pk=pk,
    )
    if not permissions.can_remove_member(request.user, member):
        raise PermissionDenied
    group = member.group
    services.member_remove(actor=request.user, member=member)
    messages.success(
        request,
        _("%(name)s er ikke længere medlem af %(group)s.")
        % {"name": member.user.get_full_name(), "group": group.name},
    )
    return redirect(group)


# --- meetings -----------------------------------------------------------------------------


def meeting_create(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    group = _managed_group(request, slug)
    form = MeetingForm(
        request.POST or None, initial={"title": _("Møde i %(group)s") % {"group": group.name}}
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Mødet er oprettet."))
            return redirect(meeting)
    return render(
        request, "meetings/meeting_form.html", {"form": form, "group": group, "meeting": None}
    )


@require_safe
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    user = request.user
    manages = permissions.can_manage_meeting(user, meeting)
    today = timezone.localdate()
    proposals = list(
        AgendaProposal.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("proposed_by", "agenda_item")
    )
    items = (
        list(meeting.items.select_related("reporting_round"))
        if permissions.can_read_agenda(user, meeting)
        else None
    )
    context = {
        "meeting": meeting,
        "group": meeting.group,
        "manages": manages,
        "items": items,
        "proposals": proposals,
        "can_propose": permissions.can_propose_item(user, meeting)
        and meeting.accepts_proposals_on(today),
        "is_member": permissions.is_group_member(user, meeting.group),
        "show_minutes": permissions.can_read_minutes(user, meeting),
        "attachments": list(meeting.attachments.all()),
        "attachment_form": AttachmentForm() if manages else None,
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_update(
                actor=request.user, meeting=meeting, **form.cleaned_data
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Mødet er gemt."))
            return redirect(meeting)
    return render(
        request,
        "meetings/meeting_form.html",
        {"form": form, "group": meeting.group, "meeting": meeting},
    )


@require_POST
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    run_service(
        request,
        lambda: services.meeting_cancel(actor=request.user, meeting=meeting),
        lambda _m: _("Mødet er aflyst, og medlemmerne har fået besked."),
    )
    return redirect(meeting)


# --- the agenda ---------------------------------------------------------------------------


def proposal_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    if not permissions.can_propose_item(request.user, meeting):
        raise PermissionDenied
    if not meeting.accepts_proposals_on(timezone.localdate()):
        messages.error(request, _("Fristen for forslag til dagsordenen er overskredet."))
        return redirect(meeting)
    form = ProposalForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_submit(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request,
                _("Tak for forslaget. Sekretariatet behandler det, når dagsordenen samles."),
            )
            return redirect(meeting)
    return render(request, "meetings/proposal_form.html", {"form": form, "meeting": meeting})


@require_POST
def proposal_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(
        AgendaProposal.objects.visible_to(request.user).select_related(
            "meeting__group", "proposed_by"
        ),
        pk=pk,
    )
    meeting = proposal.meeting
    if not permissions.can_manage_meeting(request.user, meeting):
        raise PermissionDenied
    form = ProposalDecisionForm(request.POST, meeting=meeting)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(meeting)
    action = form.cleaned_data["action"]
    if action == ProposalDecisionForm.ACCEPT:
        run_service(
            request,
            lambda: services.proposal_accept(actor=request.user, proposal=proposal),
            lambda item: (
                _("Forslaget er optaget som punkt %(number)s.") % {"number": item.position}
            ),
        )
    elif action == ProposalDecisionForm.MERGE:
        run_service(
            request,
            lambda: services.proposal_merge(
                actor=request.user, proposal=proposal, item=form.cleaned_data["item"]
            ),
            lambda item: (
                _("Forslaget er lagt sammen med punkt %(number)s.") % {"number": item.position}
            ),
        )
    else:
        run_service(
            request,
            lambda: services.proposal_decline(
                actor=request.user, proposal=proposal, comment=form.cleaned_data["comment"]
            ),
            lambda _p: _("Forslaget er ikke optaget på dagsordenen."),
        )
    return redirect(meeting)


@require_safe
def proposal_attachment(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    proposal = get_object_or_404(AgendaProposal.objects.visible_to(request.user), pk=pk)
    if not proposal.attachment:
        raise Http404
    return attachment_response(proposal.attachment, proposal.attachment_name)


def item_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = AgendaItemForm(
        request.POST or None, request.FILES or None, meeting=meeting, actor=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.item_create(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(
                request, _("Punkt %(number)s er tilføjet dagsordenen.") % {"number": item.position}
            )
            return redirect(meeting)
    return render(
        request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": None}
    )


def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_item(request, pk)
    meeting = item.meeting
    form = AgendaItemForm(
        request.POST or None,
        request.FILES or None,
        instance=item,
        meeting=meeting,
        actor=request.user,
    )
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        document = fields.pop("document", None)
        try:
            services.item_update(actor=request.user, item=item, document=document, **fields)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Punktet er gemt."))
            return redirect(meeting)
    return render(
        request, "meetings/agenda_item_form.html", {"form": form, "meeting": meeting, "item": item}
    )


@require_POST
def item_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_item(request, pk)
    services.item_move(actor=request.user, item=item, up=request.POST.get("retning") == "op")
    return redirect(f"{item.meeting.get_absolute_url()}#punkt-{item.pk}")


@require_POST
def item_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _managed_item(request, pk)
    meeting = item.meeting
    run_service(
        request,
        lambda: services.item_delete(actor=request.user, item=item),
        lambda _none: _("Punktet %(title)s er slettet fra dagsordenen.") % {"title": item.title},
    )
    return redirect(meeting)


@require_safe
def item_document(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(AgendaItem.objects.visible_to(request.user), pk=pk)
    if not item.document:
        raise Http404
    return attachment_response(item.document, item.document_name)


@require_POST
def agenda_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    run_service(
        request,
        lambda: services.agenda_publish(actor=request.user, meeting=meeting),
        lambda _m: _("Dagsordenen er offentliggjort, og medlemmerne har fået besked."),
    )
    return redirect(meeting)


def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = MinutesForm(request.POST or None, initial={"minutes": meeting.minutes})
    if request.method == "POST" and form.is_valid():
        try:
            services.minutes_save(
                actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, _("Referatet er gemt."))
            return redirect(meeting)
    return render(request, "meetings/meeting_minutes.html", {"form": form, "meeting": meeting})


@require_POST
def minutes_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    run_service(
        request,
        lambda: services.minutes_publish(actor=request.user, meeting=meeting),
        lambda _m: _("Referatet er offentliggjort, og medlemmerne har fået besked."),
    )
    return redirect(meeting)


@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = _managed_meeting(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors["file"]:
            messages.error(request, str(error))
        return redirect(meeting)
    run_service(
        request,
        lambda: services.attachment_add(
            actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
        ),
        lambda attachment: _("%(name)s er vedhæftet mødet.") % {"name": attachment.original_name},
    )
    return redirect(meeting)


@require_safe
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(
        MeetingAttachment.objects.filter(meeting__in=Meeting.objects.visible_to(request.user)),
        pk=pk,
    )
    return attachment.download()
