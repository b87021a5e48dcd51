"""The Django admin is the back office: every model's pages load for a superuser."""

from http import HTTPStatus

import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label_lower)
def test_admin_changelist_and_add_pages_load(client, rf, reference_data, superuser, model):
    client.force_login(superuser)
    opts = model._meta
    request = rf.get("/")
    request.user = superuser
    # django-axes keeps its log read-only: no add page.
    can_add = admin.site._registry[model].has_add_permission(request)

    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))

    assert changelist.status_code == HTTPStatus.OK
    assert add.status_code == (HTTPStatus.OK if can_add else HTTPStatus.FORBIDDEN)


def test_admin_change_page_loads_for_an_initiative(client, reference_data, superuser):
    from commitments.models import Initiative

    client.force_login(superuser)
    initiative = Initiative.objects.get(code="1.F1")

    response = client.get(reverse("admin:commitments_initiative_change", args=[initiative.pk]))

    assert response.status_code == HTTPStatus.OK
    assert "Kommunerne skal sikre" in response.content.decode()


def test_admin_is_in_danish(client, superuser, reference_data):
    client.force_login(superuser)

    response = client.get(reverse("admin:index"))

    assert "Psykiatriportalen – administration" in response.content.decode()
    assert "Rammer og indsatser" in response.content.decode()
