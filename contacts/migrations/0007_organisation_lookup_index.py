"""Indexes for the organisation lookup (contacts.selectors.lookup_organisations), PostgreSQL only.

Each keystroke in an organisation field asks for ODS codes starting with what was typed and
names containing each word. On PostgreSQL:
- `ods_code varchar_pattern_ops` lets `ods_code LIKE 'A81%'` use an index whatever the
  database's collation;
- a trigram (pg_trgm) GIN index on `UPPER(name::text)` serves Django's `name__icontains`
  (`UPPER(name::text) LIKE UPPER('%smith%')`).
pg_trgm is a trusted extension (PostgreSQL 13+), so the database owner may create it; where it
cannot be created the trigram index is left out and the lookup still works (a scan bounded by
its LIMIT). SQLite (development, tests) needs neither. Nothing changes in the model state.
"""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)

CODE_INDEX = "organisation_ods_code_prefix_idx"
NAME_INDEX = "organisation_name_trgm_idx"


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {CODE_INDEX} "
            "ON contacts_organisation (ods_code varchar_pattern_ops)"
        )
        try:
            with transaction.atomic(using=connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as error:
            logger.warning("pg_trgm unavailable, organisation names not indexed: %s", error)
            return
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME_INDEX} "
            "ON contacts_organisation USING gin (UPPER(name::text) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {NAME_INDEX}")
        cursor.execute(f"DROP INDEX IF EXISTS {CODE_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("contacts", "0006_history_reason_text")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
