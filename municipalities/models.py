"""The organisations of Danish local government: KKRs and municipalities.

Structure changes over time (regions and councils are reformed), so it lives in data that
staff can edit, never in code.
"""

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel


class KKR(TimeStampedModel):
    name = models.CharField(_("navn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnavn i adresse"), max_length=50, unique=True)
    region = models.CharField(_("region"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("KKR")
        verbose_name_plural = _("KKR'er")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:municipality_list") + f"#{self.slug}"


class Municipality(TimeStampedModel):
    code = models.CharField(
        _("kommunekode"),
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^\d{3}$", _("Kommunekoden skal bestå af tre cifre."))],
        help_text=_("Den officielle trecifrede kommunekode."),
    )
    name = models.CharField(_("navn"), max_length=100, unique=True)
    official_name = models.CharField(_("officielt navn"), max_length=150)
    kkr = models.ForeignKey(
        KKR,
        on_delete=models.PROTECT,
        related_name="municipalities",
        verbose_name=_("KKR"),
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{3}$"),
                name="municipality_code_three_digits",
                violation_error_message=_("Kommunekoden skal bestå af tre cifre."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("municipalities:municipality_detail", kwargs={"code": self.code})
