"""How the plan has moved since earlier meetings: progress on each objective, what was achieved, the scaling scores over time.

Earlier meetings come in as plain data, oldest first (``{"date", "type", "folder", "record"}``, the record
as it was published, or None where the ledger has none). A child's view only ever holds objectives for that
child or for every child, so a sibling's progress notes never reach a child's copy.
"""

from __future__ import annotations

from typing import Any

from docgen.manifest import PreviousMeeting, ScalingPoint
from docgen.printable import safe_text, uk_date
from docgen.record import Record, applies_to, get
from docgen.render.pictures import Picture, scale_pictures, scaling_chart

__all__ = [
    "MEETING_WORDS",
    "EarlierMeeting",
    "previous_meeting",
    "record_review",
    "review_view",
    "scaling_history",
]

EarlierMeeting = dict[str, Any]

MEETING_WORDS = {"initial": "initial meeting", "review": "review meeting", "closure": "closing meeting"}
_PROGRESS = {
    "achieved": "Achieved",
    "progressing": "Progressing",
    "not_progressing": "Not progressing",
    "no_longer_needed": "No longer needed",
}
_DONE = ("achieved", "no_longer_needed")


def previous_meeting(earlier: list[EarlierMeeting]) -> PreviousMeeting | None:
    """``{folder, date, type}`` of the latest earlier meeting, or None (the manifest's ``previous_meeting``)."""
    if not earlier:
        return None
    last = earlier[-1]
    return {"folder": last["folder"], "date": last["date"], "type": last["type"]}


def _score(record: Record | None) -> int | None:
    score = get(record or {}, "scaling.score")
    return score if isinstance(score, int) and not isinstance(score, bool) else None


def scaling_history(record: Record, earlier: list[EarlierMeeting]) -> list[ScalingPoint]:
    """Every meeting so far with a scaling score, oldest first, this one included (the manifest's ``scaling_history``)."""
    points = [(m["date"], _score(m.get("record"))) for m in earlier]
    points.append((get(record, "meeting.date"), _score(record)))
    return [{"date": date, "score": score} for date, score in points if score is not None]


def _movement(history: list[ScalingPoint]) -> str:
    """Plain words on how the score has moved since the last meeting that gave one."""
    if len(history) < 2:
        return "This is the first score on the scale: the next meetings will show how things move." if history else ""
    before, now = history[-2]["score"], history[-1]["score"]
    if now > before:
        return f"Things have moved up, from {before} to {now} out of 10, since the meeting on {uk_date(history[-2]['date'])}."
    if now < before:
        return f"Things have moved down, from {before} to {now} out of 10, since the meeting on {uk_date(history[-2]['date'])}."
    return f"Things are the same as at the meeting on {uk_date(history[-2]['date'])}: {now} out of 10."


def _going(objective: dict[str, Any]) -> dict[str, Any]:
    progress = objective.get("progress")
    return {
        "id": safe_text(str(objective.get("id", ""))),
        "need": safe_text(str(objective.get("need", ""))),
        "outcome": safe_text(str(objective.get("outcome", ""))),
        "progress": safe_text(_PROGRESS.get(str(progress), "New at this meeting" if not progress else str(progress))),
        "note": safe_text(str(objective.get("progress_note") or "")),
    }


def _achieved(record: Record, earlier: list[EarlierMeeting], child_id: str | None) -> list[dict[str, Any]]:
    """Objectives recorded as achieved at any meeting so far (this one included), each once, with the latest date it was said."""
    found: dict[str, dict[str, Any]] = {}
    meetings = [*earlier, {"date": get(record, "meeting.date"), "record": record}]
    for meeting in meetings:
        for objective in (meeting.get("record") or {}).get("objectives", []):
            if not isinstance(objective, dict) or objective.get("progress") != "achieved":
                continue
            if child_id is not None and not applies_to(objective, child_id):
                continue
            key = str(objective.get("id") or objective.get("need"))
            found[key] = {**_going(objective), "when": safe_text(uk_date(meeting["date"]))}
    return list(found.values())


def review_view(record: Record, earlier: list[EarlierMeeting], child_id: str | None = None) -> dict[str, Any]:
    """What a plan shows at a review or closure: how each objective is going, what was achieved, the scores over time."""
    kind = get(record, "meeting.type")
    held = kind in ("review", "closure")
    objectives = [o for o in record.get("objectives", []) if isinstance(o, dict)]
    if child_id is not None:
        objectives = [o for o in objectives if applies_to(o, child_id)]
    history = scaling_history(record, earlier) if held else []
    previous = previous_meeting(earlier)
    chart: Picture | None = scaling_chart(history) if len(history) >= 2 else None
    return {
        "held": held,
        "closure": kind == "closure",
        "previous": safe_text(f"{MEETING_WORDS.get(previous['type'], 'meeting')} on {uk_date(previous['date'])}") if previous else None,
        "going": [_going(o) for o in objectives] if held else [],
        "achieved": _achieved(record, earlier, child_id) if held else [],
        "no_longer_needed": [_going(o) for o in objectives if o.get("progress") == "no_longer_needed"] if held else [],
        "scores": [{"date": safe_text(uk_date(p["date"])), "score": p["score"]} for p in history],
        "chart": chart,
        "movement": safe_text(_movement(history)) if held else "",
        "pictures": scale_pictures(_score(record)),
    }


def record_review(record: Record, earlier: list[EarlierMeeting]) -> dict[str, Any]:
    """The meeting record's extra view: objectives added and ended compared with the previous plan."""
    before = (earlier[-1].get("record") or {}) if earlier else {}
    old = {str(o.get("id")): o for o in before.get("objectives", []) if isinstance(o, dict)}
    new = {str(o.get("id")): o for o in record.get("objectives", []) if isinstance(o, dict)}
    compared = bool(earlier) and bool(old)
    added = [_going(o) for key, o in new.items() if key not in old] if compared else []
    ended = [dict(_going(o), progress=safe_text("Taken out of the plan")) for key, o in old.items() if key not in new] if compared else []
    ended += [_going(o) for o in new.values() if o.get("progress") in _DONE]
    return {"compared": compared, "added": added, "ended": ended}
