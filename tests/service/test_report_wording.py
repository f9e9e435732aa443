"""What a rejection report says when the file is no readable form: no profile it never read is named."""

from __future__ import annotations

from docgen.service import Layout
from tests.service.conftest import Drop
from tests.service.fakes import run_once


def test_a_legacy_doc_is_refused_without_naming_a_profile(layout: Layout) -> None:
    (layout.inbox / "plan.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)  # an old binary Word file
    assert run_once(layout.root).counts == {"rejected": 1}
    text = (layout.rejected / "plan.doc.errors.txt").read_text(encoding="utf-8")
    assert text.startswith("plan.doc: rejected — docgen could not read it as a meeting form. Correct it and drop it into the inbox again.")
    assert "profile" not in text.lower()


def test_a_rejected_form_whose_corrected_copy_was_published_is_no_longer_to_deal_with(layout: Layout, drop: Drop) -> None:
    from docgen.web.inbox import rejected_forms

    drop("jones.json", meeting__chair_role="community_support_worker")
    run_once(layout.root)
    [waiting] = rejected_forms(layout.root)
    assert waiting.dealt_with is None
    drop("jones.json")  # corrected, dropped again under the same name
    assert run_once(layout.root).counts == {"published": 1}
    [done] = rejected_forms(layout.root)
    assert done.dealt_with is not None and done.dealt_with["by"] == "a corrected copy, published"
