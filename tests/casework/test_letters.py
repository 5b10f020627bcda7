"""Letters: every kind renders a real PDF with the right wording; the refusals a user would
meet (no address, an incomplete final response, a broken or edited template) save nothing;
downloads are scoped by role and team; every letter's history says who and why."""

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from casework import services
from casework.exceptions import CaseworkError
from casework.letters.models import Letter, LetterKind, LetterTemplate
from casework.letters.services import generate_letter, long_date, mark_letter_sent
from casework.models import Case, PartyRole, Relationship
from casework.workflow import CaseKind, ContactMethod
from tests.factories import CaseFactory, OrganisationFactory, PersonFactory, TeamFactory

pytestmark = pytest.mark.django_db

PHSO = "Parliamentary and Health Service Ombudsman"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Letters are written through Django's storage API into a throwaway folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def pdf_text(data: bytes, tmp_path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it, with whitespace collapsed."""
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def letter_pdf_text(letter: Letter, tmp_path: Path) -> str:
    with letter.pdf.open("rb") as handle:
        return pdf_text(handle.read(), tmp_path)


def stored_files(media) -> list[Path]:
    return [p for p in Path(media).rglob("*") if p.is_file()]


@pytest.fixture
def jo(db):
    return PersonFactory(
        title="",
        given_name="Jo",
        family_name="Bloggs",
        address="14 Park Row\nLeeds",
        postcode="LS1 5HD",
    )


@pytest.fixture
def case(officer, jo):
    return CaseFactory(
        kind=CaseKind.COMPLAINT, person=jo, by=officer, received_on=dt.date(2026, 11, 2)
    )


def set_case(case, **fields) -> Case:
    """Stand-in for the workflow services (built separately) that record these fields."""
    Case.objects.filter(pk=case.pk).update(**fields)
    return Case.objects.get(pk=case.pk)


RESPONSE = {
    "response_how_considered": "We read your letter and spoke to the ward sister.",
    "response_conclusions": "Your mother waited four hours for pain relief. That was wrong.",
    "response_actions": "The ward now checks pain scores every hour.",
}


def _add_carer(case, officer):
    carer = PersonFactory(
        given_name="Sam", family_name="Carer", address="2 Mill Lane\nLeeds", postcode="LS2 7AA"
    )
    services.add_party(
        case, carer, PartyRole.REPRESENTATIVE, by=officer, relationship=Relationship.CARER
    )
    return carer


# kind → (what to set up, extra details, recipient: "jo" or "carer", wording a reader must see)
KINDS = {
    LetterKind.ACKNOWLEDGEMENT: (
        {},
        {},
        "jo",
        [
            "Thank you for your complaint, which we received on Monday 2 November 2026",
            "response period",
            "we will send you our full response by Saturday 1 May 2027",
            "talk with you about how we will look into your complaint",
        ],
    ),
    LetterKind.CONSENT_REQUEST: (
        {},
        {},
        "carer",
        ["made on behalf of Jo Bloggs", "written consent", "Please ask Jo Bloggs to confirm"],
    ),
    LetterKind.RESPONSE_PERIOD: (
        {"response_due": dt.date(2027, 1, 29)},
        {},
        "jo",
        ["we have decided the response period ourselves", "by Friday 29 January 2027"],
    ),
    LetterKind.HOLDING: (
        {},
        {"reason": "We are still waiting for the independent clinical review."},
        "jo",
        ["more than six months", "We are still waiting for the independent clinical review."],
    ),
    LetterKind.OUT_OF_TIME: (
        {
            "event_date": dt.date(2024, 6, 3),
            "out_of_time": True,
            "time_limit_reasons": "The staff involved have left and no records remain.",
        },
        {},
        "jo",
        [
            "within 12 months",
            "Your complaint is about events on Monday 3 June 2024",
            "the time limit ended on Tuesday 3 June 2025",
            "The staff involved have left and no records remain.",
            PHSO,
        ],
    ),
    LetterKind.BEST_INTERESTS: (
        {},
        {"reason": "Jo has told us directly that they do not want this complaint made."},
        "carer",
        ["best interests", "do not want this complaint made", "we will not consider"],
    ),
    LetterKind.FINAL_RESPONSE: (
        RESPONSE,
        {},
        "jo",
        [
            "How we looked into your complaint",
            RESPONSE["response_how_considered"],
            "What we found",
            RESPONSE["response_conclusions"],
            "What we are doing as a result",
            RESPONSE["response_actions"],
            PHSO,
            "0345 015 4033",
            "www.ombudsman.org.uk",
        ],
    ),
    LetterKind.REFERRAL_NOTICE: (
        {},
        {},
        "jo",
        ["Riverside Surgery", "we have sent the details of your complaint to them"],
    ),
}


def test_every_letter_kind_has_a_seeded_template():
    assert set(LetterTemplate.objects.filter(is_active=True).values_list("kind", flat=True)) == set(
        LetterKind.values
    )


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_letter_is_a_pdf_with_the_reference_recipient_and_wording(
    kind, case, officer, jo, tmp_path
):
    setup, extra, to, wording = KINDS[kind]
    if kind == LetterKind.REFERRAL_NOTICE:
        setup = {"organisation": OrganisationFactory(name="Riverside Surgery")}
    case = set_case(case, **setup) if setup else case
    carer = _add_carer(case, officer)
    recipient = carer if to == "carer" else jo

    letter = generate_letter(
        case, kind, recipient=recipient, by=officer, at=timezone.now(), extra=extra
    )

    with letter.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    text = letter_pdf_text(letter, tmp_path)
    assert case.reference in text
    assert recipient.full_name in text
    assert "Leeds" in text
    assert "Patient Advice and Complaints Service" in text
    for phrase in wording:
        assert phrase in text, f"{phrase!r} missing from the {kind} letter"
    # The stored text is what was printed, and no placeholder was left unfilled.
    assert letter.text and "{{" not in letter.text and "{%" not in letter.text
    assert letter.recipient_name == recipient.full_name


def test_the_pdf_is_stored_under_a_path_nobody_can_guess(case, officer, jo):
    first = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    second = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    for letter in (first, second):
        assert case.reference not in letter.pdf.name
        assert "Bloggs" not in letter.pdf.name
        assert letter.pdf.name.startswith("letters/")
    assert first.pdf.name != second.pdf.name


def test_the_printed_address_adds_the_postcode_once(case, officer, jo, tmp_path):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    assert letter.recipient_address == "14 Park Row\nLeeds\nLS1 5HD"
    assert letter_pdf_text(letter, tmp_path).count("LS1 5HD") == 1


def test_dates_are_written_out_in_full():
    assert long_date(dt.date(2025, 1, 9)) == "Thursday 9 January 2025"


# Refusals: a clear message, and nothing saved (no row, no file).


def test_a_recipient_without_a_postal_address_is_refused(case, officer, jo, media):
    jo.address = ""
    jo.save()
    with pytest.raises(CaseworkError, match="Add Jo Bloggs's postal address before generating"):
        generate_letter(
            case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
        )
    assert not Letter.objects.exists()
    assert stored_files(media) == []


@pytest.mark.parametrize(
    "blank, named",
    [
        ("response_how_considered", "how the complaint was considered"),
        ("response_conclusions", "the conclusions reached"),
        ("response_actions", "the action taken or to be taken"),
    ],
)
def test_a_final_response_missing_a_part_is_refused_naming_it(
    case, officer, jo, media, blank, named
):
    case = set_case(case, **{**RESPONSE, blank: ""})
    with pytest.raises(CaseworkError) as refused:
        generate_letter(
            case, LetterKind.FINAL_RESPONSE, recipient=jo, by=officer, at=timezone.now()
        )
    assert named in str(refused.value)
    assert "reg 14(2)" in str(refused.value)
    assert not Letter.objects.exists()
    assert stored_files(media) == []


def test_a_final_response_missing_every_part_names_them_all(case, officer, jo):
    with pytest.raises(CaseworkError) as refused:
        generate_letter(
            case, LetterKind.FINAL_RESPONSE, recipient=jo, by=officer, at=timezone.now()
        )
    message = str(refused.value)
    assert (
        "how the complaint was considered, the conclusions reached and the action taken or "
        "to be taken" in message
    )


def _edit_template(kind, body, by):
    template = LetterTemplate.objects.get(kind=kind)
    template.body = body
    template._change_reason = "Edited by the test"
    template._history_user = by
    template.save()
    return template


def test_a_final_response_template_edited_without_the_ombudsman_paragraph_is_refused(
    case, officer, administrator, jo, media
):
    template = LetterTemplate.objects.get(kind=LetterKind.FINAL_RESPONSE)
    _edit_template(
        LetterKind.FINAL_RESPONSE,
        template.body.replace(PHSO, "health watchdog"),
        administrator,
    )
    case = set_case(case, **RESPONSE)
    with pytest.raises(CaseworkError) as refused:
        generate_letter(
            case, LetterKind.FINAL_RESPONSE, recipient=jo, by=officer, at=timezone.now()
        )
    assert PHSO in str(refused.value)
    assert "restore that paragraph" in str(refused.value)
    assert not Letter.objects.exists()
    assert stored_files(media) == []


def test_a_template_switched_off_is_refused(case, officer, jo):
    LetterTemplate.objects.filter(kind=LetterKind.ACKNOWLEDGEMENT).update(is_active=False)
    with pytest.raises(CaseworkError, match="no Acknowledgement .* letter template in use"):
        generate_letter(
            case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
        )
    assert not Letter.objects.exists()


@pytest.mark.parametrize(
    "body, message",
    [
        ("Dear {{ recipient_name }},\n{% if %}oops", "has a mistake"),
        ("Dear {{ recipient_name }},\n{% include 'base.html' %}", "could not be filled in"),
        ("Dear {{ recipient_name }}, your NHS number is {{ nhs_number }}", "{{ nhs_number }}"),
        ("{% load nhsuk %}Dear {{ recipient_name }}", "has a mistake"),
    ],
)
def test_a_broken_template_gives_a_message_an_administrator_can_act_on(
    case, officer, administrator, jo, body, message
):
    _edit_template(LetterKind.ACKNOWLEDGEMENT, body, administrator)
    with pytest.raises(CaseworkError) as refused:
        generate_letter(
            case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
        )
    assert message in str(refused.value)
    assert "administrator needs to correct it" in str(refused.value)
    assert not Letter.objects.exists()


def test_a_holding_letter_needs_the_reason_for_the_delay(case, officer, jo):
    with pytest.raises(CaseworkError, match="must say why"):
        generate_letter(case, LetterKind.HOLDING, recipient=jo, by=officer, at=timezone.now())
    assert not Letter.objects.exists()


def test_a_letter_to_someone_not_on_the_case_is_refused(case, officer):
    stranger = PersonFactory(address="1 High Street")
    with pytest.raises(CaseworkError, match="is not on case"):
        generate_letter(
            case, LetterKind.ACKNOWLEDGEMENT, recipient=stranger, by=officer, at=timezone.now()
        )


def test_a_letter_to_nobody_is_refused(case, officer):
    with pytest.raises(CaseworkError, match="Choose who the letter is to"):
        generate_letter(
            case, LetterKind.ACKNOWLEDGEMENT, recipient=None, by=officer, at=timezone.now()
        )
    assert not Letter.objects.exists()


# History: who and why.


def test_generating_and_sending_a_letter_is_in_its_history_with_who_and_why(
    case, officer, manager, jo
):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    mark_letter_sent(letter, by=manager, at=timezone.now(), method=ContactMethod.EMAIL)

    created, sent = letter.history.order_by("history_id")
    assert created.history_type == "+"
    assert created.history_user == officer
    assert created.history_change_reason == "Acknowledgement of a complaint generated for Jo Bloggs"
    assert sent.history_type == "~"
    assert sent.history_user == manager
    assert sent.history_change_reason.startswith("Sent by email on ")
    letter.refresh_from_db()
    assert letter.sent_by == manager and letter.sent_method == ContactMethod.EMAIL


def test_a_letter_cannot_be_marked_sent_twice(case, officer, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    mark_letter_sent(letter, by=officer, at=timezone.now(), method=ContactMethod.LETTER)
    with pytest.raises(CaseworkError, match="already marked as sent"):
        mark_letter_sent(letter, by=officer, at=timezone.now(), method=ContactMethod.EMAIL)
    assert letter.history.count() == 2


def test_a_letter_cannot_be_sent_before_it_was_generated(case, officer, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    with pytest.raises(CaseworkError, match="before it was generated"):
        mark_letter_sent(
            letter,
            by=officer,
            at=timezone.now(),
            method=ContactMethod.LETTER,
            sent_on=timezone.localdate() - dt.timedelta(days=3),
        )


def test_letters_are_never_deleted(case, officer, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    with pytest.raises(Exception, match="kept"):
        letter.delete()
    with pytest.raises(Exception, match="kept"):
        Letter.objects.all().delete()
    assert Letter.objects.count() == 1


# The pages.


def test_an_officer_generates_a_letter_from_the_case_page(officer_client, case, jo):
    url = reverse("letter_new", args=[case.reference])
    page = officer_client.get(url)
    assert page.status_code == 200
    assert "Jo Bloggs" in page.content.decode()

    response = officer_client.post(
        url, {"kind": LetterKind.ACKNOWLEDGEMENT, "recipient": jo.pk, "reason": ""}
    )

    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.reference}/#letters")
    letter = Letter.objects.get()
    assert letter.kind == LetterKind.ACKNOWLEDGEMENT and letter.recipient == jo
    case_page = officer_client.get(response["Location"]).content.decode()
    assert "Letters (1)" in case_page
    assert "Acknowledgement of a complaint generated for Jo Bloggs" in case_page
    assert reverse("letter_download", args=[case.reference, letter.pk]) in case_page


def test_the_refusal_is_shown_on_the_form_with_the_choices_kept(officer_client, case, jo):
    jo.address = ""
    jo.save()
    response = officer_client.post(
        reverse("letter_new", args=[case.reference]),
        {"kind": LetterKind.CONSENT_REQUEST, "recipient": jo.pk, "reason": "Typed text"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "Add Jo Bloggs&#x27;s postal address before generating a letter." in body
    assert f'value="{LetterKind.CONSENT_REQUEST}" checked' in body
    assert f'value="{jo.pk}" checked' in body
    assert "Typed text" in body
    assert not Letter.objects.exists()


def test_the_form_says_what_is_missing(officer_client, case):
    response = officer_client.post(
        reverse("letter_new", args=[case.reference]), {"kind": LetterKind.HOLDING}
    )
    body = response.content.decode()
    assert "Select who the letter is to" in body
    assert "Enter why the response is delayed" in body
    assert 'href="#id_recipient_0"' in body


def test_a_broken_template_is_a_message_on_the_form_not_a_server_error(
    officer_client, case, jo, administrator
):
    _edit_template(LetterKind.ACKNOWLEDGEMENT, "{% if %}", administrator)
    response = officer_client.post(
        reverse("letter_new", args=[case.reference]),
        {"kind": LetterKind.ACKNOWLEDGEMENT, "recipient": jo.pk},
    )
    assert response.status_code == 200
    assert "letter template has a mistake" in response.content.decode()


def test_the_download_is_the_pdf_named_after_the_case_and_kind(
    officer_client, case, officer, jo, tmp_path
):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    response = officer_client.get(reverse("letter_download", args=[case.reference, letter.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{case.reference}-acknowledgement.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert case.reference in pdf_text(b"".join(response.streaming_content), tmp_path)


def test_an_investigator_downloads_letters_of_their_teams_cases(
    client, case, officer, investigator, team, jo
):
    services.update_case_details(case, by=officer, reason="Allocated", team=team)
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    client.force_login(investigator)
    response = client.get(reverse("letter_download", args=[case.reference, letter.pk]))
    assert response.status_code == 200


def test_an_investigator_from_another_team_gets_not_found(client, case, officer, jo):
    from tests.conftest import _user_with_role

    other = _user_with_role("Investigator", "other-investigator")
    TeamFactory(name="Another team").members.add(other)
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    client.force_login(other)
    assert (
        client.get(reverse("letter_download", args=[case.reference, letter.pk])).status_code == 404
    )
    assert client.get(reverse("letter_new", args=[case.reference])).status_code == 404


def test_a_commissioner_is_forbidden_the_download(client, case, officer, commissioner, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    client.force_login(commissioner)
    assert (
        client.get(reverse("letter_download", args=[case.reference, letter.pk])).status_code == 403
    )
    assert client.get(reverse("letter_new", args=[case.reference])).status_code == 403


def test_a_letter_is_only_found_under_its_own_case(officer_client, case, officer, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    other_case = CaseFactory(kind=CaseKind.COMPLAINT, person=PersonFactory(), by=officer)
    url = reverse("letter_download", args=[other_case.reference, letter.pk])
    assert officer_client.get(url).status_code == 404


def test_marking_a_letter_sent_from_the_page(officer_client, case, officer, jo):
    letter = generate_letter(
        case, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now()
    )
    url = reverse("letter_mark_sent", args=[case.reference, letter.pk])
    future = (timezone.localdate() + dt.timedelta(days=2)).strftime("%d/%m/%Y")
    refused = officer_client.post(url, {"method": ContactMethod.LETTER, "sent_on": future})
    assert "The date sent must be today or in the past" in refused.content.decode()
    assert f'value="{future}"' in refused.content.decode()

    today = timezone.localdate().strftime("%d/%m/%Y")
    response = officer_client.post(url, {"method": ContactMethod.LETTER, "sent_on": today})
    assert response.status_code == 302
    letter.refresh_from_db()
    assert letter.sent_on == timezone.localdate() and letter.sent_by == officer
    page = officer_client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Sent</strong>" in page


def test_case_page_query_count_does_not_grow_with_letters(
    officer_client, officer, jo, django_assert_max_num_queries
):
    few = CaseFactory(kind=CaseKind.COMPLAINT, person=jo, by=officer)
    many = CaseFactory(kind=CaseKind.COMPLAINT, person=jo, by=officer)
    generate_letter(few, LetterKind.ACKNOWLEDGEMENT, recipient=jo, by=officer, at=timezone.now())
    for kind in (
        LetterKind.ACKNOWLEDGEMENT,
        LetterKind.CONSENT_REQUEST,
        LetterKind.RESPONSE_PERIOD,
    ):
        letter = generate_letter(many, kind, recipient=jo, by=officer, at=timezone.now())
    mark_letter_sent(letter, by=officer, at=timezone.now(), method=ContactMethod.LETTER)
    with django_assert_max_num_queries(40) as few_page:
        officer_client.get(reverse("case_detail", args=[few.reference]))
    with django_assert_max_num_queries(40) as many_page:
        officer_client.get(reverse("case_detail", args=[many.reference]))
    assert len(many_page.captured_queries) == len(few_page.captured_queries)


# The administrators' template editor.


def test_an_administrator_edits_a_template_with_a_reason_in_its_history(client, administrator):
    template = LetterTemplate.objects.get(kind=LetterKind.ACKNOWLEDGEMENT)
    client.force_login(administrator)
    url = reverse("admin:casework_lettertemplate_change", args=[template.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "recipient_name" in page.content.decode()  # the placeholders are listed

    response = client.post(
        url,
        {
            "kind": template.kind,
            "name": template.name,
            "is_active": "on",
            "body": template.body + "\n\nOur offices are open 9am to 5pm.",
            "change_reason": "Added our opening hours",
        },
    )
    assert response.status_code == 302
    latest = template.history.latest()
    assert latest.history_user == administrator
    assert latest.history_change_reason == "Added our opening hours"


@pytest.mark.parametrize(
    "kind, body, error",
    [
        (LetterKind.ACKNOWLEDGEMENT, "Dear {{ recipient_name }} {% if %}", "has a mistake"),
        (LetterKind.ACKNOWLEDGEMENT, "Dear {{ recipient_nme }}", "{{ recipient_nme }}"),
        (LetterKind.FINAL_RESPONSE, "Dear {{ recipient_name }}", "Keep that paragraph"),
    ],
)
def test_the_template_editor_refuses_wording_that_would_not_work(
    client, administrator, kind, body, error
):
    template = LetterTemplate.objects.get(kind=kind)
    client.force_login(administrator)
    response = client.post(
        reverse("admin:casework_lettertemplate_change", args=[template.pk]),
        {
            "kind": kind,
            "name": template.name,
            "is_active": "on",
            "body": body,
            "change_reason": "Trying",
        },
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    template.refresh_from_db()
    assert template.body != body


def test_administrators_cannot_delete_templates(client, administrator):
    template = LetterTemplate.objects.get(kind=LetterKind.ACKNOWLEDGEMENT)
    client.force_login(administrator)
    url = reverse("admin:casework_lettertemplate_delete", args=[template.pk])
    assert client.get(url).status_code == 403
