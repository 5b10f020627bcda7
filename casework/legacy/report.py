"""What an import found and did: refused rows with every reason, problems grouped by kind,
already-imported cases that differ, and the cases arriving open."""

import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from casework.legacy.reading import Problem


@dataclass
class RowError:
    line: int
    legacy_ref: str
    reason: str
    problems: list[Problem] = field(default_factory=list)


@dataclass
class ProblemGroup:
    """Every row with the same fault: what is wrong, how to fix it, and where."""

    summary: str
    advice: str
    lines: list[int]

    @property
    def rows(self) -> int:
        return len(self.lines)


@dataclass
class Difference:
    """A row whose legacy reference is already imported, with details the case lacks or that
    disagree with it. `repaired`: the gaps were (or, in a dry run, would be) filled in;
    otherwise `why_not` says why the case was left as it is."""

    line: int
    legacy_ref: str
    reference: str
    changes: list[str]
    repaired: bool
    why_not: str = ""

    @property
    def reason(self) -> str:
        details = "; ".join(self.changes)
        if self.repaired:
            return f"already imported as {self.reference}, with less: repaired ({details})"
        return (
            f"already imported as {self.reference} with different details ({details}): "
            f"not changed, because {self.why_not}"
        )


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    duplicates: int = 0
    people_created: int = 0
    errors: list[RowError] = field(default_factory=list)
    differences: list[Difference] = field(default_factory=list)
    # Of the cases imported (or, in a dry run, to be imported), by kind: how many arrive open,
    # how many of those are already past their deadline, and how many the [closing] rule
    # resolved as historic.
    arriving_open: Counter = field(default_factory=Counter)
    arriving_overdue: Counter = field(default_factory=Counter)
    resolved_as_historic: int = 0
    dry_run: bool = False
    strict: bool = False

    @property
    def to_import(self) -> int:
        return self.rows - self.already_imported - self.duplicates - len(self.errors)

    @property
    def repaired(self) -> list[Difference]:
        return [d for d in self.differences if d.repaired]

    @property
    def left_as_they_are(self) -> list[Difference]:
        return [d for d in self.differences if not d.repaired]

    def problem_groups(self) -> list[ProblemGroup]:
        """Every problem of every refused row, grouped by kind, the commonest first."""
        groups: dict[tuple[str, str], ProblemGroup] = {}
        for error in self.errors:
            for problem in error.problems:
                key = (problem.summary, problem.advice)
                group = groups.setdefault(key, ProblemGroup(problem.summary, problem.advice, []))
                if error.line not in group.lines:
                    group.lines.append(error.line)
        return sorted(groups.values(), key=lambda g: (-g.rows, g.summary))

    @property
    def missing_organisations(self) -> dict[str, int]:
        """ODS codes the directory does not have, with the number of rows naming each."""
        counts = Counter(
            problem.value
            for error in self.errors
            for problem in error.problems
            if problem.column == "organisation_ods_code" and problem.value
        )
        return dict(counts.most_common())

    def write_csv(self, path: str | Path) -> None:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["line", "legacy_ref", "reason"])
            rows = [(e.line, e.legacy_ref, e.reason) for e in self.errors]
            rows += [(d.line, d.legacy_ref, d.reason) for d in self.differences]
            writer.writerows(sorted(rows))
