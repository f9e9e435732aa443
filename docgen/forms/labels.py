"""Matching the words printed on a form (titles, headers, field paths) to the schema's fields."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, lru_cache

from docgen.schema import Catalogue, Field, Group

__all__ = ["best_group", "group_field", "group_named", "label_key", "single_field"]

# Required fields are often marked "Meeting date *" or "Meeting date:"; both punctuation and case are noise.
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def label_key(text: str) -> str:
    """``text`` reduced to lower-case letters and digits, so "Chair's name:" and "chair_name" compare alike."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub("", folded.lower())


@cache
def _single_index(fields: Catalogue) -> dict[str, Field]:
    index: dict[str, Field] = {}
    for candidate in fields.fields:
        # The full path ("meeting.chair_name", so also "Meeting chair name") and the title name the field.
        for key in (candidate.path, candidate.title):
            index.setdefault(label_key(key), candidate)
    _add_second_names(index, fields.fields, lambda f: (f.name,) if "_" in f.name else ())
    return index


def _add_second_names(index: dict[str, Field], candidates: Iterable[Field], own_names: Callable[[Field], Iterable[str]]) -> None:
    """Adds each field's own name (``chair_name``: "Chair name") and its ``x-aliases`` ("DOB") to ``index``.

    These come after every path and title, never take a key another field already has, and a name two
    fields share names neither.
    """
    claims: dict[str, set[str]] = {}
    for candidate in candidates:
        for text in (*own_names(candidate), *candidate.aliases):
            key = label_key(text)
            if key and key not in index:
                claims.setdefault(key, set()).add(candidate.path)
    by_path = {candidate.path: candidate for candidate in candidates}
    for key, paths in claims.items():
        if len(paths) == 1:
            index[key] = by_path[next(iter(paths))]


@cache
def _group_index(fields: Catalogue, name: str) -> dict[str, Field]:
    group = group_named(fields, name)
    index: dict[str, Field] = {}
    if group is None:
        return index
    for candidate in group.fields:
        for key in (candidate.path, candidate.name, candidate.title):
            index.setdefault(label_key(key), candidate)
    _add_second_names(index, group.fields, lambda f: ())
    return index


# Forms are read against every known profile's fields (``Profiles.reading_catalogue``); the lookups are cached per catalogue.


@lru_cache(maxsize=4096)
def single_field(fields: Catalogue, label: str) -> Field | None:
    """The single (non-repeating) field of ``fields`` a label or field path names, or None."""
    key = label_key(label)
    return _single_index(fields).get(key) if key else None


@lru_cache(maxsize=4096)
def group_named(fields: Catalogue, label: str) -> Group | None:
    """The repeating group of ``fields`` a sheet name or heading names (its name or title), or None."""
    key = label_key(label)
    for group in fields.groups:
        if key in (label_key(group.name), label_key(group.title)):
            return group
    return None


@lru_cache(maxsize=4096)
def group_field(fields: Catalogue, group: str, label: str) -> Field | None:
    """The field of ``group`` a column header names (its name, path or title), or None."""
    key = label_key(label)
    return _group_index(fields, group).get(key) if key else None


def best_group(fields: Catalogue, headers: Iterable[str], hint: str = "") -> tuple[Group, dict[int, Field]] | None:
    """The repeating group whose fields a header row names best, with column index → field.

    ``hint`` is the nearest heading or sheet name; it settles ties such as a table whose only
    headers are "Agency" and "Contact", which several groups share.
    """
    cells = list(headers)
    hinted = group_named(fields, hint) if hint else None
    best: tuple[int, int, Group, dict[int, Field]] | None = None
    for group in fields.groups:
        columns = {i: f for i, text in enumerate(cells) if (f := group_field(fields, group.name, text)) is not None}
        if not columns:
            continue
        score = (len(set(columns.values())), int(hinted is group))
        if best is None or score > best[:2]:
            best = (*score, group, columns)
    if best is None:
        return None
    # One matching header in a wide table is a coincidence, not a group table.
    if best[0] < 2 and not (hinted is best[2] and len(cells) <= 2):
        return None
    return best[2], best[3]
