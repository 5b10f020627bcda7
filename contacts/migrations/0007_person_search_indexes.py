"""Indexes that make person search an indexed lookup on PostgreSQL at national scale.

`contacts.selectors.search_people` matches names and postcodes case-insensitively
(`UPPER(col::text) LIKE 'X%'` / `= 'X'`) and phone numbers by a fragment (`LIKE '%digits%'`).
Plain b-tree indexes on the columns serve none of those, so at 600,000 people each search was
a sequential scan. These are expression indexes with `text_pattern_ops` (prefix LIKE whatever
the database collation) and a trigram GIN index (pg_trgm, a trusted extension since
PostgreSQL 13) for the phone fragment. PostgreSQL only: SQLite has no use for them, so this
migration does nothing there. Built CONCURRENTLY so a live table is not locked while they build.
"""

from django.db import migrations

INDEXES = {
    "person_family_name_upper_idx": ("contacts_person (upper(family_name::text) text_pattern_ops)"),
    "person_given_name_upper_idx": "contacts_person (upper(given_name::text) text_pattern_ops)",
    "person_postcode_upper_idx": "contacts_person (upper(postcode::text) text_pattern_ops)",
    "person_phone_trgm_idx": "contacts_person USING gin (phone gin_trgm_ops)",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    with schema_editor.connection.cursor() as cursor:
        # A concurrent build that was interrupted leaves an invalid index behind, which
        # IF NOT EXISTS would then keep: drop those so this run builds them again.
        cursor.execute(
            "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE NOT i.indisvalid AND c.relname = ANY(%s)",
            [list(INDEXES)],
        )
        invalid = [row[0] for row in cursor.fetchall()]
    for name in invalid:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    for name, target in INDEXES.items():
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0006_history_reason_text")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
