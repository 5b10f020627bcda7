"""The benchmark harness: `make bench` (PostgreSQL, 200,000 cases by default) or
`python -m bench.run --quick` (a small data set, a few repeats).

Each key operation is warmed up, then run many times through Django's test client in this
process (so the figure is the server's time, without network), recording median, p95, max and
the number of SQL queries per request. Beside it stands the time of the single SQL query a
perfect implementation would need (the "floor"), so the table shows how close a page is to
the database's own cost. A throughput run drives gunicorn on loopback with several client
threads for a bounded time. Results go to bench/results.json.
"""

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/pals_bench"


def _setup_django(database_url: str | None):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Measured as production runs: no debug, static files from the finders (no collectstatic).
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("SECURE_COOKIES", "0")
    # Plain HTTP on loopback: no redirect to https (production puts TLS in front).
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # One key for this process and the gunicorn it starts, so its session cookie is valid.
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    # The test client's host must be allowed whatever the environment says.
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = hosts + ",testserver"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _ensure_database(database_url: str):
    """Create the benchmark database if it does not exist (PostgreSQL only)."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


# The p95 each operation must meet at 1,000,000 cases (issue #8), by the start of its name.
BUDGETS_MS = {
    "case list": 150,
    "case page": 100,
    "person search": 100,
    "log a contact": 100,
    "acknowledge": 100,
    "trends": 1000,
    "compliance": 1000,
    "KO41": 2000,
    "annual report PDF": 20000,
}


def budget_for(operation: str) -> int | None:
    return next((ms for start, ms in BUDGETS_MS.items() if operation.startswith(start)), None)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lower, upper = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (k - lower)


class Bench:
    def __init__(self, *, iterations: int, warmup: int):
        from django.test import Client

        self.iterations, self.warmup = iterations, warmup
        self.client = Client()
        self.results = []

    def measure(
        self,
        name: str,
        request,
        floor_sql: str | None = None,
        floor_params=(),
        *,
        iterations: int | None = None,
        warmup: int | None = None,
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        for _ in range(self.warmup if warmup is None else warmup):
            request(self.client)
        timings, queries, statuses = [], [], set()
        for _ in range(iterations or self.iterations):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = request(self.client)
                timings.append((time.perf_counter() - started) * 1000)
            queries.append(len(captured.captured_queries))
            statuses.add(response.status_code)
        failed = sorted(code for code in statuses if code >= 400)
        if failed:
            # A page that failed is not a fast page: stop rather than print its timing.
            raise RuntimeError(f"{name}: the request answered HTTP {failed}, not the page")
        floor = None
        if floor_sql:
            floor_times = []
            with connection.cursor() as cursor:
                for _ in range(max(3, self.iterations // 2)):
                    started = time.perf_counter()
                    cursor.execute(floor_sql, floor_params)
                    cursor.fetchall()
                    floor_times.append((time.perf_counter() - started) * 1000)
            floor = statistics.median(floor_times)
        row = {
            "operation": name,
            "median_ms": round(statistics.median(timings), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "max_ms": round(max(timings), 1),
            "queries": max(queries),
            "floor_ms": round(floor, 2) if floor is not None else None,
            "budget_ms": budget_for(name),
            "status": sorted(statuses),
        }
        self.results.append(row)
        return row


def _prepare(cases: int, seed: int, out):
    """Bring the database to at least `cases` cases and return the objects the runs use."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from casework.models import Case

    call_command("migrate", verbosity=0)
    have = Case.objects.count()
    if have < cases:
        out.write(f"Generating {cases - have:,} cases...\n")
        call_command("generate_data", cases=cases - have, seed=seed + have)
    User = get_user_model()
    manager, _ = User.objects.get_or_create(
        username="bench-manager", defaults={"first_name": "Bench"}
    )
    manager.groups.add(Group.objects.get(name="Complaints manager"))
    return manager


def _busy_case(manager):
    """A case with 50 contacts and about 200 history rows (built once, then reused)."""
    from django.utils import timezone

    from casework import services
    from casework.models import Case
    from casework.workflow import CaseKind
    from contacts.models import Person

    existing = Case.objects.filter(description="Benchmark: busy case").first()
    if existing:
        return existing
    person = Person.objects.order_by("id").first()
    now = timezone.now() - timedelta(days=1)
    case = services.log_contact(
        by=manager,
        at=now,
        channel="phone",
        contacted_at=now,
        summary="Benchmark: busy case",
        person=person,
        new_case_kind=CaseKind.COMPLAINT,
    ).case
    for n in range(49):
        services.log_contact(
            by=manager,
            at=now,
            channel="email",
            contacted_at=now,
            summary=f"Follow-up {n}",
            person=person,
            case=case,
        )
    for n in range(150):
        services.update_case_details(
            case,
            by=manager,
            reason=f"Benchmark edit {n}",
            description=f"Benchmark: busy case (v{n})",
        )
    services.update_case_details(
        case, by=manager, reason="Benchmark", description="Benchmark: busy case"
    )
    return case


def run(
    *, quick: bool, cases: int, iterations: int, seed: int, throughput_seconds: int, out=sys.stdout
) -> dict:
    from django.db import connection
    from django.urls import reverse
    from django.utils import timezone

    from casework import services
    from casework.models import Case, Subject
    from contacts.models import Person

    manager = _prepare(cases, seed, out)
    busy = _busy_case(manager)
    bench = Bench(iterations=iterations, warmup=2 if quick else 5)
    bench.client.force_login(manager)
    org = Case.objects.exclude(organisation=None).values_list("organisation", flat=True).first()
    subject = Subject.objects.first()
    person = Person.objects.exclude(nhs_number="").first()
    today = timezone.localdate()
    year_start = today.replace(month=1, day=1)
    list_url = reverse("case_list")
    vendor = connection.vendor
    limit = "LIMIT 25"

    bench.measure(
        "case list (default)",
        lambda c: c.get(list_url),
        "SELECT id FROM casework_case ORDER BY received_on DESC, id DESC " + limit,
    )
    bench.measure(
        "case list (deep page)",
        lambda c: c.get(list_url, {"page": 200}),
        "SELECT id FROM casework_case ORDER BY received_on DESC, id DESC LIMIT 25 OFFSET 4975",
    )
    bench.measure(
        "case list (org + subject + period)",
        lambda c: c.get(
            list_url,
            {
                "organisation": org,
                "subject": subject.pk,
                "received_after": year_start.strftime("%d/%m/%Y"),
            },
        ),
        "SELECT c.id FROM casework_case c JOIN casework_case_subjects s ON s.case_id = c.id "
        "WHERE c.organisation_id = %s AND s.subject_id = %s AND c.received_on >= %s "
        "ORDER BY c.received_on DESC, c.id DESC " + limit,
        (org, subject.pk, year_start),
    )
    bench.measure(
        "case page (50 contacts, 150+ history)",
        lambda c: c.get(reverse("case_detail", args=[busy.reference])),
        "SELECT * FROM contacts_contact WHERE case_id = %s",
        (busy.pk,),
    )
    search = reverse("person_search")
    bench.measure(
        "person search (surname)",
        lambda c: c.get(search, {"q": "Okafor"}),
        "SELECT id FROM contacts_person WHERE family_name = 'Okafor' LIMIT 50",
    )
    bench.measure(
        "person search (NHS number)",
        lambda c: c.get(search, {"q": person.nhs_number}),
        "SELECT id FROM contacts_person WHERE nhs_number = %s",
        (person.nhs_number,),
    )
    bench.measure(
        "person search (postcode)",
        lambda c: c.get(search, {"q": person.postcode}),
        "SELECT id FROM contacts_person WHERE postcode = %s",
        (person.postcode,),
    )
    log_url = reverse("log_contact")

    def log_contact(c):
        return c.post(log_url, _contact_form(person.pk, "Benchmark enquiry"))

    bench.measure("log a contact (POST)", log_contact)
    needed = bench.iterations + bench.warmup
    # Never the busy case: acknowledging it would change the case page measured next run.
    received_refs = list(
        Case.objects.filter(kind="complaint", status="received", restricted=False)
        .exclude(pk=busy.pk)
        .values_list("reference", flat=True)[:needed]
    )
    while len(received_refs) < needed:
        now = timezone.now()
        received_refs.append(
            services.log_contact(
                by=manager,
                at=now,
                channel="letter",
                contacted_at=now,
                summary="Benchmark",
                person=person,
                new_case_kind="complaint",
            ).case.reference
        )
    received = iter(received_refs)

    def acknowledge(c):
        reference = next(received)
        return c.post(
            reverse("complaint_action", args=[reference, "acknowledge"]),
            {
                "on": today.strftime("%d/%m/%Y"),
                "method": "letter",
                "discussion_offered": "yes",
                "discussion_held": "no",
            },
        )

    bench.measure("acknowledge a complaint (POST)", acknowledge)
    period = {"start": year_start.strftime("%d/%m/%Y"), "end": today.strftime("%d/%m/%Y")}
    bench.measure(
        "trends page (a year)",
        lambda c: c.get(reverse("reports:trends"), period),
        (
            "SELECT date_trunc('month', received_on), kind, count(*) FROM casework_case "
            "WHERE received_on BETWEEN %s AND %s GROUP BY 1, 2"
        )
        if vendor == "postgresql"
        else None,
        (year_start, today),
    )
    # As a commissioner of primary care looks at it: the same year, GP practices only.
    bench.measure(
        "trends page (a year, GP practices)",
        lambda c: c.get(reverse("reports:trends"), {**period, "org_type": "gp_practice"}),
        (
            "SELECT date_trunc('month', c.received_on), c.kind, count(*) FROM casework_case c "
            "JOIN contacts_organisation o ON o.id = c.organisation_id "
            "WHERE c.received_on BETWEEN %s AND %s AND o.org_type = 'gp_practice' GROUP BY 1, 2"
        )
        if vendor == "postgresql"
        else None,
        (year_start, today),
    )
    # The slowest filter: a subject's co-subjects and staff groups are counted live.
    bench.measure(
        "trends page (a year, one subject)",
        lambda c: c.get(reverse("reports:trends"), {**period, "subject": subject.pk}),
        (
            "SELECT date_trunc('month', c.received_on), c.kind, count(*) FROM casework_case c "
            "JOIN casework_case_subjects s ON s.case_id = c.id "
            "WHERE c.received_on BETWEEN %s AND %s AND s.subject_id = %s GROUP BY 1, 2"
        )
        if vendor == "postgresql"
        else None,
        (year_start, today, subject.pk),
    )
    bench.measure(
        "compliance page (a year)",
        lambda c: c.get(reverse("reports:compliance"), period),
        "SELECT count(*) FILTER (WHERE acknowledged_on <= acknowledgement_due), "
        "count(*) FILTER (WHERE response_sent_on <= response_due) FROM casework_case "
        "WHERE kind = 'complaint' AND received_on BETWEEN %s AND %s",
        (year_start, today),
    )
    fy = today.year if today.month >= 4 else today.year - 1
    trust = (
        Case.objects.filter(organisation__org_type="trust")
        .values_list("organisation__ods_code", flat=True)
        .first()
    )
    if trust:
        bench.measure(
            "KO41a download (a year, one trust)",
            lambda c: c.get(
                reverse("reports:ko41"),
                {"return_type": "a", "year": f"{fy}-{str(fy + 1)[2:]}", "organisation": trust},
            ),
        )
    _measure_annual_report(bench, fy - 1, manager, quick)
    throughput = (
        _throughput(throughput_seconds, manager, person.pk, busy.reference)
        if throughput_seconds
        else None
    )
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "database": vendor,
        },
        "cases": Case.objects.count(),
        "iterations": iterations,
        "operations": bench.results,
        "throughput": throughput,
        "measured_at": timezone.now().isoformat(timespec="seconds"),
    }
    _print(results, out)
    return results


def _measure_annual_report(bench, year: int, manager, quick: bool):
    """The annual report PDF for the last complete financial year, timed as the Celery task
    runs it (`reports.annual.generate`: count, chart, render with WeasyPrint, store) — the
    budget is for the background job, not a request."""
    from datetime import date
    from types import SimpleNamespace

    from reports import annual
    from reports.models import AnnualReport, GenerationStatus

    report = AnnualReport.objects.filter(year_start=date(year, 4, 1)).first() or annual.create(
        date(year, 4, 1), by=manager
    )

    def generate(_client):
        AnnualReport.objects.filter(pk=report.pk).update(status=GenerationStatus.DRAFT, pdf="")
        done = annual.generate(report.pk)
        return SimpleNamespace(status_code=200 if done.status == GenerationStatus.READY else 500)

    bench.measure(
        "annual report PDF (the background task)",
        generate,
        iterations=2 if quick else 5,
        warmup=1,
    )


def _contact_form(person_id: int, summary: str) -> dict:
    """What an officer posts on Log a contact: a phone enquiry a minute ago, a new case."""
    from django.utils import timezone

    when = timezone.localtime() - timedelta(minutes=1)
    return {
        "person_id": person_id,
        "channel": "phone",
        "case_choice": "new",
        "kind": "enquiry",
        "relationship": "self",
        "summary": summary,
        "contacted_on": when.strftime("%d/%m/%Y"),
        "contacted_time": when.strftime("%H:%M"),
    }


def _throughput(seconds: int, manager, person_id: int, busy_reference: str) -> dict:
    """gunicorn on loopback, several client threads with a mixed load, bounded in time: the
    case list, My work, a person search, a case page and, one request in five, logging a
    contact (a POST that creates a case, with the CSRF cookie and header a browser sends)."""
    from urllib.parse import urlencode

    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    session = SessionStore()
    session["_auth_user_id"] = str(manager.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = manager.get_session_auth_hash()
    session.create()
    port = 8765
    env = dict(
        os.environ,
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-" * 10),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_COOKIES="0",
        STATIC_MANIFEST="0",
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            "3",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    csrf = get_random_string(32)
    cookie = f"sessionid={session.session_key}; csrftoken={csrf}"
    contact = urlencode(_contact_form(person_id, "Benchmark enquiry (throughput)")).encode()
    reads = [
        reverse("case_list"),
        reverse("home"),
        reverse("person_search") + "?q=Smith",
        reverse("case_detail", args=[busy_reference]),
    ]
    urls = reads[:2] + [None] + reads[2:]  # None: the write
    counts = {"ok": 0, "errors": 0, "writes": 0}
    lock = threading.Lock()
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        deadline = time.monotonic() + seconds

        def client(n):
            i = n
            while time.monotonic() < deadline:
                url = urls[i % len(urls)]
                headers = {"Cookie": cookie}
                if url is None:
                    headers["X-CSRFToken"] = csrf
                    headers["Content-Type"] = "application/x-www-form-urlencoded"
                request = urllib.request.Request(
                    f"http://127.0.0.1:{port}{url or reverse('log_contact')}",
                    data=contact if url is None else None,
                    headers=headers,
                )
                i += 1
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        ok = response.status == 200
                except OSError:
                    ok = False
                with lock:
                    counts["ok" if ok else "errors"] += 1
                    counts["writes"] += ok and url is None

        threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(timeout=10)
    return {
        "seconds": round(elapsed, 1),
        "clients": 6,
        "requests": counts["ok"],
        "writes": counts["writes"],
        "errors": counts["errors"],
        "requests_per_second": round(counts["ok"] / elapsed, 1),
    }


def _print(results: dict, out):
    out.write(
        f"\n{results['cases']:,} cases on {results['machine']['database']}, "
        f"{results['iterations']} runs each\n"
    )
    out.write(
        f"{'operation':<40}{'median':>9}{'p95':>9}{'max':>9}{'queries':>9}{'floor':>9}"
        f"{'budget':>9}  met\n"
    )
    for r in results["operations"]:
        floor = f"{r['floor_ms']:.1f}" if r["floor_ms"] is not None else "-"
        budget = r["budget_ms"]
        met = "-" if budget is None else ("yes" if r["p95_ms"] <= budget else "NO")
        out.write(
            f"{r['operation']:<40}{r['median_ms']:>9.1f}{r['p95_ms']:>9.1f}"
            f"{r['max_ms']:>9.1f}{r['queries']:>9}{floor:>9}{budget or '-':>9}  {met}\n"
        )
    if results["throughput"]:
        t = results["throughput"]
        out.write(
            f"throughput: {t['requests_per_second']} requests/s over {t['seconds']} s "
            f"with {t['clients']} clients ({t['writes']} contacts logged), "
            f"{t['errors']} errors\n"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data set, few runs")
    parser.add_argument("--cases", type=int, default=None)
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--throughput-seconds", type=int, default=None)
    args = parser.parse_args(argv)
    cases = args.cases or (2000 if args.quick else 200000)
    iterations = args.iterations or (5 if args.quick else 30)
    seconds = (
        args.throughput_seconds
        if args.throughput_seconds is not None
        else (3 if args.quick else 20)
    )
    if args.database_url.startswith("postgres"):
        _ensure_database(args.database_url)
    _setup_django(args.database_url)
    results = run(
        quick=args.quick,
        cases=cases,
        iterations=iterations,
        seed=args.seed,
        throughput_seconds=seconds,
    )
    path = ROOT / "bench" / "results.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Results written to {path}")


if __name__ == "__main__":
    main()
