"""Letter pages: generate a letter from a case, download its PDF, record that it was sent.

Like every view of a case, each is a `@case_access` view: the role checked, the case found
only within `Case.objects.visible_to(user)` (a case, or a letter, outside the user's scope is
a 404, the same as a missing one) and the view recorded. Refusals from
`casework.letters.services` are shown on the form with everything chosen kept.
"""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from casework import selectors
from casework.access import case_access, serve_private_file
from casework.exceptions import CaseworkError
from casework.letters.forms import GenerateLetterForm, MarkSentForm
from casework.letters.models import Letter, LetterKind
from casework.letters.services import generate_letter, mark_letter_sent
from casework.models import Case, CaseParty
from config.roles import CASEWORK_ROLES


def _with_people(user):
    parties = CaseParty.objects.select_related("person")
    return Case.objects.prefetch_related(Prefetch("parties", queryset=parties))


def _letter(case, pk) -> Letter:
    letter = case.letters.select_related("case", "sent_by").filter(pk=pk).first()
    if letter is None:
        raise Http404("No such letter on this case.")
    return letter


def _letters_tab(case) -> str:
    return reverse("case_detail", args=[case.reference]) + "#letters"


@case_access(*CASEWORK_ROLES, queryset=_with_people)
def letter_new(request, case):
    people = selectors.people_on_case(case)
    initial = {}
    if request.GET.get("kind") in LetterKind.values:
        initial["kind"] = request.GET["kind"]
    if len(people) == 1:
        initial["recipient"] = people[0].person.pk
    form = GenerateLetterForm(request.POST or None, people=people, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        extra = {"reason": data["reason"]} if data["reason"].strip() else {}
        try:
            letter = generate_letter(
                case,
                data["kind"],
                recipient=data["recipient_person"],
                by=request.user,
                at=timezone.now(),
                extra=extra,
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{letter.template.name} generated for {letter.recipient_name}. Download it "
                "from the Letters tab, and mark it as sent when it has gone out.",
            )
            return redirect(_letters_tab(case))
    return render(
        request, "casework/letter_new.html", {"case": case, "form": form, "people": people}
    )


@case_access(*CASEWORK_ROLES, action=None)
def letter_download(request, case, pk):
    letter = _letter(case, pk)
    return serve_private_file(
        request,
        letter.pdf,
        letter.download_name,
        case=case,
        object_id=letter.pk,
        content_type="application/pdf",
    )


@case_access(*CASEWORK_ROLES)
def letter_mark_sent(request, case, pk):
    letter = _letter(case, pk)
    form = MarkSentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mark_letter_sent(
                letter,
                by=request.user,
                at=timezone.now(),
                method=form.cleaned_data["method"],
                sent_on=form.cleaned_data["sent_on"],
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{letter} marked as sent.")
            return redirect(_letters_tab(letter.case))
    return render(
        request,
        "casework/letter_mark_sent.html",
        {"case": letter.case, "letter": letter, "form": form},
    )
