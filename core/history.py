"""Saving a record with the who and why that django-simple-history writes on its history row.

Every service write goes through here, so no history row is left without the acting user
and the reason: `save_with_reason` for a save, and `stamp_reason` first where a change to a
many-to-many field (subjects, staff groups, named staff) writes history rows of its own
before the save. Bulk writes (the legacy import) stamp each object the same way by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RecordT = TypeVar("RecordT", bound=models.Model)


def stamp_reason(obj: RecordT, by: User | None, reason: str) -> RecordT:
    """Record `by` (a user, or None for the system) and `reason` on every history row `obj`
    writes from now on: its save, and any change to its tracked many-to-many fields."""
    # simple_history reads these per-instance attributes; no model (and no stub) declares them.
    obj._change_reason = reason  # type: ignore[attr-defined]
    obj._history_user = by  # type: ignore[attr-defined]
    return obj


def save_with_reason(obj: models.Model, by: User | None, reason: str, **kwargs: Any) -> None:
    """Save `obj`, recording `by` and `reason` on the history row this save writes."""
    stamp_reason(obj, by, reason).save(**kwargs)
