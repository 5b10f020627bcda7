"""`python manage.py generate_data --cases N [--seed S]`: fill the database with a realistic
data set for benchmarks (see bench/generate.py)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from bench.generate import Generator


class Command(BaseCommand):
    help = (
        "Generate a realistic data set (cases, contacts, people, organisations, referrals, "
        "letters, history)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=10000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--organisations", type=int, default=None)

    def handle(self, *args, cases, seed, organisations, **options):
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        started = time.monotonic()
        generator = Generator(
            cases=cases, seed=seed, organisations=organisations, out=self.stderr._out
        )
        with transaction.atomic():
            _skip_foreign_key_triggers_if_allowed(self.stderr)
            timings = generator.run()
            committing = time.monotonic()
        timings["commit"] = round(time.monotonic() - committing, 1)
        self.stdout.write(
            f"Generated {cases:,} cases in {time.monotonic() - started:.1f} s "
            f"({', '.join(f'{k} {v} s' for k, v in timings.items())}), with "
            f"{', '.join(f'{v:,} {k}' for k, v in generator.counts.items())}."
        )


def _skip_foreign_key_triggers_if_allowed(err):
    """Bulk loading as pg_restore --disable-triggers does: PostgreSQL checks each foreign key
    with a trigger per row, queued to the commit, which for the ~15 million rows of a million
    cases took longer than writing them. The generator builds every reference from ids it has
    just written, so the checks can be skipped for this transaction when the role may
    (a superuser); otherwise they run as usual. SQLite checks them at commit either way, and
    the generator's tests run there too."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        row = cursor.fetchone()
        if row and row[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")
        else:
            err.write("Not a superuser: foreign keys are checked row by row (slower).\n")
