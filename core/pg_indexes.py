"""PostgreSQL-only indexes, built by migrations (`postgres_indexes({...})`).

Some lookups at national scale need index types Django's model `Meta.indexes` cannot declare
portably: expression indexes with `text_pattern_ops` (case-insensitive prefix search whatever
the database collation) and trigram GIN indexes (pg_trgm) for "contains" searches. SQLite has
no use for them, so the operation does nothing there. Indexes are built CONCURRENTLY (the
migration must set `atomic = False`) so a live table is not locked while they build, and one
left invalid by an interrupted build is dropped and built again.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps


def postgres_indexes(indexes: dict[str, str]) -> migrations.RunPython:
    """A migration operation creating `{name: "table USING ... (expression opclass)"}`."""

    def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE NOT i.indisvalid AND c.relname = ANY(%s)",
                [list(indexes)],
            )
            invalid = [row[0] for row in cursor.fetchall()]
        for name in invalid:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        for name, target in indexes.items():
            schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {target}")

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        for name in indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    return migrations.RunPython(create, drop, elidable=False)
