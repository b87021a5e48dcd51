from http import HTTPStatus

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts import services
from accounts.forms import (
    EmailAuthenticationForm,
    InvitationAcceptForm,
    InvitationForm,
    MembershipRoleForm,
    PasswordResetForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.lockout import is_account_locked_out
from accounts.models import Membership, RoleOffer, User
from accounts.permissions import can_manage_user, can_manage_users
from accounts.tokens import invitation_token_generator
from core.views import run_service


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("accounts:password_reset_complete")


@require_safe
def my_organisations(request: AuthenticatedHttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("kkr", "municipality__kkr").order_by(
        "role"
    )
    offers = request.user.role_offers.select_related("kkr", "municipality", "invited_by")
    return render(
        request,
        "accounts/my_organisations.html",
        {"memberships": memberships, "offers": offers},
    )


@require_POST
def role_offer_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    offer = get_object_or_404(RoleOffer, pk=pk, user=request.user)
    accept = request.POST.get("answer") == "accept"
    services.role_offer_answer(actor=request.user, offer=offer, accept=accept)
    messages.success(
        request,
        _("Du har nu rollen.") if accept else _("Invitationen er afvist."),
    )
    return redirect("accounts:my_organisations")


def _require_user_manager(request: HttpRequest) -> None:
    if not can_manage_users(request.user):
        raise PermissionDenied


@require_safe
def user_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_user_manager(request)
    memberships = Membership.objects.manageable_by(request.user).select_related(
        "kkr", "municipality"
    )
    users = (
        User.objects.manageable_by(request.user)
        .prefetch_related(Prefetch("memberships", queryset=memberships, to_attr="visible"))
        .order_by("full_name", "email")
    )
    return render(request, "accounts/user_list.html", {"users": users})


def user_invite(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_user_manager(request)
    form = InvitationForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_invite(
                actor=request.user,
                email=data["email"],
                full_name=data["full_name"],
                role=data["role"],
                kkr=data["kkr"],
                municipality=data["municipality"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            # The same words whether the address had an account or not (issue #12, defect 2).
            messages.success(
                request,
                _("Invitationen til rollen %(role)s for %(organisation)s er sendt til %(email)s.")
                % {
                    "email": data["email"],
                    "role": Membership.Role(data["role"]).label,
                    "organisation": data["kkr"] or data["municipality"],
                },
            )
            return redirect("accounts:user_list")
    return render(request, "accounts/user_invite.html", {"form": form})


@require_safe
def user_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_user_manager(request)
    person = get_object_or_404(User.objects.manageable_by(request.user), pk=pk)
    memberships = (
        Membership.objects.manageable_by(request.user)
        .filter(user=person)
        .select_related("kkr", "municipality")
    )
    context = {
        "person": person,
        "memberships": memberships,
        "role_form": MembershipRoleForm(),
        "can_manage": can_manage_user(request.user, person),
        "is_locked_out": is_account_locked_out(person.email)
        or AccessAttempt.objects.filter(
            username=person.email, failures_since_start__gte=settings.AXES_FAILURE_LIMIT
        ).exists(),
    }
    return render(request, "accounts/user_detail.html", context)


def _managed_membership(request: AuthenticatedHttpRequest, pk: int) -> Membership:
    _require_user_manager(request)
    return get_object_or_404(
        Membership.objects.manageable_by(request.user).select_related("user"), pk=pk
    )


@require_POST
def membership_change_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = _managed_membership(request, pk)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            ),
            lambda _done: _("Rollen er ændret."),
        )
    else:
        messages.error(request, _("Vælg en gyldig rolle."))
    return redirect("accounts:user_detail", pk=membership.user_id)


@require_POST
def membership_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = _managed_membership(request, pk)
    run_service(
        request,
        lambda: services.membership_revoke(actor=request.user, membership=membership),
        lambda _done: _("Rollen er fjernet."),
    )
    if User.objects.manageable_by(request.user).filter(pk=membership.user_id).exists():
        return redirect("accounts:user_detail", pk=membership.user_id)
    return redirect("accounts:user_list")


def _managed_user(request: HttpRequest, pk: int) -> User:
    _require_user_manager(request)
    return get_object_or_404(User.objects.manageable_by(request.user), pk=pk)


@require_POST
def user_deactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_user(request, pk)
    run_service(
        request,
        lambda: services.user_deactivate(actor=request.user, user=person),
        lambda _done: _("Brugeren er deaktiveret og kan ikke længere logge ind."),
    )
    return redirect("accounts:user_detail", pk=person.pk)


@require_POST
def user_reactivate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_user(request, pk)
    run_service(
        request,
        lambda: services.user_reactivate(actor=request.user, user=person),
        lambda _done: _("Brugeren er aktiv igen."),
    )
    return redirect("accounts:user_detail", pk=person.pk)


@require_POST
def user_unlock(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = _managed_user(request, pk)
    run_service(
        request,
        lambda: services.user_unlock(actor=request.user, user=person),
        lambda _done: _("Spærringen er ophævet. Brugeren kan logge ind igen."),
    )
    return redirect("accounts:user_detail", pk=person.pk)


@login_not_required
def invitation_accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    try:
        person = User.objects.get(pk=urlsafe_base64_decode(uidb64).decode(), is_active=True)
    except (User.DoesNotExist, ValueError, TypeError, OverflowError):
        person = None
    if person is None or not invitation_token_generator.check_token(person, token):
        return render(
            request, "accounts/invitation_accept.html", {"valid": False}, status=HTTPStatus.GONE
        )
    form = InvitationAcceptForm(person, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, person, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Velkommen! Din adgangskode er gemt, og du er logget ind."))
        return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"valid": True, "form": form, "person": person}
    )
