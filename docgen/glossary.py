"""Special terms explained (procedure 2.4): which of a glossary's terms a text uses, and which acronyms it leaves unexplained.

Pure functions over text, no I/O. A term matches as a whole word: an acronym (``CAMHS``, ``GP``) only in
capitals, any other term (``core group``, ``step down``) in any case, with a hyphen or spaces between its
words; a plural matches too (``GPs``, ``core groups``), and a section of the Children Act its common ways of
being written (``s47``, ``s.47``, ``S47``, ``section 47``). Where terms overlap, the longest wins
(``child in need plan`` before ``child in need``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

__all__ = ["ACRONYM", "Glossary", "acronyms", "explains", "is_acronym", "terms_in", "words_we_use"]

#: a glossary: each term and its explanations, ``plain`` for adults and ``child`` for a child
Glossary = Mapping[str, Mapping[str, str]]

#: an acronym (DESIGN.md): a word of two to six capital letters, digits allowed, starting with a letter
ACRONYM = re.compile(r"(?<![\w&'-])([A-Z][A-Z0-9]{1,5})(?:s|'s)?(?![\w&]|-\w|'\w)")
_SECTION = re.compile(r"[sS](\d{1,3}[A-Z]?)")
_BEFORE, _AFTER = r"(?<![\w-])", r"(?!\w|-\w)"  # whole words: "CIN-2026-04" is a reference, not the term CIN
# addresses and links are not prose: their capitals are no acronyms
_NOT_PROSE = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b")


def is_acronym(term: str) -> bool:
    """Whether a glossary term is an acronym (matched in capitals only), such as ``CAMHS`` or ``S47``."""
    return bool(re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", term))


def _term_pattern(term: str) -> str:
    """The regular expression for one term and its common variants (without the whole-word guards)."""
    section = _SECTION.fullmatch(term.strip())
    if section:
        return rf"(?i:s\.? ?|section ){re.escape(section.group(1))}"
    if is_acronym(term):
        return rf"{re.escape(term)}(?:s|'s)?"
    words = [re.escape(w) for w in term.split()]
    last = words[-1]
    plural = rf"(?:{last[:-1]}(?:y|ies)|{last})" if last.endswith("y") else rf"{last}(?:s|es|'s)?"
    return "(?i:" + r"[\s-]+".join([*words[:-1], plural]) + ")"


@lru_cache(maxsize=32)
def _matcher(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One pattern for every term, longest first so that a longer term wins where two start at the same place."""
    if not terms:
        return None
    ordered = sorted(range(len(terms)), key=lambda i: -len(terms[i]))
    branches = "|".join(f"(?P<t{i}>{_term_pattern(terms[i])})" for i in ordered)
    return re.compile(f"{_BEFORE}(?:{branches}){_AFTER}")


def _terms(glossary: Glossary) -> tuple[str, ...]:
    return tuple(term for term in glossary if not term.startswith("$"))


def terms_in(glossary: Glossary, texts: Iterable[str]) -> list[str]:
    """The glossary's terms the texts use, each once, in the order they first appear."""
    terms = _terms(glossary)
    matcher = _matcher(terms)
    if matcher is None:
        return []
    found: list[str] = []
    for text in texts:
        for match in matcher.finditer(text):
            term = terms[int(str(match.lastgroup)[1:])]
            if term not in found:
                found.append(term)
    return found


def words_we_use(glossary: Glossary, texts: Iterable[str], *, child: bool = False) -> list[dict[str, str]]:
    """The "Words we use" list for a document: each term it uses with its explanation (``child``: the one a child can follow)."""
    kind = "child" if child else "plain"
    return [{"term": term, "meaning": str(glossary[term][kind])} for term in terms_in(glossary, texts)]


def explains(glossary: Glossary, word: str) -> bool:
    """Whether the glossary explains ``word`` (``S47`` is explained by ``s47``, ``GPs`` by ``GP``)."""
    matcher = _matcher(_terms(glossary))
    return matcher is not None and matcher.fullmatch(word) is not None


def acronyms(text: str) -> list[str]:
    """The acronyms in a text, each once, in order; email and web addresses and postcodes are not read."""
    prose = _NOT_PROSE.sub(" ", text)
    found: list[str] = []
    for match in ACRONYM.finditer(prose):
        if match.group(1) not in found:
            found.append(match.group(1))
    return found
