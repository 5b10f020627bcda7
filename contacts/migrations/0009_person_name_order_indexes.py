"""Indexes that let a search by name find its first page from the indexes alone, PostgreSQL
only (contacts.pg_indexes).

`contacts.selectors.first_people_ids` finds the family-name and the given-name matches of a
name apart and sorts them by `UPPER(family_name), UPPER(given_name), id`. Migration 0007's
indexes find the matches but hold only the name they match on, so each of the 12,700 people
sharing a common surname was read from the table to sort them. These hold the prefix-searchable
name (`text_pattern_ops`, whatever the collation), both upper-cased names and the id, and the
names themselves (without them the planner does not use an index-only scan for an expression),
so the matches are read and sorted from the index. The sort itself stays in the database's
collation: the index order is byte order, which is not the order people read under en_GB.
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0008_organisation_lookup_index")]

    operations = [
        postgres_indexes(
            {
                "person_family_name_order_idx": (
                    "contacts_person (upper(family_name::text) text_pattern_ops, "
                    "upper(given_name::text), id) INCLUDE (family_name, given_name)"
                ),
                "person_given_name_order_idx": (
                    "contacts_person (upper(given_name::text) text_pattern_ops, "
                    "upper(family_name::text), id) INCLUDE (family_name, given_name)"
                ),
            }
        )
    ]
