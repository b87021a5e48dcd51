"""E-mail links: the configured public address, or the request's own address in development."""

from django.core.checks import run_checks
from django.http import HttpResponse
from django.test import RequestFactory

from core import mail
from core.middleware import RequestSiteMiddleware


def test_links_use_the_configured_public_address(settings):
    settings.SITE_URL = "https://psykiatri.example.dk/"

    assert mail.site_url("/mine-opgaver/") == "https://psykiatri.example.dk/mine-opgaver/"


def test_without_a_public_address_links_follow_the_request(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["portal.test"]
    middleware = RequestSiteMiddleware(lambda request: HttpResponse(mail.site_url("/x/")))

    response = middleware(RequestFactory().get("/", HTTP_HOST="portal.test:8080"))

    assert response.content.decode() == "http://portal.test:8080/x/"
    assert mail.site_url("/x/") == "http://127.0.0.1:8000/x/"  # outside a request again


def test_deploy_check_refuses_an_unset_public_address(settings):
    settings.SITE_URL = ""
    assert "portal.E001" in {c.id for c in run_checks(include_deployment_checks=True)}

    settings.SITE_URL = "https://psykiatri.example.dk"
    assert "portal.E001" not in {c.id for c in run_checks(include_deployment_checks=True)}


def test_every_page_names_its_icon(client, db):
    content = client.get("/").content.decode()

    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in content
    assert client.get("/static/favicon.svg").status_code == 200
