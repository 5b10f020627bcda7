"""People and organisations' PostgreSQL-only indexes (core.pg_indexes), built CONCURRENTLY.

Person search (`contacts.selectors.search_people`, `first_people_ids`) matches names and
postcodes case-insensitively (`UPPER(col::text) LIKE 'X%'`) and phone numbers by a fragment
(`LIKE '%digits%'`), which plain b-tree indexes do not serve:
- `person_*_upper_idx` (`text_pattern_ops`, whatever the collation) find name and postcode
  prefixes, `person_phone_trgm_idx` (trigram) phone fragments;
- `person_*_order_idx` hold the prefix-searchable name, both upper-cased names, the id and
  the names themselves, so a search by name finds and sorts its first page from the index
  alone (the sort stays in the database's collation: the index order is byte order).

The organisation lookup (`contacts.selectors.lookup_organisations`), on every keystroke:
`organisation_ods_code_prefix_idx` (`varchar_pattern_ops`) for `ods_code LIKE 'A81%'`, and a
trigram index on `UPPER(name::text)` for `name__icontains`.
"""

from django.db import migrations

from core.pg_indexes import postgres_indexes


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("contacts", "0001_initial")]

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
                "person_family_name_order_idx": (
                    "contacts_person (upper(family_name::text) text_pattern_ops, "
                    "upper(given_name::text), id) INCLUDE (family_name, given_name)"
                ),
                "person_given_name_order_idx": (
                    "contacts_person (upper(given_name::text) text_pattern_ops, "
                    "upper(family_name::text), id) INCLUDE (family_name, given_name)"
                ),
                "organisation_ods_code_prefix_idx": (
                    "contacts_organisation (ods_code varchar_pattern_ops)"
                ),
                "organisation_name_trgm_idx": (
                    "contacts_organisation USING gin (upper(name::text) gin_trgm_ops)"
                ),
            }
        )
    ]
