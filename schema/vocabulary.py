"""The shipped vocabularies (9 Cs, quadrants, spectrum levels, ERIC, Proctor, I-STEM, ...),
read from the JSON files in ``vocabularies/``, and the `Scheme` and `Term` types that the
declared extensions (`stakegraph.schema.extensions`) add to.

A scheme that defines the method (the 9 Cs, the quadrants, the spectrum, the life-cycle, ERIC,
Proctor...) is closed; the ones marked ``"open": true`` (sector, activity type, CFIR role,
engagement mode) take an organisation's own terms. Shipped terms are never removed."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from stakegraph.schema.model import Label

VOCABULARY_DIR = Path(__file__).parent / "vocabularies"

# Schemes whose terms are also entities that activities and projects link to.
ENTITY_SCHEMES: dict[str, Label] = {
    "eric": Label.STRATEGY,
    "proctor_outcome": Label.OUTCOME,
    "istem_outcome": Label.OUTCOME,
    "support_outcome": Label.OUTCOME,
    "istem_objective": Label.OBJECTIVE,
}


SHIPPED = "shipped"
DECLARED = "declared"


@dataclass(frozen=True)
class Term:
    """One term of a scheme; ``origin`` says whether it ships with stakegraph or an
    organisation declared it."""

    scheme: str
    code: str
    label: str
    definition: str
    order: int
    broader: str | None
    extra: dict[str, Any] = field(default_factory=dict)
    origin: str = SHIPPED

    @property
    def id(self) -> str:
        """Returns the node id of the term: ``scheme:code``."""
        return f"{self.scheme}:{self.code}"


@dataclass(frozen=True)
class Scheme:
    """A vocabulary: its terms in order and where it comes from."""

    name: str
    title: str
    description: str
    ordered: bool
    sources: tuple[str, ...]
    terms: tuple[Term, ...]
    open: bool = False
    origin: str = SHIPPED

    @property
    def codes(self) -> tuple[str, ...]:
        """Returns the term codes in order."""
        return tuple(t.code for t in self.terms)

    def term(self, code: str) -> Term:
        """Returns the term with this code."""
        for t in self.terms:
            if t.code == code:
                return t
        raise KeyError(f"{self.name} has no term {code!r}")

    def closest(self, value: str, n: int = 3) -> list[str]:
        """Returns up to ``n`` codes (or labels' codes) that look most like ``value``."""
        wanted = value.strip().lower()
        by_label = {t.label.lower(): t.code for t in self.terms}
        candidates = list(self.codes) + list(by_label)
        found = difflib.get_close_matches(wanted, candidates, n=n * 2, cutoff=0.5)
        seen: list[str] = []
        for hit in found:
            code = by_label.get(hit, hit)
            if code not in seen:
                seen.append(code)
        return seen[:n] or list(self.codes[:n])

    def resolve(self, value: str) -> str | None:
        """Returns the code for a code, a label or a ``scheme:code`` id (any case), else None."""
        wanted = value.strip().lower()
        if wanted.startswith(self.name + ":"):
            wanted = wanted[len(self.name) + 1 :]
        for t in self.terms:
            if wanted in (t.code, t.label.lower()):
                return t.code
        norm = wanted.replace("-", "_").replace(" ", "_")
        return norm if norm in self.codes else None


def _read_scheme(path: Path) -> Scheme:
    data = json.loads(path.read_text(encoding="utf-8"))
    name = data["scheme"]
    terms = []
    for position, raw in enumerate(data["concepts"], start=1):
        known = {"code", "label", "definition", "order", "broader"}
        terms.append(
            Term(
                scheme=name,
                code=raw["code"],
                label=raw["label"],
                definition=raw.get("definition", ""),
                order=int(raw.get("order", position)),
                broader=raw.get("broader"),
                extra={k: v for k, v in raw.items() if k not in known},
            )
        )
    return Scheme(
        name=name,
        title=data.get("title", name),
        description=data.get("description", ""),
        ordered=bool(data.get("ordered", False)),
        sources=tuple(data.get("sources", ())),
        terms=tuple(terms),
        open=bool(data.get("open", False)),
    )


@lru_cache(maxsize=1)
def schemes() -> dict[str, Scheme]:
    """Returns every shipped scheme by name."""
    return {s.name: s for s in map(_read_scheme, sorted(VOCABULARY_DIR.glob("*.json")))}


def scheme(name: str) -> Scheme:
    """Returns one shipped scheme."""
    return schemes()[name]


def with_terms(base: Scheme, added: tuple[Term, ...]) -> Scheme:
    """Returns ``base`` with ``added`` after its own terms (numbered on from its last)."""
    start = max((t.order for t in base.terms), default=0)
    numbered = tuple(
        Term(base.name, t.code, t.label, t.definition, start + i, None, origin=DECLARED)
        for i, t in enumerate(added, start=1)
    )
    return Scheme(base.name, base.title, base.description, base.ordered, base.sources,
                  base.terms + numbered, base.open, base.origin)
