"""Reads over people, contacts and the organisations directory."""

import re
from datetime import date, datetime

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


def search_people(query: str, people: QuerySet[Person] | None = None) -> QuerySet[Person]:
    """People matching what an officer typed: an NHS number, a date of birth, a phone number,
    a postcode (whole or outward part), or a name ("Smith", "Jo Smith", "Smith, Jo").

    Each term must match; a term is tried against every field it could plausibly be. Pass
    `people` to search only within those (views pass `casework.access.people_visible_to`).
    """
    query = (query or "").strip()
    if not query:
        return Person.objects.none()
    people = people if people is not None else Person.objects.all()
    digits = normalise_nhs_number(query)
    if len(digits) == 10 and not re.search(r"[A-Za-z/]", query):
        # Ten digits is an NHS number or a phone number without the leading 0.
        return people.filter(Q(nhs_number=digits) | Q(phone__contains=digits))
    day = parse_date(query)
    if day:
        return people.filter(date_of_birth=day)
    if len(digits) >= 6 and re.fullmatch(r"[\d\s+()-]+", query):
        return people.filter(phone__contains=digits)
    upper = query.upper()
    if POSTCODE_RE.match(upper):
        compact = upper.replace(" ", "")
        if len(compact) >= 5:
            return people.filter(postcode__iexact=f"{compact[:-3]} {compact[-3:]}")
        return people.filter(postcode__istartswith=f"{compact} ")
    # Ordered by the upper-cased names: the same order people read, and one no plain index
    # supplies, so the planner matches the names through their expression indexes and sorts
    # the matches rather than walking every name in alphabetical order to find them.
    people = people.order_by(Upper("family_name"), Upper("given_name"), "pk")
    terms = [t for t in re.split(r"[\s,]+", query) if t]
    for term in terms:
        term_day = parse_date(term)
        if term_day:
            people = people.filter(date_of_birth=term_day)
        else:
            people = people.filter(
                Q(family_name__istartswith=term) | Q(given_name__istartswith=term)
            )
    return people


def lookup_organisations(query: str, limit: int = LOOKUP_LIMIT) -> QuerySet[Organisation]:
    """Up to `limit` organisations for what was typed into an organisation field: ODS codes
    starting with it, and names containing every word of it. Open organisations come first,
    then an exact code, codes starting with it, names starting with it, and the rest by name.

    Fewer than LOOKUP_MIN_LENGTH characters match nothing (one letter would match thousands).
    On PostgreSQL both conditions are served by indexes (contacts migration 0008: the ODS
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
