"""Domain errors raised by services; views turn them into messages, never HTTP errors."""

from .workflow import TransitionNotAllowed


class CaseworkError(Exception):
    """A request the rules refuse; the message is shown to the user as it is."""


__all__ = ["CaseworkError", "TransitionNotAllowed"]
