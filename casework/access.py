"""Who sees what, and the record of who looked: the one place views go through.

- `case_access(*roles, action=...)` — the decorator for every view under `cases/<reference>/`:
  it checks the role (as `role_required`), fetches the case scoped by
  `Case.objects.visible_to(user)` (a case out of scope — another team's, or restricted to
  named staff — is a 404, exactly like a missing one), records the access, and calls the view
  with `case=` instead of `reference=`.
- `person_access(*roles, action=...)` — the same for `people/<pk>/` views, scoped by
  `people_visible_to(user)`.
- `people_visible_to(user)` — the people a user may find or open.
- `find_people(user, query, limit)` — the first people a search finds that the user may see.
- `record_access(request, action, ...)` — one AccessLog row; call it for every download and
  export (or use `serve_private_file`, which does).
- `serve_private_file(request, file, filename, ...)` — the only way a stored file (upload,
  letter, referral pack or response) leaves the system: records the download and returns an
  attachment FileResponse that no cache keeps.

See docs/architecture.md ("Who sees what") and docs/decisions/0006-access-control-and-audit.md.
"""

import mimetypes
from functools import wraps

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, Http404
from django.utils import timezone

from casework.records.models import AccessAction, AccessLog
from config.roles import CASEWORK_ROLES, UNIT_WIDE_ROLES, has_role, role_required
from contacts.models import Contact, Person
from contacts.selectors import first_people_ids, search_people
from core.client_address import client_ip

from .models import Case, CaseParty, on_visible_cases

VIEW = AccessAction.VIEW
DOWNLOAD = AccessAction.DOWNLOAD
EXPORT = AccessAction.EXPORT


def record_access(
    request,
    action: str,
    *,
    object_type: str,
    object_id,
    case: Case | None = None,
    detail: str = "",
) -> AccessLog:
    """Append one row to the access log: who (the signed-in user), when, what
    (`action` on `object_type` `object_id`, and the case it concerns), and from where."""
    if action in (DOWNLOAD, EXPORT):
        request._download_logged = True
    return AccessLog.objects.create(
        at=timezone.now(),
        user=request.user if request.user.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id)[:64],
        case=case,
        detail=detail[:200],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )


def visible_case_or_404(user, reference: str, queryset: QuerySet[Case] | None = None) -> Case:
    """The case with this reference if `user` may see it; otherwise 404, so an out-of-scope
    reference looks exactly like one that does not exist."""
    cases = queryset if queryset is not None else Case.objects.all()
    try:
        return cases.visible_to(user).get(reference=reference)
    except Case.DoesNotExist:
        raise Http404("No case with that reference, or it is not one you can see.") from None


def case_access(*roles: str, action: str | None = VIEW, queryset=None):
    """Decorator for a view of one case: `@case_access(*CASEWORK_ROLES)` on
    `def view(request, case, ...)`, routed as `cases/<str:reference>/...`.

    `action=None` records nothing (for form pages whose GET shows nothing the case page does
    not, and whose POST is recorded in history); `queryset` may be a callable taking the user
    and returning the scoped queryset to fetch from (e.g. with the page's prefetches)."""

    def decorator(view):
        @role_required(*roles)
        @wraps(view)
        def wrapped(request, *args, reference, **kwargs):
            base = queryset(request.user) if callable(queryset) else None
            case = visible_case_or_404(request.user, reference, base)
            if action and request.method == "GET":
                record_access(request, action, object_type="case", object_id=reference, case=case)
            return view(request, *args, case=case, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def people_visible_to(user, pk=None, *, pks=None) -> QuerySet[Person]:
    """The people a user may find and open: for investigators, those on (or who made a contact
    on) a case they can see; for the unit-wide roles, everyone except people known *only*
    through restricted cases they are not named on; for anyone else, nobody. With `pk` (one
    person) or `pks` (a few, such as a page of search results), just those people (if
    visible), checked with lookups on their own rows alone."""
    people = Person.objects.all()
    parties = CaseParty.objects.all()
    # A contact may have no person; a NULL among the ids a NOT IN tests would hide everyone.
    contacts = Contact.objects.filter(person__isnull=False)
    if pk is not None or pks is not None:
        # Only these people's own parties and contacts are read, whatever the query plan.
        pks = [pk] if pks is None else pks
        people = people.filter(pk__in=pks)
        parties = parties.filter(person__in=pks)
        contacts = contacts.filter(person__in=pks)
    if has_role(user, *UNIT_WIDE_ROLES):
        # Hidden: on a restricted case the user is not named on, and on no case they can see.
        # The people on hidden cases are found from those few cases (a partial index holds
        # them) once per query, or from the given people's own rows; only for the people on
        # them is "also on a case they can see" checked, row by row with indexed lookups.
        # Nothing reads the million visible cases.
        named = Case.restricted_to.through.objects.filter(user=user).values("case_id")
        hidden_cases = Case.objects.filter(restricted=True).exclude(pk__in=named).values("pk")
        on_hidden = Q(pk__in=parties.filter(case__in=hidden_cases).values("person_id")) | Q(
            pk__in=contacts.filter(case__in=hidden_cases).values("person_id")
        )
        on_visible = Exists(
            on_visible_cases(CaseParty.objects.filter(person=OuterRef("pk")), user)
        ) | Exists(on_visible_cases(Contact.objects.filter(person=OuterRef("pk")), user))
        return people.filter(~on_hidden | on_visible)
    if has_role(user, *CASEWORK_ROLES):
        return people.filter(
            Q(pk__in=on_visible_cases(parties, user).values("person_id"))
            | Q(pk__in=on_visible_cases(contacts, user).values("person_id"))
        )
    return Person.objects.none()


def find_people(user, query: str, limit: int = 50) -> list[Person]:
    """The first `limit` people `contacts.selectors.search_people(query)` finds that `user`
    may see, in the search's order.

    Scoping every match costs more than finding them (12,700 people share a common surname at
    national scale, and the people on hidden cases are gathered from every restricted case),
    while a unit-wide user may see nearly all of them. So the first 2 × `limit` matches are
    found unscoped, from the indexes alone, and only those are checked, row by row: a visible
    person beyond them comes after them in the order. Only when more than `limit` of them are
    hidden (an investigator, who sees only the people on their teams' cases) is the whole
    search scoped.
    """
    candidates = first_people_ids(query, 2 * limit)
    people = list(search_people(query, people_visible_to(user, pks=candidates))[:limit])
    if len(people) < limit and len(candidates) == 2 * limit:
        people = list(search_people(query, people_visible_to(user))[:limit])
    return people


def person_access(*roles: str, action: str | None = VIEW):
    """Decorator for a view of one person: `def view(request, person, ...)`, routed as
    `people/<int:pk>/...`; 404 for anyone the user may not see; the view is recorded."""

    def decorator(view):
        @role_required(*roles)
        @wraps(view)
        def wrapped(request, *args, pk, **kwargs):
            person = people_visible_to(request.user, pk=pk).first()
            if person is None:
                raise Http404("No such person, or not one you can see.")
            if action and request.method == "GET":
                record_access(request, action, object_type="person", object_id=pk)
            return view(request, *args, person=person, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def serve_private_file(
    request,
    file,
    filename: str,
    *,
    case: Case | None = None,
    object_type: str = "",
    object_id="",
    content_type: str | None = None,
) -> FileResponse:
    """Send a stored (private) file — an upload, a letter, a referral pack — as a download,
    after recording it in the access log.

    The caller has already checked the user may see it (use it inside a `case_access` view).
    Always an attachment, with nosniff set globally, so a browser never renders an upload as
    a page of ours; never kept in a shared or browser cache, as it identifies a patient. A
    file missing from storage is a 404 that says so, not a server error."""
    try:
        file.open("rb")
    except FileNotFoundError:
        raise Http404(
            f"{filename} is missing from file storage. Ask your system administrator to "
            "restore it from backup."
        ) from None
    match = request.resolver_match
    record_access(
        request,
        DOWNLOAD,
        object_type=object_type or (match.view_name if match else "file"),
        object_id=object_id or filename,
        case=case,
        detail=filename,
    )
    guessed = content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(file, as_attachment=True, filename=filename, content_type=guessed)
    response["Cache-Control"] = "private, no-store"
    return response


class DownloadAuditMiddleware:
    """Records every file a signed-in user downloads — letters, referral packs, attachments,
    report CSV and Excel exports, KO41 returns, subject access exports — in the access log,
    whichever view produced it: any successful response sent as an attachment counts. A view
    that already logged its download (serve_private_file, record_access) is not logged twice.
    Report downloads are aggregate exports; the rest are downloads of one case's files."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        disposition = response.get("Content-Disposition", "")
        user = getattr(request, "user", None)
        if (
            response.status_code == 200
            and disposition.startswith("attachment")
            and user is not None
            and user.is_authenticated
            and not getattr(request, "_download_logged", False)
        ):
            match = request.resolver_match
            reference = match.kwargs.get("reference") if match else None
            case = Case.objects.filter(reference=reference).first() if reference else None
            view_name = match.view_name if match else "download"
            filename = disposition.partition("filename=")[2].strip('"') or request.path
            record_access(
                request,
                EXPORT if view_name.startswith("reports:") else DOWNLOAD,
                object_type=view_name,
                object_id=reference or filename,
                case=case,
                detail=filename,
            )
        return response
