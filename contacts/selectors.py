"""Reads over people, contacts and the organisations directory."""

import re
from datetime import date, datetime

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Upper

from .models import Organisation, Person
from .validators import normalise_nhs_number, normalise_ods_code

POSTCODE_RE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}$|^[A-Z]{1,2}\d[A-Z\d]?$")
# The organisation lookup answers every keystroke: a few characters at least, a short list.
LOOKUP_MIN_LENGTH = 2
LOOKUP_LIMIT = 20
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")


def parse_date(text: str) -> date | None:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


# The order people read: family name, then given name, whatever their case (pk breaks ties).
NAME_ORDER = (Upper("family_name"), Upper("given_name"), "pk")


def search_people(query: str, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People matching what an officer typed: an NHS number, a date of birth, a phone number,
    a postcode (whole or outward part), or a name ("Smith", "Jo Smith", "Smith, Jo").

    Each term must match; a term is tried against every field it could plausibly be. Pass
    `people` to search only within those (views pass `casework.access.people_visible_to`).
    """
    people = people if people is not None else Person.objects.all()
    match, names = _match(query)
    if match is None:
        return people.none()
    people = people.filter(match)
    # Ordered by the upper-cased names: the same order people read, and one no plain index
    # supplies, so the planner matches the names through their expression indexes and sorts
    # the matches rather than walking every name in alphabetical order to find them.
    return people if names is None else people.order_by(*NAME_ORDER)


def first_people_ids(query: str, limit: int) -> list[int]:
    """The ids of the first `limit` people `search_people(query)` finds, in its order.

    A name is matched against the family name or the given name; with that OR the database
    reads every match's row from the table before sorting (12,700 rows for a common surname
    at national scale). On PostgreSQL a name's two kinds of match are therefore found
    apart, each read in full from its own index (contacts migration 0002 covers the names and
    id), and joined with a UNION: the first `limit` of either kind, sorted together.
    """
    match, names = _match(query)
    if match is None:
        return []
    people = Person.objects.filter(match)
    if names is None:
        return list(people.values_list("pk", flat=True)[:limit])
    if not names or not connection.features.supports_slicing_ordering_in_compound:
        return list(people.order_by(*NAME_ORDER).values_list("pk", flat=True)[:limit])
    keys = {"family_key": NAME_ORDER[0], "given_key": NAME_ORDER[1]}
    order = ("family_key", "given_key", "pk")

    def first_of(matching: Q):
        return (
            people.filter(matching)
            .annotate(**keys)
            .order_by(*order)
            .values_list("pk", *keys)[:limit]
        )

    # Every name must match, so either kind of match of any one of them will do: the longest
    # ("Okafor" in "Jo Okafor") is likely to have the fewest to read.
    name = max(names, key=len)
    either = first_of(Q(family_name__istartswith=name)).union(
        first_of(Q(given_name__istartswith=name))
    )
    return [pk for pk, *_ in either.order_by(*order)[:limit]]


def _match(query: str) -> tuple[Q | None, list[str] | None]:
    """The condition `search_people` filters on (None to match no one), and the name terms
    when the query is a search by name (None for a number, date or postcode)."""
    query = (query or "").strip()
    if not query:
        return None, None
    digits = normalise_nhs_number(query)
    if len(digits) == 10 and not re.search(r"[A-Za-z/]", query):
        # Ten digits is an NHS number or a phone number without the leading 0.
        return Q(nhs_number=digits) | Q(phone__contains=digits), None
    day = parse_date(query)
    if day:
        return Q(date_of_birth=day), None
    if len(digits) >= 6 and re.fullmatch(r"[\d\s+()-]+", query):
        return Q(phone__contains=digits), None
    upper = query.upper()
    if POSTCODE_RE.match(upper):
        compact = upper.replace(" ", "")
        if len(compact) >= 5:
            return Q(postcode__iexact=f"{compact[:-3]} {compact[-3:]}"), None
        return Q(postcode__istartswith=f"{compact} "), None
    match = Q()
    names = []
    for term in re.split(r"[\s,]+", query):
        if not term:
            continue
        term_day = parse_date(term)
        if term_day:
            match &= Q(date_of_birth=term_day)
        else:
            match &= Q(family_name__istartswith=term) | Q(given_name__istartswith=term)
            names.append(term)
    return match, names


def lookup_organisations(query: str, limit: int = LOOKUP_LIMIT) -> QuerySet[Organisation]:
    """Up to `limit` organisations for what was typed into an organisation field: ODS codes
    starting with it, and names containing every word of it. Open organisations come first,
    then an exact code, codes starting with it, names starting with it, and the rest by name.

    Fewer than LOOKUP_MIN_LENGTH characters match nothing (one letter would match thousands).
    On PostgreSQL both conditions are served by indexes (contacts migration 0002: the ODS
    code's pattern index and a trigram index on the upper-cased name); the LIMIT bounds the rest.
    """
    words = (query or "").split()
    text = " ".join(words)
    if len(text) < LOOKUP_MIN_LENGTH:
        return Organisation.objects.none()
    match = Q()
    for word in words:
        match &= Q(name__icontains=word)
    code = normalise_ods_code(text)
    rank = [When(name__istartswith=text, then=Value(3))]
    if code.isalnum():
        # Codes are stored upper-case, so a case-sensitive prefix can use the code's index.
        match |= Q(ods_code__startswith=code)
        rank = [
            When(ods_code=code, then=Value(1)),
            When(ods_code__startswith=code, then=Value(2)),
            *rank,
        ]
    return (
        Organisation.objects.filter(match)
        .annotate(
            closed_rank=Case(
                When(closed_on__isnull=True, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            match_rank=Case(*rank, default=Value(4), output_field=IntegerField()),
        )
        .order_by("closed_rank", "match_rank", "name", "pk")[:limit]
    )
