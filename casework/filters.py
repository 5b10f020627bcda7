"""The case list filters (django-filter)."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q

from contacts.fields import OrganisationFilter

from .models import Case, CaseParty, Subject, Team
from .workflow import CaseKind, Status


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        help_text="Reference, a word from the description, or a person's name",
    )
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=Status.choices, empty_label="Any status")
    # Any organisation, closed ones too: old cases are about organisations that have closed.
    organisation = OrganisationFilter(label="Organisation")
    subject = django_filters.ModelChoiceFilter(
        field_name="subjects", queryset=Subject.objects.all(), empty_label="Any subject"
    )
    team = django_filters.ModelChoiceFilter(queryset=Team.objects.all(), empty_label="Any team")
    assignee = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        empty_label="Anyone",
    )
    received_after = django_filters.DateFilter(
        field_name="received_on",
        lookup_expr="gte",
        label="Received from",
        help_text="For example, 01/04/2026",
    )
    received_before = django_filters.DateFilter(
        field_name="received_on",
        lookup_expr="lte",
        label="Received to",
        help_text="For example, 31/03/2027",
    )

    class Meta:
        model = Case
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("received_after", "received_before"):
            self.form.fields[name].error_messages["invalid"] = "Enter a real date, like 01/04/2026"
        self.form.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.username

    def search(self, queryset, name, value):
        """A case reference (ours or the old system's), a word from the description, or the
        start of a person's last name. Each kind of match is its own indexed lookup (the
        unique reference, the legacy reference, a trigram index on the description and the
        people's name index on PostgreSQL) and the case ids are joined by a UNION, so no
        search reads every case."""
        value = value.strip()
        if not value:
            return queryset
        ids = [
            Case.objects.filter(reference=value.upper()),
            Case.objects.filter(legacy_reference=value),
            Case.objects.filter(description__icontains=value),
        ]
        names = Q()
        for term in value.split():
            names |= Q(person__family_name__istartswith=term)
        matches = (
            ids[0]
            .order_by()
            .values("pk")
            .union(
                *(q.order_by().values("pk") for q in ids[1:]),
                CaseParty.objects.filter(names).order_by().values("case_id"),
            )
        )
        return queryset.filter(pk__in=matches)
