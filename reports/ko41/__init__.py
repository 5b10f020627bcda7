"""The national KO41 written complaints returns, in one place: `codes` holds the coded lists
(subjects, service areas, professions, age bands and their sources), `returns` counts the
KO41a/KO41b returns from them. The returns' functions are re-exported here, so callers write
`from reports import ko41` and `ko41.ko41_return(...)`."""

from .returns import (
    KO41B_TYPES,
    NOT_RECORDED,
    RETURN_NAMES,
    KO41Error,
    Line,
    UnitReturn,
    check_return_type,
    find_organisation,
    ko41_return,
    ko41_unit_return,
    parse_year,
    to_csv,
    unit_to_csv,
)

__all__ = [
    "KO41B_TYPES",
    "NOT_RECORDED",
    "RETURN_NAMES",
    "KO41Error",
    "Line",
    "UnitReturn",
    "check_return_type",
    "find_organisation",
    "ko41_return",
    "ko41_unit_return",
    "parse_year",
    "to_csv",
    "unit_to_csv",
]
