"""One recipient's pack: their tagged PDF/A documents merged into one PDF that keeps every document's tags (pikepdf).

A merge that only copies pages loses what makes the documents accessible: the structure tree that
tells a screen reader what is a heading, a table or a picture and what the picture shows. So each
document's tree goes under one ``Document`` element of the pack, in order, with its parent-tree keys
moved past the previous document's. The pack is PDF/A-2b like its documents unless it is encrypted
(PDF/A forbids encryption): AES-256 with a password of its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["Documents", "Pages", "merge_pack"]


class Documents:
    """The meeting's PDFs, each opened once however many packs it goes into; close it once every pack is written."""

    def __init__(self) -> None:
        self._open: dict[Path, pikepdf.Pdf] = {}
        self._stack = contextlib.ExitStack()

    def __getitem__(self, path: Path) -> pikepdf.Pdf:
        if path not in self._open:
            self._open[path] = self._stack.enter_context(pikepdf.open(path))
        return self._open[path]

    def __enter__(self) -> Documents:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stack.close()


@dataclass(frozen=True)
class Pages:
    """``count`` pages of the PDF at ``path`` from page ``first`` (0-based), with the parts of its structure tree on them."""

    path: Path
    first: int
    count: int = 1


def merge_pack(
    sources: Sequence[Path | Pages],
    target: Path,
    *,
    title: str,
    password: str | None = None,
    owner_password: str = "",
    documents: Documents | None = None,
    finish: Callable[[pikepdf.Pdf], None] | None = None,
) -> None:
    """Writes ``target``: the ``sources`` in order, titled, in British English, tagged when every source is, encrypted with ``password``.

    A source is a whole PDF or some of its pages (``Pages``). A PDF may come more than once (the same record in two
    recipients' envelopes, a page of covering letters each): each time is a copy of its own, pages and tags. ``finish``
    is given the pack, every page in place, before it is saved.
    """
    with contextlib.ExitStack() as stack:
        if documents is None:
            documents = stack.enter_context(Documents())
        seen: set[Path] = set()
        opened = []
        for source in sources:
            path = source.path if isinstance(source, Pages) else source
            opened.append(stack.enter_context(pikepdf.open(path)) if path in seen or isinstance(source, Pages) else documents[path])
            seen.add(path)
        pack = pikepdf.new()
        tagged = all("/StructTreeRoot" in pdf.Root for pdf in opened)
        document = pack.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        nums: list[Any] = []
        role_map: dict[str, Any] = {}
        next_key = 0
        for source, pdf in zip(sources, opened, strict=True):
            chosen = list(pdf.pages)[source.first : source.first + source.count] if isinstance(source, Pages) else None
            if chosen is not None and tagged:
                _keep_only(pdf, chosen)
            first_page = len(pack.pages)
            for page in pdf.pages if chosen is None else chosen:
                pack.pages.append(page)
            if tagged:
                next_key = _carry_tags(pack, pdf, pack.pages[first_page:], document, nums, role_map, next_key, chosen)
        root = pack.Root
        root.Lang = pikepdf.String("en-GB")
        root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
        if tagged:
            tree = Dictionary(Type=Name.StructTreeRoot, K=Array([document]), ParentTree=Dictionary(Nums=Array(nums)))
            tree.ParentTreeNextKey = next_key
            if role_map:
                tree.RoleMap = Dictionary(role_map)
            root.StructTreeRoot = pack.make_indirect(tree)
            document.P = root.StructTreeRoot
            root.MarkInfo = Dictionary(Marked=True)
        archival = tagged and password is None and "/OutputIntents" in opened[0].Root
        if archival:
            root.OutputIntents = _copy(pack, opened[0].Root.OutputIntents)
        if finish is not None:
            finish(pack)
        with pack.open_metadata(set_pikepdf_as_editor=False) as xmp:
            xmp["dc:title"] = title
            xmp["xmp:CreatorTool"] = "docgen"
            if archival:
                xmp["pdfaid:part"] = "2"
                xmp["pdfaid:conformance"] = "B"
        encryption: pikepdf.Encryption | bool = False
        if password is not None:
            encryption = pikepdf.Encryption(owner=owner_password, user=password, R=6)  # AES-256
        pack.save(target, min_version="1.7", encryption=encryption)


def _carry_tags(
    pack: pikepdf.Pdf,
    pdf: pikepdf.Pdf,
    pages: Any,
    document: Dictionary,
    nums: list[Any],
    role_map: dict[str, Any],
    offset: int,
    chosen: list[Any] | None = None,
) -> int:
    """Moves ``pdf``'s structure tree (cut to the ``chosen`` pages by ``_keep_only``) under ``document``; returns the next free
    parent-tree key."""
    tree = pdf.Root.StructTreeRoot
    keys = None if chosen is None else {int(page.StructParents) for page in chosen if "/StructParents" in page}
    highest = -1
    for key, value in _number_tree(tree.get("/ParentTree")):
        if keys is None or key in keys:
            nums.extend([key + offset, _copy(pack, value)])
            highest = max(highest, key)
    for page in pages:
        if "/StructParents" in page:
            page.StructParents = int(page.StructParents) + offset
        for annotation in page.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + offset
    for kid in _kids(tree.get("/K")):
        copied = _copy(pack, kid)
        if isinstance(copied, Dictionary):
            copied.P = document
            for grandchild in _kids(copied.get("/K")) if chosen is not None else []:
                if isinstance(grandchild, Dictionary) and "/S" in grandchild:
                    grandchild.P = copied
        document.K.append(copied)
    for role, standard in (tree.get("/RoleMap") or Dictionary()).items():
        role_map[role] = _copy(pack, standard)
    return offset + max(highest + 1, int(tree.get("/ParentTreeNextKey", 0)))


def _kids(kids: Any) -> list[Any]:
    return list(kids) if isinstance(kids, Array) else [kids] if kids is not None else []


def _keep_only(pdf: pikepdf.Pdf, chosen: list[Any]) -> None:
    """Cuts ``pdf``'s structure tree (in memory) to what is on the ``chosen`` pages: each top element keeps the children whose
    content is there, detached from the rest so that copying them copies nothing from the other pages."""
    on = {page.objgen for page in chosen}
    tree = pdf.Root.StructTreeRoot
    cut = Array()
    for element in _kids(tree.get("/K")):
        if not isinstance(element, Dictionary):
            continue
        kept = [kid for kid in _kids(element.get("/K")) if isinstance(kid, Dictionary) and _page_of(kid) in on]
        for kid in kept:
            if "/P" in kid:
                del kid.P
        part = Dictionary(Type=Name.StructElem, S=element.get("/S", Name.Document), K=Array(kept))
        cut.append(pdf.make_indirect(part))
    tree.K = cut


def _page_of(element: Any) -> Any:
    """The page (its object number and generation) an element's content starts on: its own ``/Pg``, else its first child's."""
    if "/Pg" in element:
        return element.Pg.objgen
    for kid in _kids(element.get("/K")):
        if isinstance(kid, Dictionary):
            found = _page_of(kid)
            if found is not None:
                return found
    return None


def _copy(pack: pikepdf.Pdf, value: Any) -> Any:
    """``value`` from another PDF, usable in ``pack``: indirect objects copied (each once), direct arrays and dictionaries rebuilt."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return pack.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(pack, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(pack, item) for key, item in value.items()})
    return value


def _number_tree(node: Any) -> list[tuple[int, Any]]:
    """Every (key, value) of a PDF number tree, its kids included."""
    if node is None:
        return []
    found: list[tuple[int, Any]] = []
    nums = node.get("/Nums")
    if nums is not None:
        found.extend((int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2))
    for kid in node.get("/Kids", []):
        found.extend(_number_tree(kid))
    return found
