"""A request for proposal the buyer sends to shortlisted vendors, built from a saved
brief's snapshot alone: `rfp_content` words it once as plain sections, which the
printable page and the Word file (`rfp_docx`) both draw, so the two never differ."""

import io
from dataclasses import dataclass
from typing import Literal

from django.utils.text import slugify
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from advisor.engine import Verdict
from advisor.engine.results import Result
from advisor.models import Recommendation

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The verdict as a vendor reads it: what kind of provider and work this is.
KIND_OF_WORK = {
    Verdict.BPO: (
        "Business process outsourcing (BPO): routine, rule-driven work, done to a process "
        "we document and hand over."
    ),
    Verdict.KPO: (
        "Knowledge process outsourcing (KPO): expert work that calls for judgment, analysis "
        "and specialist skills."
    ),
    Verdict.HYBRID: (
        "A mix of business and knowledge process outsourcing: routine steps a documented "
        "process can cover, and parts that need expert judgment."
    ),
}

DATA_KINDS = {
    "personal": "personal data about identifiable people",
    "payment_cards": "payment card data",
    "health": "health information",
    "financial": "financial records",
    "confidential": "confidential business information",
}

DATA_HANDLING_QUESTIONS = (
    "Where the data would be stored and processed (countries and sites), and on whose systems.",
    "Who on your side could see it, how that access is granted and checked, and how it is "
    "removed the day someone leaves.",
    "How soon you would tell us of a breach or suspected breach, and what you would do first.",
    "How the data is returned or destroyed when the contract ends.",
)

# Each entry: what to ask, then what it should cover. Worded for the vendor.
QUESTIONS = (
    (
        "Pricing model and rates",
        "How you would charge (per hour, per full-time person, per transaction or a fixed "
        "fee), your rate for each role in {currency}, and what the price includes and "
        "leaves out: management, tools, holidays, overtime, cover outside business hours.",
    ),
    (
        "Team",
        "How many people you would assign, their roles and seniority, who would lead the "
        "account, and the country and city each would work from.",
    ),
    (
        "Transition",
        "Your plan for taking the work over: its steps, how many weeks it takes from "
        "signing to full service, and what you need from us during it.",
    ),
    (
        "Attrition",
        "Staff attrition over the last twelve months on accounts like this one, and how "
        "you replace someone who leaves and pass on what they knew.",
    ),
    (
        "Security evidence",
        "Each certificate you hold with its scope (which sites and services it covers) "
        "and its expiry date, and your latest audit report or attestation.",
    ),
    (
        "Measures",
        "How you would report on each measure in this request, and how often.",
    ),
    (
        "References",
        "Two or three clients with similar work who would take a call from us.",
    ),
)

# Weeks from the day the request is sent; the buyer turns them into dates.
TIMELINE = (
    ("Questions from vendors due", "Week 1"),
    ("Proposals due", "Week 3"),
    ("Calls with the shortlisted vendors", "Week 4"),
    ("Pilot starts", "Week 6"),
)

FILENAME_WORK_MAX = 60


@dataclass(frozen=True)
class Block:
    """One piece of a section: a paragraph (with a bold `lead` if given), a link, a
    bullet list, or a table whose first row is its header."""

    kind: Literal["paragraph", "link", "bullets", "table"]
    text: str = ""
    lead: str = ""
    url: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()

    @property
    def placeholder(self) -> bool:
        """Text in square brackets is for the buyer to replace before sending."""
        return self.text.startswith("[") and self.text.endswith("]")

    @property
    def header(self) -> tuple[str, ...]:
        return self.rows[0] if self.rows else ()

    @property
    def body(self) -> tuple[tuple[str, ...], ...]:
        return self.rows[1:]


@dataclass(frozen=True)
class Section:
    heading: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Rfp:
    title: str
    work_name: str
    sections: tuple[Section, ...]

    @property
    def filename(self) -> str:
        work = slugify(self.work_name)[:FILENAME_WORK_MAX].strip("-") or "outsourcing"
        return f"rfp-{work}.docx"


def paragraph(text: str, lead: str = "") -> Block:
    return Block("paragraph", text=text, lead=lead)


def bullets(*items: str) -> Block:
    return Block("bullets", items=tuple(items))


def table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> Block:
    return Block("table", rows=(header, *rows))


def work_name(recommendation: Recommendation) -> str:
    """The work's name; briefs saved before the work was asked for name its kind."""
    if recommendation.task_name:
        return recommendation.task_name
    return Verdict(recommendation.verdict).long_label.lower()


def rfp_content(recommendation: Recommendation, *, brief_url: str) -> Rfp:
    """The request for proposal for a saved brief, from its snapshot alone. Keys that
    older snapshots lack leave out what they would have said."""
    result = Result.from_dict(recommendation.result)
    preferences = recommendation.preferences
    guidance = recommendation.guidance
    name = work_name(recommendation)
    sections = (
        Section(
            "About this request",
            (
                paragraph(
                    "We are looking for a provider for the work described below. Please "
                    "answer every question under “What to answer” in writing by the "
                    "date set for proposals in the timeline."
                ),
                paragraph("[your organisation]", lead="From: "),
                paragraph("[name and email address]", lead="Send questions and proposals to: "),
            ),
        ),
        Section("The work", work_blocks(recommendation, result)),
        Section("Volume", volume_blocks(recommendation)),
        Section("Certifications and data handling", compliance_blocks(guidance, preferences)),
        Section("Measures and service levels", measure_blocks(guidance)),
        Section("What to answer", question_blocks(guidance, preferences)),
        Section(
            "Timeline",
            (
                paragraph(
                    "Weeks count from the day this request is sent; replace them with "
                    "dates before sending."
                ),
                table(("Step", "When"), list(TIMELINE)),
            ),
        ),
        Section(
            "The brief behind this request",
            (
                paragraph(
                    "The recommendation this request comes from, with the answers it was made from:"
                ),
                Block("link", text=brief_url, url=brief_url),
            ),
        ),
    )
    return Rfp(title=f"Request for proposal: {name}", work_name=name, sections=sections)


def work_blocks(recommendation: Recommendation, result: Result) -> tuple[Block, ...]:
    blocks = (
        [paragraph(recommendation.task_name, lead="Name: ")] if recommendation.task_name else []
    )
    if recommendation.task_description:
        blocks.append(paragraph(recommendation.task_description, lead="Description: "))
    if services := [item["name"] for item in recommendation.task_services]:
        blocks += [paragraph("", lead="Services it covers:"), bullets(*services)]
    blocks.append(paragraph(KIND_OF_WORK[result.verdict], lead="Kind of work: "))
    if result.split is not None:
        blocks.append(paragraph(result.split.text, lead="How we see it divided: "))
    return tuple(blocks)


def volume_blocks(recommendation: Recommendation) -> tuple[Block, ...]:
    preferences = recommendation.preferences
    names = recommendation.preference_names
    cost = recommendation.guidance.get("cost") or {}
    hours = preferences.get("hours_per_week")
    if hours:
        volume = f"About {hours} hours of work a week."
    elif cost.get("hours_per_week"):
        volume = (
            f"About {cost['hours_per_week']} hours of work a week (an assumption: please "
            f"price the volume you think the work needs)."
        )
    else:
        volume = "To be agreed: please say what volume your price assumes."
    blocks = [
        paragraph(volume, lead="Hours: "),
        paragraph(
            "Around the clock, every day of the year (24/7)."
            if preferences.get("needs_24_7")
            else "Business hours on working days.",
            lead="Cover: ",
        ),
    ]
    if languages := [
        names.get("languages", {}).get(code, code) for code in preferences.get("languages", [])
    ]:
        blocks.append(paragraph(" and ".join(languages) + ".", lead="Languages: "))
    if countries := [
        names.get("countries", {}).get(code, code) for code in preferences.get("countries", [])
    ]:
        blocks.append(paragraph(", ".join(countries) + ".", lead="Delivered from: "))
    return tuple(blocks)


def compliance_blocks(guidance: dict, preferences: dict) -> tuple[Block, ...]:
    kinds = [
        DATA_KINDS[kind] for kind in preferences.get("data_sensitivity", []) if kind in DATA_KINDS
    ]
    blocks = [
        paragraph(
            f"The work touches {join_words(kinds)}."
            if kinds
            else "We have named no sensitive "
            "data the work touches; say if you would treat any of it as sensitive.",
            lead="Data: ",
        )
    ]
    required = guidance.get("certifications_required") or []
    if required:
        condition = (
            "We require those marked required; a proposal without one will not be considered."
            if preferences.get("require_certifications", True)
            else "We expect those marked required; if you lack one, say how you protect the "
            "data instead."
        )
        blocks += [
            paragraph(condition, lead="Certifications: "),
            table(
                ("Certification", "Required?", "Why", "What to send"),
                [
                    (
                        item["name"],
                        "Required" if item.get("must", True) else "Welcome, not required",
                        item.get("why", ""),
                        item.get("ask", ""),
                    )
                    for item in required
                ],
            ),
        ]
    blocks += [
        paragraph("", lead="Tell us how you handle the data:"),
        bullets(*DATA_HANDLING_QUESTIONS),
    ]
    return tuple(blocks)


def measure_blocks(guidance: dict) -> tuple[Block, ...]:
    kpis = guidance.get("kpis") or []
    if not kpis:
        return (
            paragraph(
                "We will agree measures and their targets with the provider we choose; "
                "please propose the ones you report on for work like this."
            ),
        )
    return (
        paragraph(
            "What we would write into the contract, with the targets such contracts usually "
            "set. We will agree the final figures during the pilot."
        ),
        table(
            ("Measure", "Target", "Why it matters"),
            [(kpi["name"], kpi["target"], kpi["why"]) for kpi in kpis],
        ),
    )


def question_blocks(guidance: dict, preferences: dict) -> tuple[Block, ...]:
    currency = preferences.get("currency") or "USD"
    blocks = [paragraph("Please answer each of these in your proposal.")]
    for lead, text in QUESTIONS:
        blocks.append(paragraph(text.format(currency=currency), lead=f"{lead}: "))
    asks = [
        f"{item['name']}: {item['ask']}"
        for item in guidance.get("certifications_required") or []
        if item.get("ask")
    ]
    if asks:
        blocks += [paragraph("", lead="For each certification this request names:"), bullets(*asks)]
    return tuple(blocks)


def join_words(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def rfp_docx(rfp: Rfp) -> bytes:
    """The request as an editable Word file: headings, paragraphs, bullet lists and
    tables in Word's own styles, placeholders highlighted for the buyer to fill in."""
    document = Document()
    properties = document.core_properties
    properties.title = rfp.title
    # python-docx signs its files by default; the buyer is the author.
    properties.author = properties.last_modified_by = ""
    properties.comments = ""
    document.add_heading(rfp.title, level=0)
    for section in rfp.sections:
        document.add_heading(section.heading, level=1)
        for block in section.blocks:
            add_block(document, block)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def add_block(document, block: Block) -> None:
    if block.kind == "paragraph":
        text = document.add_paragraph()
        if block.lead:
            text.add_run(block.lead).bold = True
        run = text.add_run(block.text)
        if block.placeholder:
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    elif block.kind == "link":
        add_hyperlink(document.add_paragraph(), block.text, block.url)
    elif block.kind == "bullets":
        for item in block.items:
            document.add_paragraph(item, style="List Bullet")
    else:
        grid = document.add_table(rows=0, cols=len(block.header), style="Table Grid")
        for number, row in enumerate(block.rows):
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = value
                if number == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
        document.add_paragraph()


def add_hyperlink(paragraph: Paragraph, text: str, url: str) -> None:
    """A clickable link. python-docx reads hyperlinks but has no call to add one
    (upstream python-openxml/python-docx#74), so the `w:hyperlink` is built here and
    appended to the paragraph's element, `_p`, as that ticket shows."""
    part = paragraph.part
    relationship = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    properties.append(style)
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "0563C1")
    properties.append(color)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.append(underline)
    run.append(properties)
    content = OxmlElement("w:t")
    content.text = text
    run.append(content)
    link.append(run)
    paragraph._p.append(link)
