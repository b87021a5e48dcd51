"""Health pages for the load balancer and for monitoring (django-health-check).

`/sundhed/` checks everything the portal talks to: the database, the cache and, when one is
configured, the task queue's broker; it answers 503 when any of them fails. `/sundhed/instans/`
checks only what an instance cannot serve a page without, the database: the load balancer
uses it, because the cache and the broker are shared by every instance and the pages keep
working without them (slower, jobs waiting), so taking instances out of rotation for them
would turn a slowdown into an outage (docs/decisions/0015-operations.md).

Both answer in plain text with each check's name and OK or "fejl", never the error itself,
which can name hosts and ports; the error goes to the log with the request id.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterator
from http import HTTPStatus

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.views import HealthCheckView
from redis.asyncio import Redis as RedisClient

logger = logging.getLogger(__name__)

# How long a check may wait for a service that does not answer: the load balancer's own check
# times out after a few seconds, and a health page must answer before that.
CHECK_TIMEOUT_SECONDS = 2


@dataclasses.dataclass
class Broker(Redis):
    """The task queue's broker (Redis) answers a ping."""

    def __repr__(self) -> str:
        return "Broker"


def _broker_client() -> RedisClient:
    return RedisClient.from_url(
        settings.CELERY_BROKER_URL,
        socket_connect_timeout=CHECK_TIMEOUT_SECONDS,
        socket_timeout=CHECK_TIMEOUT_SECONDS,
    )


# The name each check shows on the page.
NAMES: dict[type[HealthCheck], str] = {Database: "database", Cache: "cache", Broker: "broker"}


def broker_configured() -> bool:
    """A Redis broker is set; without one (or with Celery's in-memory stand-in) nothing to ping."""
    return settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://"))


def all_checks() -> list[HealthCheck]:
    """The database, the cache, and the broker when one is configured."""
    checks: list[HealthCheck] = [Database(), Cache()]
    if broker_configured():
        checks.append(Broker(client_factory=_broker_client))
    return checks


def instance_checks() -> list[HealthCheck]:
    """What one instance needs to serve pages: its database connection."""
    return [Database()]


class PortalHealthView(HealthCheckView):
    """Run the checks and answer 200 or 503 in plain text without the errors' details."""

    select_checks: Callable[[], list[HealthCheck]] = staticmethod(all_checks)

    def get_checks(self) -> Iterator[HealthCheck]:
        yield from self.select_checks()

    async def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        await super().get(request, *args, **kwargs)
        lines = []
        for result in self.results:
            name = NAMES.get(type(result.check), type(result.check).__name__.lower())
            if result.error:
                logger.error("Health check %s failed: %s", name, result.error)
            lines.append(f"{name}: {'fejl' if result.error else 'OK'}")
        failed = any(result.error for result in self.results)
        return HttpResponse(
            "\n".join(lines) + "\n",
            content_type="text/plain; charset=utf-8",
            status=HTTPStatus.SERVICE_UNAVAILABLE if failed else HTTPStatus.OK,
        )


health = login_not_required(PortalHealthView.as_view(select_checks=all_checks))
health_instance = login_not_required(PortalHealthView.as_view(select_checks=instance_checks))
