"""The rows of a report table, written out in Python.

A report table can have a row per organisation in the directory (thousands): looping over
every cell in the template language cost seconds a page, this costs milliseconds. The markup
and the escaping are the template's (`render_value_in_context`, as `{{ cell }}` does).
"""

import html

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.safestring import mark_safe

register = template.Library()

ROW_START = '\n    <tr class="nhsuk-table__row">\n      '
ROW_END = "\n    </tr>\n    "
HEADER = '<th scope="row" class="nhsuk-table__header">{}</th>'
LABEL = '<td class="nhsuk-table__cell">{}</td>'
FIGURE = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """Every `<tr>` of `table.page_rows`: the first cell a row header, then label cells up to
    `table.label_columns`, then right-aligned figures."""
    plain = context.autoescape and not settings.USE_THOUSAND_SEPARATOR
    cells: dict = {}  # the same figures ("0", "–", "100%") come up again and again

    def cell(value) -> str:
        # Counts (ints) and formatted figures and names (plain strings) take the short way,
        # which gives what the template would (no thousand separators; html.escape is what
        # Django's escape runs); anything else goes the template's way.
        kind = type(value)
        if plain and (kind is int or kind is str):
            key = (kind, value)
            if key not in cells:
                cells[key] = str(value) if kind is int else html.escape(value)
            return cells[key]
        return render_value_in_context(value, context)

    out = []
    for row in table.page_rows:
        out.append(ROW_START)
        for i, value in enumerate(row):
            if i == 0:
                markup = HEADER
            elif i < table.label_columns:
                markup = LABEL
            else:
                markup = FIGURE
            out.append(markup.format(cell(value)))
        out.append(ROW_END)
    return mark_safe("".join(out))
