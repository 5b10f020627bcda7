"""Covering indexes for the trends and compliance reports (PostgreSQL only).

The reports count a year of cases (half a million at national scale) grouped by kind, month,
organisation, service area and subject, and a year of complaints by team and organisation.
With every column those queries read in the index (`INCLUDE`), PostgreSQL answers them with an
index-only scan of the period's entries instead of reading the whole case table; the partial
index holds statutory complaints only (kind 'complaint', no reg 8 exclusion), which is all the
compliance report reads. `id` and `restricted` are there for the restricted-case filter of
`Case.objects.visible_to`, through which managers' reports count.

SQLite has no covering indexes and serves the reports from the (kind, received_on) index as
before, so this migration does nothing there. Not in Case.Meta because `include` and the
partial condition are PostgreSQL's; see reports/queries.py for which query uses which.
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0014_case_search_indexes"),
    ]

    operations = [
        postgres_indexes(
            {
                "case_report_received_idx": (
                    "casework_case (received_on) "
                    "INCLUDE (kind, restricted, id, organisation_id, service_area_id, team_id)"
                ),
                "case_report_complaint_idx": (
                    "casework_case (received_on) "
                    "INCLUDE (status, acknowledged_on, acknowledgement_due, response_sent_on, "
                    "response_due, closed_on, due_on, restricted, id, team_id, organisation_id, "
                    "service_area_id) "
                    "WHERE kind = 'complaint' AND reg8_exclusion = ''"
                ),
            }
        )
    ]
