"""Indexes that make person search an indexed lookup on PostgreSQL at national scale.

`contacts.selectors.search_people` matches names and postcodes case-insensitively
(`UPPER(col::text) LIKE 'X%'` / `= 'X'`) and phone numbers by a fragment (`LIKE '%digits%'`).
Plain b-tree indexes on the columns serve none of those, so at 600,000 people each search was
a sequential scan. PostgreSQL only (see contacts.pg_indexes).
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0006_history_reason_text")]

    operations = [
        postgres_indexes(
            {
                "person_family_name_upper_idx": (
                    "contacts_person (upper(family_name::text) text_pattern_ops)"
                ),
                "person_given_name_upper_idx": (
                    "contacts_person (upper(given_name::text) text_pattern_ops)"
                ),
                "person_postcode_upper_idx": (
                    "contacts_person (upper(postcode::text) text_pattern_ops)"
                ),
                "person_phone_trgm_idx": "contacts_person USING gin (phone gin_trgm_ops)",
            }
        )
    ]
