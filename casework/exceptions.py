"""Domain errors raised by services; views turn them into messages, never HTTP errors."""

from .workflow import TransitionNotAllowed


class CaseworkError(Exception):
    """A request the rules refuse; the message is shown to the user as it is."""


class EditConflict(CaseworkError):
    """Someone else saved the case after this editor opened it (optimistic locking).
    `changes` are the history entries since (who changed what), for the editor to see."""

    def __init__(self, *, current_version: int, changes: list):
        self.current_version = current_version
        self.changes = changes
        names = sorted({c.by for c in changes}) or ["someone else"]
        super().__init__(
            f"{' and '.join(names)} changed this case while you were editing it. Your changes "
            "have not been saved: check their changes below, then save again to keep yours."
        )


__all__ = ["CaseworkError", "EditConflict", "TransitionNotAllowed"]
