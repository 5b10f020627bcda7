"""Seed a default letter template for each kind of letter, in plain English.

The wording is copied here rather than imported so this migration means the same thing
whenever it runs. Only missing kinds are added, so an administrator's edits are never
overwritten. A line starting with "# " is a heading; a blank line starts a new paragraph.
"""

from django.db import migrations
from django.utils import timezone

PHSO = (
    "If you are not satisfied with our response, you have the right to ask the Parliamentary "
    "and Health Service Ombudsman (PHSO) to look at your complaint. The Ombudsman is "
    "independent of the NHS and its service is free. You can call the Ombudsman's helpline on "
    "0345 015 4033 or visit www.ombudsman.org.uk. The Ombudsman usually expects you to "
    "contact them within 12 months of becoming aware of the problem."
)

SIGN_OFF = """Yours sincerely,

{{ signatory }}
On behalf of {{ organisation_name }}"""

ADVOCACY = (
    "You can get free, independent help with your complaint from your local NHS complaints "
    "advocacy service. Your local council can tell you who provides it in your area."
)

DEFAULT_TEMPLATES = {
    "acknowledgement": (
        "Acknowledgement of a complaint",
        f"""# Your complaint: reference {{{{ reference }}}}

Dear {{{{ recipient_name }}}},

Thank you for your complaint, which we received on {{{{ received_date }}}}. This letter is to let you know that we have received it and will look into it. Please quote the reference {{{{ reference }}}} whenever you contact us about it.

# Talking about how we will handle your complaint

We would like to talk with you about how we will look into your complaint, what you would like to happen as a result, and how long it is likely to take us to finish our investigation and send you our response (this is called the "response period"). Please call or write to us, using your reference, so that we can arrange a time to talk that suits you.

If we do not agree a different date with you, we will send you our full response by {{{{ response_due_date }}}}. If we find we need longer, we will explain why and agree a new date with you before then.

{ADVOCACY}

{SIGN_OFF}""",
    ),
    "consent_request": (
        "Request for the patient's consent",
        """# Complaint reference {{ reference }}: we need consent

Dear {{ recipient_name }},

We received a complaint on {{ received_date }} made on behalf of {{ patient_name }}{% if complainant_name and complainant_name != patient_name %} by {{ complainant_name }}{% endif %}.

To look into a complaint made on someone else's behalf we need the written consent of the person it is about. This protects their privacy: our investigation will involve their personal and health information, and we can only share it with the person acting for them if they agree.

Please ask {{ patient_name }} to confirm in writing that they are happy for {{ complainant_name|default:"the person making the complaint" }} to make this complaint for them and for us to share information about their care with that person. A signed letter is enough. Please quote the reference {{ reference }}.

If {{ patient_name }} has died, is a child, or is not able to give consent, please tell us, and we will explain what happens next.

We will start our investigation as soon as we receive consent. If you have any questions, please contact us.

"""
        + SIGN_OFF,
    ),
    "response_period": (
        "The response period we have set",
        """# Your complaint: reference {{ reference }}

Dear {{ recipient_name }},

When we acknowledged your complaint, received on {{ received_date }}, we offered to talk with you about how we would look into it and how long it was likely to take.

As we have not been able to have that conversation, we have decided the response period ourselves, as the NHS complaints regulations require. We will send you our full response by {{ response_due_date }}.

If our investigation needs longer, we will write to explain why and tell you when you can expect our response. You can still contact us at any time to talk about your complaint, quoting the reference {{ reference }}.

"""
        + SIGN_OFF,
    ),
    "holding": (
        "Holding letter: no response within six months",
        f"""# Your complaint: reference {{{{ reference }}}}

Dear {{{{ recipient_name }}}},

We received your complaint on {{{{ received_date }}}}. We are sorry that we have not yet been able to send you our full response, and that it has now been more than six months.

# Why our response is delayed

{{{{ reason }}}}

# What happens next

We are continuing to look into your complaint and will send you our full response as soon as we reasonably can. We will keep you informed of our progress. If you would like to talk about this, please contact us, quoting the reference {{{{ reference }}}}.

If you are unhappy with how long this is taking, you can ask the Parliamentary and Health Service Ombudsman (PHSO) to consider it. You can call the Ombudsman's helpline on 0345 015 4033 or visit www.ombudsman.org.uk.

{SIGN_OFF}""",
    ),
    "out_of_time": (
        "Complaint made after the time limit",
        f"""# Your complaint: reference {{{{ reference }}}}

Dear {{{{ recipient_name }}}},

Thank you for your complaint, which we received on {{{{ received_date }}}}.

The NHS complaints regulations say that a complaint must be made within 12 months of the events it is about or, if later, within 12 months of the date you became aware of them.{{% if event_date %}} Your complaint is about events on {{{{ event_date }}}}, and the time limit ended on {{{{ time_limit_date }}}}.{{% endif %}}

We can still look into a complaint made after this time if there were good reasons for the delay and it is still possible to investigate it effectively and fairly. We have considered this carefully.

# Our decision

{{{{ reason }}}}

For these reasons we will not be investigating your complaint under the NHS complaints regulations. We are sorry to give you this news.

{PHSO}

{SIGN_OFF}""",
    ),
    "best_interests": (
        "Representative not acting in the patient's best interests",
        f"""# Complaint reference {{{{ reference }}}}

Dear {{{{ recipient_name }}}},

We received a complaint on {{{{ received_date }}}} made on behalf of {{{{ patient_name }}}}.

When a complaint is made on behalf of a child, or of a person who is not able to make it themselves, the NHS complaints regulations say we must be satisfied that the person making it is acting in their best interests.

# Our decision

We are not satisfied that this complaint is being made in the best interests of {{{{ patient_name }}}}, for these reasons:

{{{{ reason }}}}

This means we will not consider the complaint. This does not stop {{{{ patient_name }}}}, or someone else acting in their best interests, from making a complaint.

{PHSO}

{SIGN_OFF}""",
    ),
    "final_response": (
        "Final response to a complaint",
        f"""# Our response to your complaint: reference {{{{ reference }}}}

Dear {{{{ recipient_name }}}},

Thank you for your complaint, which we received on {{{{ received_date }}}}. We have now finished looking into it, and this letter is our full response.

# How we looked into your complaint

{{{{ how_considered }}}}

# What we found

{{{{ conclusions }}}}

# What we are doing as a result

{{{{ actions }}}}

We hope this response answers the concerns you raised. If you would like to talk about it, or if anything in it is unclear, please contact us, quoting the reference {{{{ reference }}}}.

# If you are still unhappy

{PHSO}

{SIGN_OFF}""",
    ),
    "referral_notice": (
        "Where we have sent the complaint",
        """# Your complaint: reference {{ reference }}

Dear {{ recipient_name }},

Thank you for your complaint, which we received on {{ received_date }}.

Your complaint is about services provided by {{ referred_to_name|default:"another organisation" }}. With your agreement, we have sent the details of your complaint to them, so that they can look into it and respond to you directly. Under the NHS complaints regulations, your complaint is treated as if you had made it to them.
{% if referred_to_address %}
Their address is:
{{ referred_to_address }}
{% endif %}
They should contact you to acknowledge your complaint. If you do not hear from them, or you would like to talk about this, please contact us, quoting the reference {{ reference }}.

"""
        + SIGN_OFF,
    ),
}


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("casework", "LetterTemplate")
    HistoricalLetterTemplate = apps.get_model("casework", "HistoricalLetterTemplate")
    existing = set(LetterTemplate.objects.values_list("kind", flat=True))
    now = timezone.now()
    for kind, (name, body) in DEFAULT_TEMPLATES.items():
        if kind in existing:
            continue
        template = LetterTemplate.objects.create(kind=kind, name=name, body=body)
        # Signals do not run in migrations; write the first history row by hand.
        HistoricalLetterTemplate.objects.create(
            id=template.pk,
            kind=kind,
            name=name,
            body=body,
            is_active=True,
            history_date=now,
            history_type="+",
            history_change_reason="Default wording",
        )


class Migration(migrations.Migration):
    dependencies = [("casework", "0003_roles_and_permissions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
