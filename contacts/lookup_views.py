"""The organisation lookup behind every organisation field's autocomplete (contacts.fields).

`GET /organisations/lookup/?q=riverside` answers `{"results": [{ods_code, name, type, closed}]}`,
at most LOOKUP_LIMIT rows, open organisations first. It is for the roles that use the
organisation pages (`casework.referrals.organisation_views`): the casework roles. Commissioners and
administrators are refused, as they are on those pages; their organisation fields (the report
filters) are plain text inputs that take an ODS code or a name.
"""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from config.roles import CASEWORK_ROLES, role_required

from .selectors import lookup_organisations


@require_GET
@role_required(*CASEWORK_ROLES)
def organisation_lookup(request):
    results = [
        {
            "ods_code": org.ods_code,
            "name": org.name,
            "type": org.get_org_type_display(),
            "closed": org.closed_on is not None,
        }
        for org in lookup_organisations(request.GET.get("q", ""))
    ]
    response = JsonResponse({"results": results})
    # Per user (the role check), and the directory changes when an ODS file is imported.
    response["Cache-Control"] = "private, max-age=60"
    return response
