"""The case list's search box at national scale: a trigram index for a word anywhere in the
description (`UPPER(description::text) LIKE '%word%'`). PostgreSQL only (contacts.pg_indexes);
references and names use their own b-tree and expression indexes."""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("casework", "0013_case_restricted_idx"),
        ("contacts", "0007_person_search_indexes"),
    ]

    operations = [
        postgres_indexes(
            {
                "case_description_trgm_idx": "casework_case USING gin (upper(description::text) gin_trgm_ops)"
            }
        )
    ]
