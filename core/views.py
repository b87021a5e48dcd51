"""View glue shared by every app."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

T = TypeVar("T")


def run_service(
    request: HttpRequest, action: Callable[[], T], success: Callable[[T], str]
) -> T | None:
    """Call a service; its ValidationError becomes an error message, never a 500.

    Returns the service's result, or None when it refused.
    """
    try:
        result = action()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, success(result))
    return result


def show_refusal(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal on the field it names, or above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
