"""A published ``manifest.json`` has exactly the keys ``docgen.manifest.Manifest`` declares, at every level, and no other."""

from __future__ import annotations

import json
import types
from collections import defaultdict
from pathlib import Path
from typing import Any, NotRequired, Union, get_args, get_origin, get_type_hints, is_typeddict

from docgen.manifest import Manifest
from docgen.service import Service
from docgen.service.form_log import FormLog
from tests.conftest import clean_initial, clean_review
from tests.render.helpers import FakeConverter
from tests.service.fakes import settings_for_tests

REVIEW = "outbox/CIN-2026-0412/2027-02-11-review"
PER_PERSON = frozenset({"child", "recipient"})  # keys a ``Deadline`` has only when it is one child's or one recipient's


def _publish(root: Path, name: str, record: dict[str, Any]) -> None:
    """Drops ``record`` as ``name`` and runs ``run --once`` with the real plan pack, PDFs on (made by the stand-in converter)."""
    (root / "inbox" / name).write_text(json.dumps(record), encoding="utf-8")
    log = FormLog(out=open(Path(root, "run.log"), "w"), err=open(Path(root, "run.err"), "w"))  # noqa: SIM115
    with Service(root, settings_for_tests(pdf=True), form_log=log, converter=FakeConverter()) as service:
        service.run_once()


def _check(value: Any, hint: Any, where: str, seen: dict[str, set[str]], problems: list[str]) -> None:
    """Compares ``value`` with the type ``hint`` (TypedDicts, lists, unions, str/int/bool/None), noting each TypedDict key met."""
    if get_origin(hint) is NotRequired:
        hint = get_args(hint)[0]
    if get_origin(hint) in (Union, types.UnionType):
        if value is None and type(None) in get_args(hint):
            return
        hint = next(h for h in get_args(hint) if h is not type(None))
    if is_typeddict(hint):
        if not isinstance(value, dict):
            problems.append(f"{where}: {value!r} is not an object")
            return
        fields = get_type_hints(hint, include_extras=True)
        missing = hint.__required_keys__ - value.keys()
        extra = value.keys() - fields.keys()
        problems += [f"{where}: {hint.__name__} key {key!r} is missing from the file" for key in sorted(missing)]
        problems += [f"{where}: the file has key {key!r} that {hint.__name__} does not declare" for key in sorted(extra)]
        seen[hint.__name__] |= value.keys()
        for key in value.keys() & fields.keys():
            _check(value[key], fields[key], f"{where}.{key}", seen, problems)
    elif get_origin(hint) is list:
        if not isinstance(value, list):
            problems.append(f"{where}: {value!r} is not a list")
            return
        for index, item in enumerate(value):
            _check(item, get_args(hint)[0], f"{where}[{index}]", seen, problems)
    elif not isinstance(value, hint):
        problems.append(f"{where}: {value!r} is not {hint.__name__}")


def _declared(hint: Any, found: dict[str, frozenset[str]]) -> None:
    """Every TypedDict reachable from ``hint``, with its keys."""
    for inner in (hint, *get_args(hint)):
        if is_typeddict(inner) and inner.__name__ not in found:
            fields = get_type_hints(inner, include_extras=True)
            found[inner.__name__] = frozenset(fields)
            for field in fields.values():
                _declared(field, found)
        elif inner is not hint:
            _declared(inner, found)


def test_a_published_manifest_has_exactly_the_keys_its_type_declares(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    _publish(tmp_path, "initial.json", clean_initial())
    _publish(tmp_path, "review.json", clean_review())
    amended = clean_review()
    amended["meeting"]["venue"] = "Kingswood Civic Centre"
    amended["contingency_plan"] = "If things do not improve, the case goes to the QZX panel."  # a term unexplained: a warning
    _publish(tmp_path, "review corrected.json", amended)  # an amendment: the manifest gains ``supersedes``

    manifests = sorted(tmp_path.glob("outbox/*/*/manifest.json"))
    assert [m.parent.relative_to(tmp_path).as_posix() for m in manifests] == ["outbox/CIN-2026-0412/2026-12-17-initial", REVIEW]
    seen: dict[str, set[str]] = defaultdict(set)
    problems: list[str] = []
    for path in manifests:
        _check(json.loads(path.read_text(encoding="utf-8")), Manifest, path.parent.name, seen, problems)
    assert problems == []

    # the other way round: every key the types declare (optional ones too) is in a real file, so none is stale
    declared: dict[str, frozenset[str]] = {}
    _declared(Manifest, declared)
    declared["DeadlineEntry"] -= PER_PERSON  # a meeting's own deadlines are for everyone; the ledger keeps the per-person ones
    assert {name: sorted(keys - seen[name]) for name, keys in declared.items() if keys - seen[name]} == {}
