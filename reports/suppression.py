"""Small-number suppression for figures shown to commissioners."""


def suppress(count: int) -> str:
    """Counts from 1 to 4 could identify a person in a small service: show them as "<5"."""
    return "<5" if 1 <= count <= 4 else str(count)
