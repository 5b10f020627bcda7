"""The rows of a report table, written out in Python.

A report table can have a row per organisation in the directory (thousands): looping over
every cell in the template language cost seconds a page, this costs milliseconds. The markup
and the escaping are the template's (`render_value_in_context`, as `{{ cell }}` does).
"""

from django import template
from django.conf import settings
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

ROW_START = '\n    <tr class="nhsuk-table__row">\n      '
ROW_END = "\n    </tr>\n    "
HEADER = '<th scope="row" class="nhsuk-table__header">{}</th>'
LABEL = '<td class="nhsuk-table__cell">{}</td>'
FIGURE = '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">{}</td>'


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """Every `<tr>` of `table.rows`: the first cell a row header, then label cells up to
    `table.label_columns`, then right-aligned figures."""
    plain_numbers = context.autoescape and not settings.USE_THOUSAND_SEPARATOR
    out = []
    for row in table.rows:
        out.append(ROW_START)
        for i, cell in enumerate(row):
            if i == 0:
                markup = HEADER
            elif i < table.label_columns:
                markup = LABEL
            else:
                markup = FIGURE
            out.append(markup.format(_cell(cell, context, plain_numbers)))
        out.append(ROW_END)
    return mark_safe("".join(out))


def _cell(value, context, plain_numbers: bool) -> str:
    """`{{ value }}`: the counts (ints) and the formatted figures and names (strings) a table
    holds take the short way, which gives what the template would; anything else goes the
    template's way."""
    if plain_numbers:
        if type(value) is int:
            return str(value)
        if type(value) is str:
            return conditional_escape(value)
    return render_value_in_context(value, context)
