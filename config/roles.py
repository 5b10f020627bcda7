"""The five staff roles, as Django groups (created by casework migration
0003_roles_and_permissions), and the checks.

Every view names the roles that may use it with `role_required`; case data is further scoped
to the user's teams by `Case.objects.visible_to(user)`. Commissioners see aggregates only: no
view that shows a person, a contact or free text lists them.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

CUSTOMER_CARE = "Customer care officer"
INVESTIGATOR = "Investigator"
MANAGER = "Complaints manager"
COMMISSIONER = "Commissioner"
ADMINISTRATOR = "Administrator"

ALL_ROLES = (CUSTOMER_CARE, INVESTIGATOR, MANAGER, COMMISSIONER, ADMINISTRATOR)
# Roles that work with identifiable case data.
CASEWORK_ROLES = (CUSTOMER_CARE, INVESTIGATOR, MANAGER)
# Roles that see every case of the unit, not only their own team's.
UNIT_WIDE_ROLES = (CUSTOMER_CARE, MANAGER)


def roles_of(user) -> frozenset[str]:
    """The role names the user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cached = getattr(user, "_pals_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            # A superuser administers the system and may stand in as a manager; they are
            # never treated as a commissioner, whose view is the narrowest.
            names |= {ADMINISTRATOR, MANAGER}
        cached = frozenset(names & set(ALL_ROLES))
        user._pals_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def can_see_cases(user) -> bool:
    return has_role(user, *CASEWORK_ROLES)


def role_required(*roles: str):
    """Require sign-in and at least one of `roles`; anyone else gets 403 Forbidden."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator


def roles_context(request):
    """Template context: what the signed-in user may see, for navigation."""
    roles = roles_of(getattr(request, "user", None))
    return {
        "user_roles": roles,
        "can_see_cases": bool(roles & set(CASEWORK_ROLES)),
        "is_manager": MANAGER in roles,
        "is_commissioner": COMMISSIONER in roles,
        "is_administrator": ADMINISTRATOR in roles,
        "can_see_reports": bool(roles & {MANAGER, COMMISSIONER}),
        "can_see_referral_register": bool(roles & set(UNIT_WIDE_ROLES)),
        # The triage queue holds contacts no case scopes yet, so only unit-wide roles work it.
        "can_triage": bool(roles & set(UNIT_WIDE_ROLES)),
        "ORGANISATION_NAME": settings.ORGANISATION_NAME,
    }
