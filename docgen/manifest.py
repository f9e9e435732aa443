"""The shape of ``manifest.json`` and of its parts (documents, deadlines, distribution rows): DESIGN.md's contract as types.

The writers (``docgen.render``, ``docgen.pdf``, the service's publishing) build these and the readers (the ledger,
sending, the print pack) take them, so a key renamed on one side is a type error on the other.
A manifest read back from disk is only as good as the file: readers still look keys up with ``.get``.
"""

from typing import NotRequired, TypedDict

__all__ = [
    "DeadlineEntry",
    "DistributionRow",
    "DocumentEntry",
    "KeyWorkerEntry",
    "Manifest",
    "MeetingEntry",
    "PdfEntry",
    "PlanEntry",
    "PreviousMeeting",
    "PrintPackRecipient",
    "ScalingPoint",
    "SourceEntry",
    "SupersededEntry",
    "WarningEntry",
]


class SourceEntry(TypedDict):
    """The accepted original: its file name and sha256."""

    name: str | None
    sha256: str | None


class MeetingEntry(TypedDict):
    """The meeting: ``type``, ``date`` and its folder under ``outbox/<case reference>/``."""

    type: str
    date: str
    folder: str


class PlanEntry(TypedDict):
    """What the ledger counts each child's visits and the 6 month point from."""

    start_date: str | None
    visit_frequency_days: int | None


class KeyWorkerEntry(TypedDict):
    """How to reach the key worker (the cover letters and emails name them)."""

    name: str | None
    role: str | None
    email: str | None
    phone: str | None


class WarningEntry(TypedDict):
    """A warning the form was accepted with."""

    rule: str
    field: str
    message: str
    section: str
    fix: str


class PrintPackRecipient(TypedDict):
    """One envelope or hand copy in ``print-pack.pdf``."""

    recipient: str
    delivery: str
    documents: list[str]


class DocumentEntry(TypedDict):
    """One published file: its path in the meeting folder, its kind and the child it is for (None: the whole meeting)."""

    path: str
    kind: str  # plan, child_plan, meeting_record, distribution, calendar, pdf, pdf_pack, print_pack, source
    child: str | None
    recipient: NotRequired[str]  # a pdf_pack: whose it is
    encrypted: NotRequired[bool]  # a pdf_pack: whether it is password-protected
    recipients: NotRequired[list[PrintPackRecipient]]  # the print_pack: who is in it


class DeadlineEntry(TypedDict):
    """One deadline the meeting sets (``docgen.deadlines.Deadline`` as JSON)."""

    kind: str  # record_due, copies_due, next_review, visit, principal_manager_review, safeguarding
    date: str
    section: str
    description: str
    child: NotRequired[str]
    recipient: NotRequired[str]


class DistributionRow(TypedDict):
    """Who gets which document, how and by when: a row of ``distribution.xlsx`` and of the manifest's ``distribution``."""

    recipient: str
    role: str
    relationship: str | None
    agency: str | None
    document: str
    delivery: str
    email: str | None
    address: str | None
    due: str
    child: str | None


class PdfEntry(TypedDict):
    """Whether the PDFs were made, why not, and where the email packs' passwords are kept."""

    made: bool
    problem: str | None
    passwords_file: str | None


class PreviousMeeting(TypedDict):
    """The case's latest earlier published meeting (a review's or closure's manifest)."""

    folder: str
    date: str
    type: str


class ScalingPoint(TypedDict):
    """One published meeting's Signs of Wellbeing score."""

    date: str
    score: int


class SupersededEntry(TypedDict):
    """The earlier outputs an amended form replaced, kept under ``superseded/``."""

    sha256: str | None
    published_at: str | None
    path: str


class Manifest(TypedDict):
    """``manifest.json``: every key DESIGN.md lists, plus the generator, the time, the plan, key worker and children."""

    manifest_version: int
    generated_at: str
    generator: str
    source: SourceEntry
    policy: str
    case_reference: str
    meeting: MeetingEntry
    plan: PlanEntry
    key_worker: KeyWorkerEntry
    children: list[str]
    warnings: list[WarningEntry]
    documents: list[DocumentEntry]
    deadlines: list[DeadlineEntry]
    distribution: list[DistributionRow]
    previous_meeting: NotRequired[PreviousMeeting | None]  # a review or closure
    scaling_history: NotRequired[list[ScalingPoint]]  # a review or closure
    pdf: NotRequired[PdfEntry]  # with PDF on
    supersedes: NotRequired[SupersededEntry]  # an amended form
