"""Publishing a round's approved results on public pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reporting.models import ReportingRound


def _managed(actor: User, round_: ReportingRound) -> ReportingRound:
    locked = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if not ReportingRound.objects.managed_by(actor).filter(pk=locked.pk).exists():
        raise PermissionDenied(_("Kun KKR'ets sekretariat kan offentliggøre runden."))
    return locked


@transaction.atomic
def round_publish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Show a closed round's approved results on public pages, without login."""
    locked = _managed(actor, round_)
    if locked.status != ReportingRound.Status.CLOSED:
        raise ValidationError(_("Kun en lukket runde kan offentliggøres."))
    locked.published_at = locked.published_at or timezone.now()
    locked.save(update_fields=["published_at", "updated_at"])
    return locked


@transaction.atomic
def round_unpublish(*, actor: User, round_: ReportingRound) -> ReportingRound:
    """Take a round's results off the public pages again."""
    locked = _managed(actor, round_)
    locked.published_at = None
    locked.save(update_fields=["published_at", "updated_at"])
    return locked
