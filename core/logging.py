"""Log filters: what a log record may say about the request that wrote it."""

import logging

from django.http import HttpRequest


class RequestWithoutQuery(logging.Filter):
    """Replace a record's request object by its method and path.

    Django's error records (logger "django.request") carry the request, which a JSON formatter
    writes as its repr with the query string; a query string can hold a search for a person's
    name, and the request log leaves it out for the same reason.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            record.request = f"{request.method} {request.path}"
        return True
