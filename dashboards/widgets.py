"""Select boxes whose options are joined in Python.

Django renders every `<option>` through its own template; for the 98 municipalities of the
dashboards' filter form that was the largest cost of a cached dashboard page (see
docs/performance.md). These widgets produce equivalent markup from the same context
(`get_context`), so labels, values, `selected` and the select's attributes are unchanged.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


class _CompactOptions(forms.Select):
    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>{escape(option['label'])}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            mark_safe(options),  # noqa: S308  # nosec B308  # escaped above
        )


class CompactSelect(_CompactOptions):
    pass


class CompactSelectMultiple(_CompactOptions, forms.SelectMultiple):
    pass
