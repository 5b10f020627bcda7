"""The case table's PostgreSQL-only indexes (core.pg_indexes; SQLite has no use for them and
serves the same queries from the model's own indexes). Built CONCURRENTLY, so not atomic.

- `case_description_trgm_idx`: the case list's search for a word anywhere in the description
  (`UPPER(description::text) LIKE '%word%'`), a trigram index.
- `case_report_received_idx`: the trends report counts a year of cases (half a million at
  national scale) by kind, month, organisation, service area and team; with every column the
  query reads in the index (`INCLUDE`) PostgreSQL answers from an index-only scan. `id` and
  `restricted` are there for the restricted-case filter of `Case.objects.visible_to`.
- `case_report_complaint_outcome_idx`: the same for statutory complaints only (kind
  'complaint', no reg 8 exclusion), which is all the compliance and providers reports read,
  with the outcome the providers report counts by.
- `case_unfinished_idx`: the cases not yet finished (the condition `CaseQuerySet.unfinished()`
  writes, from workflow.FINISHED), a tenth of the cases: the workload report, the digest and
  the work lists read them without touching the other nine tenths.

Not in Case.Meta because `INCLUDE`, the partial conditions and the operator classes are
PostgreSQL's; reports/queries.py says which query uses which.
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes

STATUTORY_COMPLAINTS = "WHERE kind = 'complaint' AND reg8_exclusion = ''"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0005_access_log_append_only"),
        ("contacts", "0002_postgresql_indexes"),
    ]

    operations = [
        postgres_indexes(
            {
                "case_description_trgm_idx": (
                    "casework_case USING gin (upper(description::text) gin_trgm_ops)"
                ),
                "case_report_received_idx": (
                    "casework_case (received_on) "
                    "INCLUDE (kind, restricted, id, organisation_id, service_area_id, team_id)"
                ),
                "case_report_complaint_outcome_idx": (
                    "casework_case (received_on) "
                    "INCLUDE (status, outcome, acknowledged_on, acknowledgement_due, "
                    "response_sent_on, response_due, closed_on, due_on, restricted, id, "
                    f"team_id, organisation_id, service_area_id) {STATUTORY_COMPLAINTS}"
                ),
                "case_unfinished_idx": (
                    "casework_case (due_on) "
                    "INCLUDE (team_id, assignee_id, restricted, id, kind, status, received_on, "
                    "closed_on, organisation_id, service_area_id) "
                    "WHERE NOT (status IN ('resolved', 'escalated', 'closed'))"
                ),
            }
        )
    ]
