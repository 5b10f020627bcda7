"""Report tables: built once per page, shown in HTML and downloaded as CSV or Excel.

A page builds `Table`s with figures already formatted for the reader (`Figures` applies
small-number suppression for commissioners), so the page and its downloads always agree.
"""

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Font

from .suppression import suppress

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class FormattedRows(Sequence):
    """A table's rows, each formatted only when it is read: a page reads its first
    `page_limit`, a download all of them (a row per organisation in the directory, at
    national scale, is thousands of rows a page would format for nothing)."""

    def __init__(self, items: Sequence, format_row: Callable[[object], list]):
        self.items = items
        self.format_row = format_row

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.format_row(item) for item in self.items[index]]
        return self.format_row(self.items[index])


@dataclass
class Table:
    slug: str
    caption: str
    columns: list[str]
    rows: Sequence[list] = field(default_factory=list)
    # How many leading columns are labels; the rest are figures (right-aligned).
    label_columns: int = 1
    empty_message: str = "Nothing to count in this period."
    # At most this many rows on the page (the first ones; the download has them all): a table
    # with a row per organisation in the directory would otherwise be thousands of rows.
    page_limit: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.rows

    @property
    def page_rows(self) -> list[list]:
        return self.rows[: self.page_limit] if self.page_limit else self.rows

    @property
    def rows_not_shown(self) -> int:
        return len(self.rows) - len(self.page_rows)


class Figures:
    """Formats figures for one reader. Commissioners (`suppressed`) see counts from 1 to 4 as
    "<5", and no rate or median worked out from 1 to 4 cases, which would give them away."""

    def __init__(self, suppressed: bool):
        self.suppressed = suppressed

    def count(self, n: int):
        return suppress(n) if self.suppressed else n

    def rate(self, part: int, whole: int) -> str:
        if not whole:
            return "–"
        if self.suppressed and (1 <= part <= 4 or 1 <= whole <= 4):
            return "<5 cases"
        return f"{round(100 * part / whole)}%"

    def median(self, value: float | None, how_many: int) -> str:
        if value is None:
            return "–"
        if self.suppressed and 1 <= how_many <= 4:
            return "<5 cases"
        return f"{value:g}"


def csv_response(table: Table, filename: str) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(table: Table, filename: str) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    sheet.title = slugify(table.caption)[:31] or "Report"
    sheet.append([table.caption])
    sheet["A1"].font = Font(bold=True)
    sheet.append(table.columns)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
