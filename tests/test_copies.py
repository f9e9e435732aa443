"""One copies deadline per recipient, from a manifest's distribution rows."""

from __future__ import annotations

from docgen.copies import copies_by_recipient


def test_a_recipients_rows_become_one_deadline_on_their_earliest_date_naming_a_childs_own_copies() -> None:
    distribution = [
        {"recipient": "Amy Jones", "role": "child", "child": "C1", "document": "plan-C1.docx", "due": "2027-01-08"},
        {"recipient": "Amy Jones ", "role": "child", "child": "C1", "document": "record.docx"},
        {"recipient": "Sarah Jones", "role": "parent", "document": "plan-C1.docx"},
        {"recipient": "  ", "document": "plan-C1.docx"},
    ]
    groups = copies_by_recipient(distribution, {"date": "2027-01-05", "section": "procedure 3.1"})
    assert [(g.deadline["recipient"], g.deadline["date"], g.deadline["child"], len(g.rows)) for g in groups] == [
        ("Amy Jones", "2027-01-05", "C1", 2),
        ("Sarah Jones", "2027-01-05", None, 1),
    ]
    assert groups[0].deadline["description"] == "Copies sent to Amy Jones (plan-C1.docx, record.docx)"


def test_without_any_due_date_there_is_no_copies_deadline() -> None:
    assert copies_by_recipient([{"recipient": "Sarah Jones", "document": "plan.docx"}], {}) == []
