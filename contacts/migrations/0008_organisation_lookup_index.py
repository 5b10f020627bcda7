"""Indexes for the organisation lookup (contacts.selectors.lookup_organisations), PostgreSQL
only (contacts.pg_indexes).

Each keystroke in an organisation field asks for ODS codes starting with what was typed and
names containing each word: `ods_code varchar_pattern_ops` lets `ods_code LIKE 'A81%'` use an
index whatever the collation, and a trigram GIN index on `UPPER(name::text)` serves Django's
`name__icontains`.
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0007_person_search_indexes")]

    operations = [
        postgres_indexes(
            {
                "organisation_ods_code_prefix_idx": (
                    "contacts_organisation (ods_code varchar_pattern_ops)"
                ),
                "organisation_name_trgm_idx": (
                    "contacts_organisation USING gin (upper(name::text) gin_trgm_ops)"
                ),
            }
        )
    ]
