"""What is wrong with a load: one `Problem` per bad cell, row, column or file."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from stakegraph.schema.errors import StakegraphError


@dataclass(frozen=True)
class Problem:
    """One problem in the input: where it is, the offending value and what was expected.

    ``row`` counts as a spreadsheet user does (the header is row 1, the first data row is 2);
    for a JSON document it is the JSON path of the object (``$.ties[3]``). It is None for a
    problem with a whole file, sheet or column header.
    """

    file: str
    row: int | str | None
    column: str | None
    value: str | None
    expected: str

    def as_dict(self) -> dict[str, Any]:
        """Returns the problem as a JSON-ready dict."""
        return asdict(self)


class ValidationFailed(StakegraphError):
    """Raised before anything is written when the input has problems; ``problems`` lists all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"{len(problems)} {noun} in the input; nothing was written",
                         problems=[p.as_dict() for p in problems])
