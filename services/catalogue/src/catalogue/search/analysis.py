"""How text becomes index terms, and how a learner's query becomes clauses.

Two analyzers: ``STEM`` (English stemming and stop words: "engineer" and "engineering" meet) for
ranked matching, and ``PLAIN`` (lower-cased, accents folded, no stemming) for fuzzy matching and
type-ahead, where the user's own letters matter.

The query language is small and cannot fail: words must all match, ``"quoted words"`` must match
as a phrase, ``-word`` or ``-"some words"`` must not match. Every other character is a separator,
so no input (``&|!:*()~^[]{}``, NUL, a lone quote) is ever a syntax error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import tantivy

STEM = "cat_stem"
PLAIN = "cat_plain"
MAX_TERM_CHARS = 40
MAX_CLAUSES = 16
NEAR_POSTCODE = re.compile(
    r"(?:^|\s)near\s+(?P<postcode>[A-Za-z]{1,2}[0-9][A-Za-z0-9]?(?:\s*[0-9][A-Za-z]{2})?)\s*$",
    re.IGNORECASE,
)


@cache
def analyzers() -> dict[str, tantivy.TextAnalyzer]:
    def base() -> tantivy.TextAnalyzerBuilder:
        return (
            tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(MAX_TERM_CHARS))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
        )

    return {
        STEM: base()
        .filter(tantivy.Filter.stopword("english"))
        .filter(tantivy.Filter.stemmer("english"))
        .build(),
        PLAIN: base().build(),
    }


def stem_tokens(text: str) -> list[tuple[int, str]]:
    """``(position, term)`` pairs; positions keep the gaps stop words leave, for phrases."""
    tokens = analyzers()[STEM].pre_tokenize(text).tokens
    if not tokens:
        return []
    first = tokens[0].position
    return [(t.position - first, t.text) for t in tokens]


def plain_tokens(text: str) -> list[str]:
    return analyzers()[PLAIN].analyze(text)


@dataclass(frozen=True)
class Clause:
    """One part of the query: a word or a quoted phrase, wanted or excluded."""

    text: str
    negated: bool = False
    quoted: bool = False

    @property
    def terms(self) -> list[tuple[int, str]]:
        return stem_tokens(self.text)


@dataclass(frozen=True)
class TextQuery:
    clauses: tuple[Clause, ...]

    @property
    def wanted(self) -> list[Clause]:
        return [c for c in self.clauses if not c.negated and c.terms]

    @property
    def excluded(self) -> list[Clause]:
        return [c for c in self.clauses if c.negated and c.terms]

    @property
    def is_empty(self) -> bool:
        return not self.wanted and not self.excluded


def parse(q: str) -> TextQuery:
    """Split a query into clauses. Total: every string parses."""
    clauses: list[Clause] = []
    i, n = 0, len(q)
    while i < n and len(clauses) < MAX_CLAUSES:
        ch = q[i]
        if ch.isspace():
            i += 1
            continue
        negated = False
        if ch == "-":
            negated = True
            i += 1
            if i >= n or q[i].isspace():
                continue
        if q[i] == '"':
            end = q.find('"', i + 1)
            end = n if end < 0 else end
            clauses.append(Clause(q[i + 1 : end], negated=negated, quoted=True))
            i = end + 1
            continue
        start = i
        while i < n and not q[i].isspace() and q[i] != '"':
            i += 1
        clauses.append(Clause(q[start:i], negated=negated))
    return TextQuery(tuple(c for c in clauses if c.text.strip()))


def split_near(q: str) -> tuple[str, str | None]:
    """'engineering near HU1' -> ('engineering', 'HU1'); otherwise (q, None)."""
    match = NEAR_POSTCODE.search(q)
    if not match:
        return q, None
    return q[: match.start()].strip(), match.group("postcode")
