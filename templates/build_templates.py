"""Builds the docxtpl templates and the words-and-pictures pictures in ``templates/`` (run after changing them).

    .venv/bin/python templates/build_templates.py

The .docx files and PNGs it writes are committed: docgen only reads them. Template tags name the
canonical record's fields (see docs/templates.md); ``docgen check-templates`` checks them.
"""

from __future__ import annotations

import math
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

HERE = Path(__file__).resolve().parent
PICTURES = HERE / "pictures"
#: each picture's alternative text, read out by screen readers and kept in the tagged PDF
ALT_TEXT = {
    "home.png": "A drawing of a house",
    "helpers.png": "A drawing of three people holding hands",
    "calendar.png": "A drawing of a calendar",
    "sun.png": "A drawing of a smiling sun",
    "cloud.png": "A drawing of a grey cloud",
    "checklist.png": "A drawing of a checklist with ticks",
    "words.png": "A drawing of a speech bubble with letters in it",
}
BLUE = RGBColor(0x1F, 0x4E, 0x79)
HEADER_FILL = "DEEAF6"


# ------------------------------------------------------------------------------------------ pictures


def draw_pictures() -> None:
    """Six friendly 240x240 pictures: home, helpers, calendar, sun, cloud, checklist."""
    from PIL import Image, ImageDraw

    PICTURES.mkdir(exist_ok=True)
    size = 240

    def canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
        image = Image.new("RGB", (size, size), "white")
        return image, ImageDraw.Draw(image)

    image, d = canvas()  # home
    d.polygon([(30, 115), (120, 35), (210, 115)], fill="#D9534F", outline="#8B2E2B", width=4)
    d.rectangle([50, 112, 190, 215], fill="#F6D58E", outline="#8B6D2B", width=4)
    d.rectangle([102, 150, 138, 215], fill="#8B5A2B")
    d.rectangle([62, 128, 92, 158], fill="#BFE3F5", outline="#5B7F95", width=3)
    d.rectangle([148, 128, 178, 158], fill="#BFE3F5", outline="#5B7F95", width=3)
    image.save(PICTURES / "home.png")

    image, d = canvas()  # helpers: three people holding hands
    for x, colour, scale in ((60, "#5B9BD5", 1.0), (120, "#70AD47", 0.75), (180, "#ED7D31", 1.0)):
        head = 22 * scale
        top = 215 - 150 * scale
        d.ellipse([x - head, top, x + head, top + 2 * head], fill="#F2C9A0", outline="#7F6040", width=2)
        d.rounded_rectangle([x - 26 * scale, top + 2 * head + 4, x + 26 * scale, 215], radius=12, fill=colour)
    d.line([(86, 150), (94, 150)], fill="#7F6040", width=6)
    d.line([(146, 150), (154, 150)], fill="#7F6040", width=6)
    image.save(PICTURES / "helpers.png")

    image, d = canvas()  # calendar
    d.rounded_rectangle([30, 45, 210, 215], radius=14, fill="white", outline="#1F4E79", width=5)
    d.rectangle([33, 48, 207, 90], fill="#5B9BD5")
    for x in (75, 165):
        d.rounded_rectangle([x - 7, 28, x + 7, 62], radius=5, fill="#1F4E79")
    for row in range(3):
        for col in range(4):
            x, y = 52 + col * 40, 105 + row * 36
            fill = "#ED7D31" if (row, col) == (1, 2) else "#D6DCE5"
            d.rounded_rectangle([x, y, x + 26, y + 24], radius=4, fill=fill)
    image.save(PICTURES / "calendar.png")

    image, d = canvas()  # sun: what is going well
    for i in range(12):
        angle = i * math.pi / 6
        d.line(
            [(120 + 62 * math.cos(angle), 120 + 62 * math.sin(angle)), (120 + 100 * math.cos(angle), 120 + 100 * math.sin(angle))],
            fill="#F4B400",
            width=10,
        )
    d.ellipse([65, 65, 175, 175], fill="#FFD34D", outline="#F4B400", width=5)
    d.ellipse([95, 102, 107, 114], fill="#5A4300")
    d.ellipse([133, 102, 145, 114], fill="#5A4300")
    d.arc([92, 112, 148, 152], start=20, end=160, fill="#5A4300", width=5)
    image.save(PICTURES / "sun.png")

    image, d = canvas()  # cloud: worries
    for box in ([35, 95, 115, 175], [80, 60, 170, 150], [130, 90, 210, 170], [60, 120, 190, 185]):
        d.ellipse(box, fill="#B4C0CC")
    for x in (80, 120, 160):
        d.line([(x, 195), (x - 8, 220)], fill="#5B9BD5", width=6)
    image.save(PICTURES / "cloud.png")

    image, d = canvas()  # checklist: what needs to happen
    d.rounded_rectangle([45, 25, 195, 220], radius=10, fill="#FFF7E0", outline="#8B6D2B", width=4)
    for row in range(4):
        y = 55 + row * 40
        d.rectangle([62, y, 86, y + 24], outline="#1F4E79", width=3)
        d.line([(98, y + 12), (178, y + 12)], fill="#7F7F7F", width=5)
        if row < 2:
            d.line([(65, y + 12), (73, y + 21), (88, y - 2)], fill="#70AD47", width=5)
    image.save(PICTURES / "checklist.png")

    image, d = canvas()  # speech bubble: words we use
    d.rounded_rectangle([25, 40, 215, 165], radius=30, fill="#E2F0D9", outline="#548235", width=5)
    d.polygon([(70, 160), (60, 215), (115, 162)], fill="#E2F0D9", outline="#548235")
    d.line([(72, 163), (110, 163)], fill="#E2F0D9", width=6)  # no outline across the bubble's tail
    for x, colour in ((60, "#1F4E79"), (110, "#C00000"), (160, "#F4B400")):
        d.rounded_rectangle([x - 20, 80, x + 20, 125], radius=6, fill=colour)
    image.save(PICTURES / "words.png")

    for name, fill, outline in (("scale-on.png", "#F4B400", "#B07F00"), ("scale-off.png", "#FFFFFF", "#A6A6A6")):
        image, d = canvas()  # one step of the 0-10 scale: a star, coloured in up to today's score
        points = []
        for i in range(10):
            radius = 105 if i % 2 == 0 else 45
            angle = -math.pi / 2 + i * math.pi / 5
            points.append((120 + radius * math.cos(angle), 125 + radius * math.sin(angle)))
        d.polygon(points, fill=fill, outline=outline, width=8)
        image.save(PICTURES / name)


# ------------------------------------------------------------------------------------------ helpers


def base_document(font_size: float, landscape: bool = False) -> Document:
    """A blank document with British A4 margins and a plain, readable Normal style."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.0))
    core = doc.core_properties
    core.author, core.comments, core.language, core.title, core.subject = "docgen", "", "en-GB", "", ""
    for lang in doc.styles.element.iter(qn("w:lang")):  # British English everywhere: spelling, and the PDF's /Lang
        for attribute in ("w:val", "w:eastAsia"):
            lang.set(qn(attribute), "en-GB")
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(font_size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.paragraph_format.space_after = Pt(4)
    for level, size in ((1, font_size + 7), (2, font_size + 3)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
        style.font.bold = True
        style.paragraph_format.space_before = Pt(14 if level == 2 else 0)
        style.paragraph_format.space_after = Pt(6)
        style.element.rPr.rFonts.set(qn("w:ascii"), "Arial")
        style.element.rPr.rFonts.set(qn("w:hAnsi"), "Arial")
    subtitle = doc.styles["Subtitle"]  # "for <child>" under the title: part of it, not a heading of its own
    subtitle.font.name, subtitle.font.size, subtitle.font.color.rgb, subtitle.font.bold = "Arial", Pt(font_size + 7), BLUE, True
    subtitle.font.italic = False
    title = doc.styles["Title"]
    outline = OxmlElement("w:outlineLvl")  # the document's title is its first heading (H1 in the tagged PDF)
    outline.set(qn("w:val"), "0")
    title.element.get_or_add_pPr().append(outline)
    title.font.name = "Arial"
    title.font.size = Pt(font_size + 14)
    title.font.color.rgb = BLUE
    title.element.rPr.rFonts.set(qn("w:ascii"), "Arial")
    title.element.rPr.rFonts.set(qn("w:hAnsi"), "Arial")
    return doc


def footer(doc: Document, text: str) -> None:
    """A small grey footer line with the page number (a PAGE field Word and LibreOffice both update)."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text + " · page ")
    run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x59, 0x59, 0x59)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    run_properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    run_properties.append(size)
    inner.append(run_properties)
    text_el = OxmlElement("w:t")
    text_el.text = "1"
    inner.append(text_el)
    field.append(inner)
    paragraph._p.append(field)


def shade(cell: _Cell, fill: str) -> None:
    """Fills a table cell with a colour."""
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def fix_widths(table: Table, widths: list[float]) -> None:
    """Fixed column widths in the grid too: LibreOffice lays tables out from ``w:tblGrid``, Word from the cells."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)


def repeat_header(table: Table) -> None:
    """Marks the first row as a header row, repeated on each page."""
    row_properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    row_properties.append(header)


def write(
    cell_or_doc: _Cell | Document, text: str, *, bold: bool = False, size: float | None = None, style: str | None = None
) -> Paragraph:
    """A paragraph of text in a cell or the document (the cell's own first paragraph is reused)."""
    if isinstance(cell_or_doc, _Cell) and len(cell_or_doc.paragraphs) == 1 and not cell_or_doc.paragraphs[0].text:
        paragraph = cell_or_doc.paragraphs[0]
        if style:
            paragraph.style = style
    else:
        paragraph = cell_or_doc.add_paragraph(style=style)
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    return paragraph


def details_table(doc: Document, rows: list[tuple[str, str]], widths: tuple[float, float] = (5.0, 12.0)) -> Table:
    """A two-column label | value table."""
    table = doc.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for (label, value), row in zip(rows, table.rows, strict=True):
        write(row.cells[0], label, bold=True)
        shade(row.cells[0], HEADER_FILL)
        write(row.cells[1], value)
        row.cells[0].width, row.cells[1].width = Cm(widths[0]), Cm(widths[1])
    fix_widths(table, list(widths))
    doc.add_paragraph().paragraph_format.space_after = Pt(0)
    return table


def loop_table(doc: Document, headings: list[str], loop: str, cells: list[str], widths: list[float], end: str = "endfor") -> Table:
    """A table with a header row and one templated row repeated by ``{%tr for ... %}``."""
    table = doc.add_table(rows=4, cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        write(cell, heading, bold=True)
        shade(cell, HEADER_FILL)
    write(table.rows[1].cells[0], "{%tr " + loop + " %}")
    for cell, value in zip(table.rows[2].cells, cells, strict=True):
        write(cell, value)
    write(table.rows[3].cells[0], "{%tr " + end + " %}")
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    fix_widths(table, widths)
    repeat_header(table)
    return table


def when(doc: Document, condition: str, text: str, *, style: str | None = None) -> None:
    """A paragraph shown only when the condition holds."""
    doc.add_paragraph("{%p if " + condition + " %}")
    doc.add_paragraph(text, style=style)
    doc.add_paragraph("{%p endif %}")


def scale_table(doc: Document) -> None:
    """The 0–10 scaling score: eleven cells, the chosen one filled by docxtpl's ``cellbg``."""
    table = doc.add_table(rows=1, cols=11)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for number, cell in enumerate(table.rows[0].cells):
        paragraph = write(cell, "{% cellbg scale[" + str(number) + "].colour %}" + str(number), bold=True, size=13)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.width = Cm(1.5)
    fix_widths(table, [1.5] * 11)
    legend = doc.add_table(rows=1, cols=2)
    fix_widths(legend, [8.25, 8.25])
    write(legend.rows[0].cells[0], "0: very worried", size=9)
    right = write(legend.rows[0].cells[1], "10: everything needed is in place", size=9)
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def key_dates(doc: Document) -> None:
    loop_table(
        doc,
        ["What", "When", "Why (procedure)"],
        "for d in deadlines",
        ["{{ d.description }}", "{{ d.date }}", "{{ d.section }}"],
        [9.5, 4.0, 3.5],
    )


def services_section(doc: Document) -> None:
    doc.add_heading("Services for the family", level=2)
    doc.add_paragraph("{%p if services %}")
    loop_table(
        doc,
        ["Agency", "Service", "What it is for", "How often", "From – to", "Contact"],
        "for s in services",
        [
            "{{ s.agency }}",
            "{{ s.service }}",
            "{{ s.purpose }}",
            "{{ s.frequency or '' }}",
            "{{ s.start_date or '' }}{% if s.end_date %} – {{ s.end_date }}{% endif %}",
            "{{ s.contact or '' }}",
        ],
        [2.8, 2.8, 4.0, 2.2, 2.6, 2.6],
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No services were recorded at the meeting.")
    doc.add_paragraph("{%p endif %}")


def objectives_section(doc: Document, *, with_who: bool) -> None:
    doc.add_heading("What we are working towards", level=2)
    headings = ["What needs to change", "What we want to see", "How we will know", "By when"]
    cells = ["{{ o.need }}", "{{ o.outcome }}", "{{ o.measure }}", "{{ o.target_date }}"]
    widths = [4.0, 4.6, 5.0, 3.4]
    if with_who:
        headings, cells, widths = ["For", *headings], ["{{ o.id }}: {{ o.who }}", *cells], [2.6, 3.4, 4.0, 4.4, 2.6]
    loop_table(doc, headings, "for o in objectives", cells, widths)
    doc.add_heading("Who will do what", level=2)
    loop_table(
        doc,
        ["For", "What will be done", "Who", "By when", "How often"],
        "for a in actions",
        [
            "{{ a.objective_need }}",
            "{{ a.action }}",
            "{{ a.responsible }}{% if a.agency %} ({{ a.agency }}){% endif %}",
            "{{ a.due_date }}",
            "{{ a.frequency or '' }}",
        ],
        [3.2, 5.4, 3.8, 2.6, 2.0],
    )


def endings_section(doc: Document) -> None:
    doc.add_heading("If things do not get better", level=2)
    doc.add_paragraph("{{ contingency_plan or 'No contingency plan was recorded.' }}")
    doc.add_heading("What needs to be seen to close the case", level=2)
    doc.add_paragraph("{{ closure_criteria or 'No closure criteria were recorded.' }}")
    doc.add_heading("How things are now (0 to 10)", level=2)
    when(doc, "scaling.score is not none", "Score: {{ scaling.score }} out of 10.{% if scaling.comment %} {{ scaling.comment }}{% endif %}")
    when(doc, "scaling.score is none", "No score was recorded at the meeting.")
    scale_table(doc)


def progress_section(doc: Document, *, with_going: bool = True) -> None:
    """At a review or closure: how each objective is going, what was achieved, what was done, the scores so far."""
    doc.add_paragraph("{%p if review.held %}")
    if with_going:
        doc.add_heading("How it is going", level=2)
        when(doc, "review.previous", "Since the {{ review.previous }}:")
        loop_table(
            doc,
            ["Objective", "How it is going", "What was seen"],
            "for g in review.going",
            ["{{ g.id }}: {{ g.need }}", "{{ g.progress }}", "{{ g.note }}"],
            [5.5, 3.5, 8.0],
        )
    doc.add_heading("{% if review.closure %}What we have achieved over the whole plan{% else %}What we have achieved{% endif %}", level=2)
    doc.add_paragraph("{%p if review.achieved %}")
    loop_table(
        doc,
        ["Objective", "What is different now", "Recorded as achieved"],
        "for g in review.achieved",
        ["{{ g.need }}", "{{ g.outcome }}", "{{ g.when }}"],
        [5.0, 8.5, 3.5],
    )
    doc.add_paragraph("{%p else %}")
    doc.add_paragraph("No objective has been recorded as achieved yet.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if review.no_longer_needed %}")
    doc.add_paragraph("No longer needed: {% for g in review.no_longer_needed %}{{ g.need }}{% if not loop.last %}; {% endif %}{% endfor %}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if done_actions %}")
    doc.add_heading("What has been done", level=2)
    loop_table(
        doc,
        ["For", "What was done", "Who"],
        "for a in done_actions",
        ["{{ a.objective_need }}", "{{ a.action }}", "{{ a.responsible }}{% if a.agency %} ({{ a.agency }}){% endif %}"],
        [4.0, 8.5, 4.5],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if review.scores %}")
    doc.add_heading("Scaling scores so far", level=2)
    doc.add_paragraph("{% for p in review.scores %}{{ p.date }}: {{ p.score }} out of 10{% if not loop.last %} · {% endif %}{% endfor %}")
    when(doc, "review.chart", "{{ review.chart }}")
    doc.add_paragraph("{{ review.movement }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p endif %}")


def changes_section(doc: Document) -> None:
    """The meeting record at a review: progress since the last meeting, and objectives added or ended."""
    doc.add_paragraph("{%p if review.held %}")
    doc.add_heading("Progress since the last meeting", level=2)
    when(doc, "review.previous", "Compared with the {{ review.previous }}.")
    loop_table(
        doc,
        ["Objective", "What we want to see", "Progress", "What was seen"],
        "for g in review.going",
        ["{{ g.id }}: {{ g.need }}", "{{ g.outcome }}", "{{ g.progress }}", "{{ g.note }}"],
        [4.4, 4.6, 2.8, 5.2],
    )
    doc.add_heading("Changes to the plan", level=2)
    doc.add_paragraph("{%p if changes.added %}")
    doc.add_paragraph("Added at this meeting: {% for g in changes.added %}{{ g.id }} ({{ g.need }}){% if not loop.last %}; {% endif %}{% endfor %}.")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%p if changes.ended %}")
    doc.add_paragraph(
        "Ended at this meeting: {% for g in changes.ended %}{{ g.id }} ({{ g.need }}): {{ g.progress }}{% if not loop.last %}; {% endif %}{% endfor %}."
    )
    doc.add_paragraph("{%p endif %}")
    when(doc, "not changes.added and not changes.ended", "No objective was added or ended at this meeting.")
    doc.add_paragraph("{%p endif %}")


def scale_pictures(doc: Document) -> None:
    """The scale as a row of ten pictures, coloured in up to today's score."""
    table = doc.add_table(rows=1, cols=10)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for number, cell in enumerate(table.rows[0].cells):
        paragraph = write(cell, "{{ review.pictures[" + str(number) + "] }}")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.width = Cm(1.7)
    fix_widths(table, [1.7] * 10)


def words_we_use(doc: Document, picture: str | None = None) -> None:
    """"Words we use" (procedure 2.4), last in the document: a heading and a bulleted list of the glossary terms the document
    holds, shown only when it holds some, under a ``picture`` in a child's plan. A real heading and a real list, in the body
    (not a table), so the tagged PDF has an H2 and an L of LI."""
    doc.add_paragraph("{%p if words %}")
    if picture:
        paragraph = doc.add_paragraph()
        paragraph.paragraph_format.keep_with_next = True  # the picture stays with its heading
        shape = paragraph.add_run().add_picture(str(PICTURES / picture), width=Cm(3.6))
        shape._inline.docPr.set("descr", ALT_TEXT[picture])
    doc.add_heading("Words we use", level=2)
    term_list(doc)
    doc.add_paragraph("{%p endif %}")


def term_list(doc: Document) -> None:
    """Each of ``words`` as a list item: the term in bold, then what it means."""
    doc.add_paragraph("{%p for w in words %}")
    item = doc.add_paragraph(style="List Bullet")
    item.add_run("{{ w.term }}").bold = True
    item.add_run(": {{ w.meaning }}")
    doc.add_paragraph("{%p endfor %}")


# ------------------------------------------------------------------------------------------ templates


def child_focused_plan() -> None:
    """``plan.docx``: the child-focused Child in Need Plan, one copy per child (procedure 3.2)."""
    doc = base_document(10.5)
    doc.add_paragraph("Child in Need Plan", style="Title")
    doc.add_paragraph("for {{ child.name }}", style="Subtitle")
    details_table(
        doc,
        [
            ("Child", "{{ child.name }}, born {{ child.date_of_birth }}"),
            ("Case reference", "{{ case.reference }}"),
            ("Meeting", "{{ meeting.type }} meeting on {{ meeting.date }}{% if meeting.venue %} at {{ meeting.venue }}{% endif %}"),
            ("Chaired by", "{{ meeting.chair_name }} ({{ meeting.chair_role }})"),
            ("Key worker", "{{ key_worker.name }}, {{ key_worker.role }}{% if key_worker.agency %}, {{ key_worker.agency }}{% endif %}"),
            (
                "Contact the key worker",
                "{{ key_worker.phone or '' }}{% if key_worker.phone and key_worker.email %} · {% endif %}{{ key_worker.email or '' }}",
            ),
            ("Plan started", "{{ case.plan_start_date or meeting.date }}"),
        ],
    )
    doc.add_paragraph("{{ key_worker.name }} has overall responsibility for this plan. Everyone named below has agreed to do their part.")
    when(doc, "child.views", "What {{ child.first_name }} told us: “{{ child.views }}”")
    progress_section(doc)
    objectives_section(doc, with_who=False)
    services_section(doc)
    doc.add_heading("Reviews and visits", level=2)
    doc.add_paragraph("{{ meeting.review_arrangements }}")
    key_dates(doc)
    endings_section(doc)
    doc.add_paragraph()
    doc.add_paragraph("Plan made under the {{ procedure }} on {{ generated_on }}.").runs[0].font.size = Pt(8)
    words_we_use(doc)
    footer(doc, "Child in Need Plan · {{ case.reference }} · {{ child.name }}")
    doc.save(HERE / "plan.docx")


def picture_row(doc: Document, picture: str, heading: str, lines: list[str]) -> None:
    """One picture beside a heading and a few short lines of large text."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(4.2), Cm(12.8)
    fix_widths(table, [4.2, 12.8])
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a picture and its words stay on one page
    shape = left.paragraphs[0].add_run().add_picture(str(PICTURES / picture), width=Cm(3.6))
    shape._inline.docPr.set("descr", ALT_TEXT[picture])  # alternative text: the picture's words for a screen reader
    write(right, heading, style="Heading 2")
    for line in lines:
        right.add_paragraph(line)
    doc.add_paragraph()


def words_and_pictures_plan() -> None:
    """``plan-child.docx``: the child's own plan in short sentences, large type and pictures."""
    doc = base_document(16)
    doc.add_paragraph("{{ child.first_name }}’s plan", style="Title")
    picture_row(
        doc,
        "home.png",
        "This is your plan, {{ child.first_name }}",
        ["It says how the grown-ups will help you and your family.", "{{ key_worker.name }} is in charge of it."],
    )
    picture_row(
        doc,
        "cloud.png",
        "What people are worried about",
        [
            "{{ key_worker.name }} and the grown-ups at your meeting are worried about:",
            "{%p for o in objectives %}",
            "• {{ o.need }}",
            "{%p endfor %}",
        ],
    )
    picture_row(
        doc,
        "sun.png",
        "What is going well",
        [
            "{%p if scaling.score is not none %}",
            "Things are at {{ scaling.score }} out of 10.",
            "{%p endif %}",
            "{%p if review.movement %}",
            "{{ review.movement }}",
            "{%p endif %}",
            "{%p for g in review.achieved %}",
            "✓ Done: {{ g.outcome }}",
            "{%p endfor %}",
            "{%p if scaling.comment %}",
            "{{ scaling.comment }}",
            "{%p endif %}",
            "{%p if child.views %}",
            "You said: “{{ child.views }}”",
            "{%p endif %}",
        ],
    )
    doc.add_paragraph("{%p if scaling.score is not none %}")
    doc.add_paragraph("Where things are now: {{ scaling.score }} out of 10", style="Heading 2")
    scale_pictures(doc)
    doc.add_paragraph()
    doc.add_paragraph("{%p endif %}")
    picture_row(
        doc,
        "checklist.png",
        "What needs to happen",
        ["{%p for o in objectives %}", "• {{ o.outcome }}", "{%p endfor %}"],
    )
    picture_row(
        doc,
        "helpers.png",
        "Who will help",
        ["{%p for a in actions %}", "• {{ a.responsible }}: {{ a.action }}", "{%p endfor %}"],
    )
    picture_row(
        doc,
        "calendar.png",
        "When we will meet again",
        [
            "{%p if meeting.next_review_date %}",
            "We will meet again on {{ meeting.next_review_date }}.",
            "{%p endif %}",
            "{%p if meeting.visit_frequency_days %}",
            "{{ key_worker.name }} will come to see you every {{ meeting.visit_frequency_days }} days.",
            "{%p endif %}",
        ],
    )
    words_we_use(doc, picture="words.png")
    footer(doc, "{{ child.first_name }}’s plan · {{ case.reference }}")
    doc.save(HERE / "plan-child.docx")


def meeting_record() -> None:
    """``meeting-record.docx``: the Record of Planning Meeting (procedure 3.1)."""
    doc = base_document(10.5)
    doc.add_paragraph("Record of Planning Meeting", style="Title")
    details_table(
        doc,
        [
            ("Case reference", "{{ case.reference }}"),
            ("Meeting", "{{ meeting.type }} meeting on {{ meeting.date }}"),
            ("Venue", "{{ meeting.venue or '' }}"),
            ("Chair", "{{ meeting.chair_name }} ({{ meeting.chair_role }})"),
            ("Key worker", "{{ key_worker.name }}, {{ key_worker.role }}{% if key_worker.agency %}, {{ key_worker.agency }}{% endif %}"),
            ("Referral date", "{{ case.referral_date }}"),
            ("Plan started", "{{ case.plan_start_date or '' }}"),
            ("Visits", "{% if meeting.visit_frequency_days %}At least every {{ meeting.visit_frequency_days }} days{% endif %}"),
            ("Next review", "{{ meeting.next_review_date or 'None: closing meeting' }}"),
        ],
    )
    doc.add_heading("Children", level=2)
    loop_table(
        doc,
        ["Child", "Born", "Seen alone", "Things to take into account"],
        "for c in children",
        [
            "{{ c.name }} ({{ c.id }})",
            "{{ c.date_of_birth }}",
            "{{ 'Yes' if c.seen_alone else ('No' if c.seen_alone is not none else '') }}",
            "{{ c.considerations or '' }}",
        ],
        [4.2, 3.4, 2.4, 7.0],
    )
    doc.add_heading("Who attended", level=2)
    loop_table(
        doc,
        ["Name", "Role", "Relationship or agency", "Contribution"],
        "for p in people if p.attended",
        [
            "{{ p.name }}",
            "{{ p.role }}",
            "{{ p.relationship or '' }}{% if p.relationship and p.agency %}, {% endif %}{{ p.agency or '' }}",
            "{{ p.contribution or '' }}",
        ],
        [4.4, 2.8, 6.4, 3.4],
    )
    doc.add_heading("Apologies", level=2)
    loop_table(
        doc,
        ["Name", "Role", "Why they could not attend", "Contribution"],
        "for p in people if not p.attended",
        ["{{ p.name }}", "{{ p.role }}", "{{ p.non_attendance_reason or '' }}", "{{ p.contribution or '' }}"],
        [4.4, 2.8, 6.4, 3.4],
    )
    doc.add_heading("Views and contributions", level=2)
    loop_table(
        doc,
        ["Who", "What they said"],
        "for p in people if p.views",
        ["{{ p.name }} ({{ p.role }})", "{{ p.views }}"],
        [4.4, 12.6],
    )
    doc.add_heading("Differences of view", level=2)
    doc.add_paragraph("{{ disagreements or 'None recorded.' }}")
    doc.add_paragraph("{%p if people|selectattr('receives_copy', 'sameas', false)|list %}")
    doc.add_heading("Copies not sent", level=2)
    loop_table(
        doc,
        ["Who", "Why no copy is sent (procedure 3.3)"],
        "for p in people if p.receives_copy is sameas false",
        ["{{ p.name }} ({{ p.role }})", "{{ p.copy_withheld_reason or 'No reason recorded.' }}"],
        [4.4, 12.6],
    )
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Chair's notes", level=2)
    doc.add_paragraph("{{ meeting.chair_notes or 'None recorded.' }}")
    doc.add_heading("Assessment", level=2)
    doc.add_paragraph("{{ assessment.summary }}")
    details_table(
        doc,
        [
            ("Child’s development", "{{ assessment.child_development or '' }}"),
            ("Parenting capacity", "{{ assessment.parenting_capacity or '' }}"),
            ("Family and environment", "{{ assessment.family_environment or '' }}"),
        ],
    )
    changes_section(doc)
    progress_section(doc, with_going=False)
    objectives_section(doc, with_who=True)
    services_section(doc)
    doc.add_heading("Decisions", level=2)
    details_table(
        doc,
        [
            ("Outcome", "{{ decision.outcome or '' }}"),
            ("Why", "{{ decision.rationale or '' }}"),
            ("Lead professional", "{{ decision.lead_professional or '' }}"),
            (
                "Locality team invited",
                "{{ 'Yes' if decision.locality_team_invited else ('No' if decision.locality_team_invited is not none else '') }}",
            ),
            ("Management agreement", "{{ meeting.management_agreement or '' }}"),
        ],
    )
    doc.add_paragraph("{{ meeting.review_arrangements }}")
    endings_section(doc)
    doc.add_heading("Deadlines", level=2)
    key_dates(doc)
    doc.add_paragraph("{%p if warnings %}")
    doc.add_heading("Points flagged when the form was checked", level=2)
    loop_table(doc, ["Point", "Procedure"], "for w in warnings", ["{{ w.message }}", "{{ w.section }}"], [13.0, 4.0])
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph()
    doc.add_paragraph("Recorded under the {{ procedure }} on {{ generated_on }}.").runs[0].font.size = Pt(8)
    words_we_use(doc)
    footer(doc, "Record of Planning Meeting · {{ case.reference }} · {{ meeting.date }}")
    doc.save(HERE / "meeting-record.docx")


if __name__ == "__main__":
    draw_pictures()
    child_focused_plan()
    words_and_pictures_plan()
    meeting_record()
    print(f"templates written to {HERE}")
