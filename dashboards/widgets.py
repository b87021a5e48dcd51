"""Select boxes and a checkbox list whose options are joined in Python.

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
from django.utils.translation import gettext, ngettext


class CompactSelect(forms.Select):
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


class CheckboxDropdown(forms.CheckboxSelectMultiple):
    """A multiple choice as checkboxes folded into a `<details>`: usable with a thumb on a
    phone, no Ctrl-click and no script. The summary says how many are chosen."""

    # _filter_field.html draws the fieldset; so Django puts aria-describedby on the inputs.
    use_fieldset = False

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        options = [
            option for _group, group_options, _i in widget["optgroups"] for option in group_options
        ]
        chosen = sum(1 for option in options if option["selected"])
        base_id = widget["attrs"].get("id", f"id_{name}")
        # Help text and errors (aria-describedby, aria-invalid) belong to each checkbox.
        described = flatatt({k: v for k, v in widget["attrs"].items() if k != "id"})
        boxes = "".join(
            '<div class="form-check">'
            f'<input class="form-check-input" type="checkbox" name="{escape(widget["name"])}"'
            f' value="{escape(option["value"])}" id="{escape(base_id)}_{index}"{described}'
            f"{' checked' if option['selected'] else ''}>"
            f'<label class="form-check-label" for="{escape(base_id)}_{index}">'
            f"{escape(option['label'])}</label></div>"
            for index, option in enumerate(options)
        )
        summary = (
            ngettext("%(count)s valgt", "%(count)s valgt", chosen) % {"count": chosen}
            if chosen
            else gettext("alle")
        )
        return format_html(
            '<details class="checkbox-dropdown" id="{}"><summary class="form-select '
            'form-select-sm">{}</summary><div class="checkbox-dropdown-options">{}</div>'
            "</details>",
            base_id,
            summary,
            mark_safe(boxes),  # noqa: S308  # nosec B308  # escaped above
        )
