from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.staff import Role


class User(AbstractUser):
    """A member of staff. Claimants have no account: they hold a claim reference and a phone."""

    role = models.CharField(_("peran"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    branch = models.ForeignKey(
        "claims.Branch",
        verbose_name=_("kantor cabang"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )
    region = models.ForeignKey(
        "claims.Region",
        verbose_name=_("kantor wilayah"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
    )

    class Meta:
        verbose_name = _("petugas")
        verbose_name_plural = _("petugas")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
