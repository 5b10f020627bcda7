"""Domain errors raised by services; views turn them into messages, never HTTP errors."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .selectors import HistoryEntry


class CaseworkError(Exception):
    """A request the rules refuse; the message is shown to the user as it is."""


class TransitionNotAllowed(CaseworkError):
    """An attempt to move a case (or a referral) to a state it may not move to from where it
    is, or to take an action its state does not allow."""


class RoleNotAllowed(CaseworkError):
    """An action the acting user's role may not take (the workflow table names the roles)."""


class EditConflict(CaseworkError):
    """Someone else saved the case after this editor opened it (optimistic locking).
    `changes` are the history entries since (who changed what), for the editor to see."""

    def __init__(self, *, current_version: int, changes: list[HistoryEntry]) -> None:
        self.current_version = current_version
        self.changes = changes
        names = sorted({c.by for c in changes}) or ["someone else"]
        super().__init__(
            f"{' and '.join(names)} changed this case while you were editing it. Your changes "
            "have not been saved: check their changes below, then save again to keep yours."
        )
