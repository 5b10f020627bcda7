"""The "where we have sent the complaint" letter now goes out when a referral is sent, so its
default wording gains what the referral knows: which part went, and the organisation's dates.

As in 0004 the wording is copied here, not imported. Only a template still holding the 0004
default is changed: an administrator's own wording is kept as it is.
"""

from django.db import migrations
from django.utils import timezone

SIGN_OFF = """Yours sincerely,

{{ signatory }}
On behalf of {{ organisation_name }}"""

BEFORE = (
    """# Your complaint: reference {{ reference }}

Dear {{ recipient_name }},

Thank you for your complaint, which we received on {{ received_date }}.

Your complaint is about services provided by {{ referred_to_name|default:"another organisation" }}. With your agreement, we have sent the details of your complaint to them, so that they can look into it and respond to you directly. Under the NHS complaints regulations, your complaint is treated as if you had made it to them.
{% if referred_to_address %}
Their address is:
{{ referred_to_address }}
{% endif %}
They should contact you to acknowledge your complaint. If you do not hear from them, or you would like to talk about this, please contact us, quoting the reference {{ reference }}.

"""  # noqa: E501
    + SIGN_OFF
)

AFTER = (
    """# Your complaint: reference {{ reference }}

Dear {{ recipient_name }},

Thank you for your complaint, which we received on {{ received_date }}.

{% if referred_part %}Part of your complaint ({{ referred_part }}) is{% else %}Your complaint is{% endif %} about services provided by {{ referred_to_name|default:"another organisation" }}. With your agreement, we have sent the details of {% if referred_part %}that part{% else %}your complaint{% endif %} to them, so that they can look into it and respond to you directly. Under the NHS complaints regulations, it is treated as if you had made it to them.
{% if referred_to_address %}
Their address is:
{{ referred_to_address }}
{% endif %}
{% if referral_acknowledgement_due_date %}They should acknowledge it by {{ referral_acknowledgement_due_date }} and aim to respond by {{ referral_response_due_date }}.{% else %}They should contact you to acknowledge your complaint.{% endif %} If you do not hear from them, or you would like to talk about this, please contact us, quoting the reference {{ reference }}.

If you are not happy with their response, you can ask the Parliamentary and Health Service Ombudsman to look at it.

"""  # noqa: E501
    + SIGN_OFF
)


def _swap(apps, old, new, why):
    LetterTemplate = apps.get_model("casework", "LetterTemplate")
    HistoricalLetterTemplate = apps.get_model("casework", "HistoricalLetterTemplate")
    template = LetterTemplate.objects.filter(kind="referral_notice").first()
    if template is None or template.body.strip() != old.strip():
        return
    template.body = new
    template.save(update_fields=["body"])
    # Signals do not run in migrations; write the history row by hand, as 0004 does.
    HistoricalLetterTemplate.objects.create(
        id=template.pk,
        kind=template.kind,
        name=template.name,
        body=new,
        is_active=template.is_active,
        history_date=timezone.now(),
        history_type="~",
        history_change_reason=why,
    )


def forwards(apps, schema_editor):
    _swap(apps, BEFORE, AFTER, "Default wording: says which part went, and the dates")


def backwards(apps, schema_editor):
    _swap(apps, AFTER, BEFORE, "Default wording restored")


class Migration(migrations.Migration):
    dependencies = [("casework", "0007_referral_notice_letter")]

    operations = [migrations.RunPython(forwards, backwards)]
