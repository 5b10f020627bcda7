"""Saving a record with the who and why that django-simple-history writes on its history row.

Every write in contacts and casework that is not a plain request edit goes through
`save_with_reason`, so no history row is left without the acting user and the reason.
"""


def save_with_reason(obj, by, reason: str, **kwargs) -> None:
    """Save `obj`, recording `by` (a user, or None for the system) and `reason` on the
    history row this save writes."""
    obj._change_reason = reason
    obj._history_user = by
    obj.save(**kwargs)
