"""Choice widgets that write their options in Python instead of one template include per option.

A province has thousands of agencies: the inbox's agency filter, the bulk dispatch checkboxes and the dispatch forms
of a report list every one of them, and Django renders an option in about 0.1 ms (an option dictionary, then a
template include), so those fields took most of a second per page. These widgets walk the choices once and write
the same HTML as Django's templates (``django/forms/widgets/select.html`` and the checkbox list of
``reports/staff/_checkbox_select.html``); ``tests/test_widgets.py`` holds them to it.
"""

import html

from django import forms
from django.utils.safestring import mark_safe


def _text(value) -> str:
    """As Django's ``conditional_escape`` (a value already marked safe stays as it is), without its lazy wrapper."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _attrs(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``: ``name="value"``, a bare name for True, nothing for False."""
    return "".join(
        f" {name}" if value is True else f' {name}="{_text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FastChoices:
    """The choices walked as Django's ``ChoiceWidget.optgroups`` walks them (same selection rule, same indexes),
    yielding (group name or None, group index, [(value, label, selected, subindex)])."""

    def get_context(self, name, value, attrs):
        return forms.Widget.get_context(self, name, value, attrs)  # the options are written by _render itself

    def _groups(self, values: list[str]):
        has_selected = False
        for index, (option_value, option_label) in enumerate(self.choices):
            if isinstance(option_label, list | tuple):
                group_name, subindex, choices = option_value, 0, option_label
            else:
                group_name, subindex, choices = None, None, [(option_value, option_label)]
            options = []
            for subvalue, sublabel in choices:
                subvalue = "" if subvalue is None else subvalue
                selected = (not has_selected or self.allow_multiple_selected) and str(subvalue) in values
                has_selected |= selected
                options.append((subvalue, sublabel, selected, subindex))
                if subindex is not None:
                    subindex += 1
            yield group_name, index, options


class FastSelect(FastChoices, forms.Select):
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, _index, options in self._groups(widget["value"]):
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for value, label, selected, _subindex in options:
                marked = " selected" if selected else ""
                parts.append(f'\n  <option value="{_text(value)}"{marked}>{_text(label)}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped


class FastCheckboxList(FastChoices, forms.CheckboxSelectMultiple):
    """Checkboxes in a scrolling box, each group under a heading (the markup of ``_checkbox_select.html``)."""

    template_name = "reports/staff/_checkbox_select.html"

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        name, own_attrs = _text(widget["name"]), widget["attrs"]
        own_id = own_attrs.get("id")
        parts = [f'<div id="{_text(own_id)}" class="checkbox-list">\n' if own_id else '<div class="checkbox-list">\n']
        for group_name, index, options in self._groups(widget["value"]):
            if group_name:
                parts.append(f'<p class="muted group">{_text(group_name)}</p>')
            parts.append("\n")
            for value, label, selected, subindex in options:
                option_attrs = {**self.attrs, **own_attrs}
                if selected:
                    option_attrs.update(self.checked_attribute)
                if "id" in option_attrs:
                    suffix = index if subindex is None else f"{index}_{subindex}"
                    option_attrs["id"] = self.id_for_label(option_attrs["id"], suffix)
                parts.append(
                    f'<div class="choice"><input type="{self.input_type}" name="{name}" value="{_text(value)}"'
                    f'{_attrs(option_attrs)}>\n<label for="{_text(option_attrs.get("id", ""))}">'
                    f"{_text(label)}</label></div>\n"
                )
        parts.append("\n</div>")
        return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
