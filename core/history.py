"""Saving a record with the who and why that django-simple-history writes on its history row.

Every service write goes through here, so no history row is left without the acting user
and the reason: `save_with_reason` for a save, and `stamp_reason` first where a change to a
many-to-many field (subjects, staff groups, named staff) writes history rows of its own
before the save. Bulk writes (the legacy import) stamp each object the same way by hand.
"""


def stamp_reason(obj, by, reason: str):
    """Record `by` (a user, or None for the system) and `reason` on every history row `obj`
    writes from now on: its save, and any change to its tracked many-to-many fields."""
    obj._change_reason = reason
    obj._history_user = by
    return obj


def save_with_reason(obj, by, reason: str, **kwargs) -> None:
    """Save `obj`, recording `by` and `reason` on the history row this save writes."""
    stamp_reason(obj, by, reason).save(**kwargs)
