"""What the buyer reads: each factor's question, help text, answer choices and reasons.

The web form builds its fields from `FACTOR_TEXTS`; the scorer builds its
explanations from the reason sentences here. Every text traces back to a
distinction between BPO and KPO: the nature of the work, the skill it needs,
the decisions it involves, how defined the process is, how close it sits to the
core, how tailored the output is, why the work is sent out, the technology and
the contact with customers.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from advisor.engine.factors import ANSWER_MAX, ANSWER_MIN, Factor


@dataclass(frozen=True)
class Choice:
    """One answer on the 1 to 5 scale: a short label and a concrete example."""

    value: int
    label: str
    example: str

    @property
    def text(self) -> str:
        """Label and example together, as a form shows them."""
        return f"{self.label}: {self.example}"


@dataclass(frozen=True)
class FactorText:
    """Everything the buyer reads about one factor.

    `low_reason`, `mid_reason` and `high_reason` explain answers 1-2, 3 and 4-5.
    `bpo_part` and `kpo_part` name the slice of the work an answer on that side
    describes, for the advice on splitting hybrid work; `None` where an answer
    on that side says nothing about a slice of the work.
    """

    factor: Factor
    question: str
    help_text: str
    choices: tuple[Choice, ...]
    low_reason: str
    mid_reason: str
    high_reason: str
    bpo_part: str | None
    kpo_part: str | None

    @property
    def label(self) -> str:
        return self.factor.label

    def choice(self, answer: int) -> Choice:
        return self.choices[answer - ANSWER_MIN]

    def reason(self, answer: int) -> str:
        """A sentence explaining what this particular answer means for the verdict."""
        if answer <= 2:
            meaning = self.low_reason
        elif answer == 3:
            meaning = self.mid_reason
        else:
            meaning = self.high_reason
        choice = self.choice(answer).label
        return f"{self.label} {answer} of {ANSWER_MAX} ({choice[0].lower()}{choice[1:]}): {meaning}"


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(
        Choice(value, label, example)
        for value, (label, example) in enumerate(pairs, start=ANSWER_MIN)
    )


FACTOR_TEXTS: Mapping[Factor, FactorText] = MappingProxyType(
    {
        Factor.TASK_COMPLEXITY: FactorText(
            factor=Factor.TASK_COMPLEXITY,
            question="How complex is the work itself?",
            help_text=(
                "Picture a normal day of this work. Typing figures from invoices into a "
                "ledger is simple and the same each time; building a forecast for a new "
                "market is complex and different every time."
            ),
            choices=_choices(
                ("Routine and scripted", "the same few steps each time, like keying paper forms"),
                ("Mostly routine", "set steps with small variations, like running payroll"),
                ("Mixed", "routine steps plus cases that need thought, like handling claims"),
                ("Mostly analytical", "analysis most of the time, like reviewing contracts"),
                ("Novel and research-heavy", "a new question each time, like investment research"),
            ),
            low_reason=(
                "routine, repetitive tasks that follow a script are the everyday business "
                "of BPO providers."
            ),
            mid_reason=(
                "the work mixes routine steps with cases that need thought, so it may "
                "split between the two kinds of provider."
            ),
            high_reason=(
                "analytical, research-heavy work is what knowledge process outsourcing exists for."
            ),
            bpo_part="the routine steps that repeat",
            kpo_part="the analysis of complex or unusual cases",
        ),
        Factor.SKILL_SCARCITY: FactorText(
            factor=Factor.SKILL_SCARCITY,
            question="How hard is it to find people who can do this work?",
            help_text=(
                "Think of who you would hire to do it yourself. An office worker learns "
                "invoice entry in a few weeks; a patent search needs a technical degree "
                "plus legal training."
            ),
            choices=_choices(
                ("Easy to find", "basic computer skills and a few weeks of training"),
                ("Common skills", "clear communication and some training, like email support"),
                ("Some specialist training", "a certificate or a year or two, like bookkeeping"),
                ("Specialist", "a relevant degree and years in the field, like financial analysis"),
                (
                    "Rare expertise",
                    "an advanced degree, a professional license or deep domain experience",
                ),
            ),
            low_reason=(
                "BPO providers hire widely and train all-rounders, so skills that are easy "
                "to find suit them."
            ),
            mid_reason=(
                "the work needs some training beyond the basics but not rare expertise, so "
                "it sits between the two."
            ),
            high_reason=(
                "scarce expertise calls for the degree-holding specialists with field "
                "experience that KPO providers recruit."
            ),
            bpo_part="the tasks a trained all-rounder can do",
            kpo_part="the tasks that need scarce specialist skills",
        ),
        Factor.DECISION_AUTHORITY: FactorText(
            factor=Factor.DECISION_AUTHORITY,
            question="How much judgment and decision-making would the provider carry?",
            help_text=(
                "Ask what happens when something unusual comes up. A help-desk agent "
                "follows the script and passes odd cases back to you; a research analyst "
                "tells you which option to take."
            ),
            choices=_choices(
                ("Follows fixed rules", "every exception goes back to you"),
                ("Minor choices", "picks between set options, like choosing a template reply"),
                ("Some judgment", "settles routine cases and escalates hard ones"),
                ("Recommends decisions", "weighs the evidence and advises you, like a risk review"),
                (
                    "Makes key decisions",
                    "makes or shapes consequential business calls, like a design choice",
                ),
            ),
            low_reason=(
                "the provider would apply your rules and hand exceptions back, the limited "
                "authority typical of BPO."
            ),
            mid_reason=(
                "the provider would settle routine cases but pass harder ones on, so both "
                "kinds of work are present."
            ),
            high_reason=(
                "the provider would make or recommend real business decisions, which is "
                "knowledge work."
            ),
            bpo_part="the rule-based processing",
            kpo_part="the judgment calls and decisions",
        ),
        Factor.PROCESS_DEFINITION: FactorText(
            factor=Factor.PROCESS_DEFINITION,
            question="How well defined is the way the work gets done?",
            help_text=(
                "If you could hand someone a step-by-step manual today, the process is well "
                "defined. If most of the job is working out what to do, it is not."
            ),
            choices=_choices(
                ("Fully documented", "a step-by-step manual exists, like form processing"),
                ("Mostly documented", "a checklist covers nearly everything, like payroll"),
                ("Partly documented", "guidelines exist but cases need interpretation"),
                ("Loosely defined", "a goal and a method but few fixed steps, like a market study"),
                ("Undefined", "the approach is worked out each time, like product R&D"),
            ),
            low_reason=(
                "a predefined process can be handed over as it stands, which is how BPO works."
            ),
            mid_reason=(
                "guidelines cover part of the work and the rest needs interpretation, a mix "
                "of both models."
            ),
            high_reason=(
                "the provider must understand and interpret the work rather than follow "
                "steps, a mark of KPO."
            ),
            bpo_part="the documented step-by-step procedures",
            kpo_part="the work that needs interpretation",
        ),
        Factor.CORE_PROXIMITY: FactorText(
            factor=Factor.CORE_PROXIMITY,
            question="How close is the work to what makes your business competitive?",
            help_text=(
                "Support functions keep the business running but are not why customers "
                "choose you, like payroll or order entry. Core work is what you are known "
                "for, like a consultancy's analysis or a studio's designs."
            ),
            choices=_choices(
                ("Support function", "needed but invisible to customers, like bookkeeping"),
                ("Mostly support", "touches the core only at the edges, like a staff help desk"),
                ("Mixed", "closely supports a core activity, like preparing data for analysts"),
                ("Near the core", "feeds your key decisions, like competitor research"),
                ("Core competence", "what you are known for, like product engineering"),
            ),
            low_reason=(
                "handing out a support function frees you to concentrate on your core, the "
                "classic case for BPO."
            ),
            mid_reason=(
                "the work supports a core activity closely without being it, so it leans "
                "neither way."
            ),
            high_reason=(
                "the work is tied to your competitive strength, and sending core work out "
                "is knowledge process outsourcing."
            ),
            bpo_part="the supporting back-office tasks",
            kpo_part="the work close to your core business",
        ),
        Factor.CUSTOMIZATION: FactorText(
            factor=Factor.CUSTOMIZATION,
            question="How tailored must the result be to your business or industry?",
            help_text=(
                "A payslip looks the same whichever company it is for. A market report or "
                "a legal brief is written for one client's situation and sector."
            ),
            choices=_choices(
                ("Standard", "the same for every client, like entering invoices"),
                ("Lightly adapted", "standard with your branding or a few house rules"),
                ("Configured", "a standard service set up for you, like your chart of accounts"),
                ("Tailored", "shaped to your industry, like a sector risk analysis"),
                ("Bespoke", "built from scratch for your case, like a custom financial model"),
            ),
            low_reason=(
                "output that looks the same for every client fits BPO, which serves all "
                "kinds of business at volume."
            ),
            mid_reason=("a standard service configured for you sits between the two models."),
            high_reason=(
                "KPO providers serve particular markets and shape their tools and output "
                "to each client."
            ),
            bpo_part="the standard output that is the same for everyone",
            kpo_part="the output tailored to your market",
        ),
        Factor.DRIVING_FORCE: FactorText(
            factor=Factor.DRIVING_FORCE,
            question="What is the main reason you want to outsource this work?",
            help_text=(
                "Doing the same work for less money points one way; getting knowledge or "
                "insight your own team does not have points the other."
            ),
            choices=_choices(
                ("Lower cost", "the same work, cheaper, like moving data entry offshore"),
                ("Cost and capacity", "cheaper plus room to grow, like extra seats for a peak"),
                ("Cost and quality", "saving money and better results matter equally"),
                ("Mainly expertise", "better quality than you can get locally"),
                ("Expertise you lack", "skills you cannot hire at home at any sensible price"),
            ),
            low_reason="cutting cost is the main selling point of BPO.",
            mid_reason="cost and quality weigh equally, which points neither way.",
            high_reason=(
                "buying expertise or insight you lack, more than saving money, is what drives KPO."
            ),
            bpo_part=None,
            kpo_part=None,
        ),
        Factor.TECHNOLOGY: FactorText(
            factor=Factor.TECHNOLOGY,
            question="What technology does the work need?",
            help_text=(
                "Basic means a computer, office software and a phone line. Advanced means "
                "analytics platforms, statistical or AI tools, or specialist software such "
                "as CAD."
            ),
            choices=_choices(
                ("Basic office tools", "phone, email and spreadsheets"),
                ("Standard business software", "an accounting, payroll or ticketing system"),
                (
                    "Some specialist tools",
                    "industry software for trained staff, like a claims system",
                ),
                ("Analytics tools", "statistics, data analysis or modelling software"),
                ("Advanced specialist software", "AI, simulation, CAD or research databases"),
            ),
            low_reason="everyday office and phone tools are all most BPO work needs.",
            mid_reason=(
                "some specialist software is involved, but not the advanced tools of "
                "knowledge work."
            ),
            high_reason=(
                "advanced analytics or specialist software belongs to KPO's heavier "
                "technology setup."
            ),
            bpo_part="the work done with everyday office tools",
            kpo_part="the work that needs analytics or specialist software",
        ),
        Factor.CUSTOMER_CONTACT: FactorText(
            factor=Factor.CUSTOMER_CONTACT,
            question="How much of the work is talking to your own customers?",
            help_text=(
                "Count the calls, chats and emails with your customers. A support line is "
                "almost all contact; reconciling accounts in the back office has none."
            ),
            choices=_choices(
                ("None", "back-office work only, like bookkeeping"),
                ("Occasional", "now and then, like confirming a detail with a customer"),
                ("Part of the job", "about half, like order processing with follow-up calls"),
                ("Mostly contact", "most of the day, like email and chat support"),
                ("It is the job", "all day long, like an inbound call center"),
            ),
            low_reason=(
                "the work stays away from your customers, so it needs no front-office "
                "contact team; on its own this nudges it toward knowledge work."
            ),
            mid_reason=(
                "customer contact is part of the job but not all of it, which points neither way."
            ),
            high_reason=(
                "serving your customers by phone, chat or email is the heart of call-center BPO."
            ),
            bpo_part="the calls, chats and emails with your customers",
            kpo_part=None,
        ),
    }
)


# Each answer as a condition on the work, for "what would change it": the answer
# to give, said as a fact about the work rather than as a number.
ANSWER_CONDITIONS: Mapping[Factor, tuple[str, ...]] = MappingProxyType(
    {
        Factor.TASK_COMPLEXITY: (
            "if the work were routine and scripted, the same few steps each time",
            "if the work were mostly routine, set steps with small variations",
            "if the work mixed routine steps with cases that need thought",
            "if the work were mostly analytical",
            "if each piece of work were a new, research-heavy question",
        ),
        Factor.SKILL_SCARCITY: (
            "if people with basic skills could learn the work in a few weeks",
            "if the work needed only common skills and some training",
            "if the work needed some specialist training",
            "if the work needed specialists with a degree and years in the field",
            "if the work needed rare expertise, such as a professional license",
        ),
        Factor.DECISION_AUTHORITY: (
            "if the provider followed fixed rules and passed every exception back to you",
            "if the provider made only minor choices between set options",
            "if the provider settled routine cases and passed hard ones back",
            "if the provider weighed the evidence and recommended decisions",
            "if the provider made key business decisions",
        ),
        Factor.PROCESS_DEFINITION: (
            "if the work followed a written, step-by-step procedure",
            "if a checklist covered nearly all of the work",
            "if guidelines covered part of the work and the rest needed interpretation",
            "if the work had a goal and a method but few fixed steps",
            "if the approach had to be worked out each time",
        ),
        Factor.CORE_PROXIMITY: (
            "if the work were a support function your customers never see",
            "if the work touched your core business only at the edges",
            "if the work closely supported a core activity",
            "if the work fed your key business decisions",
            "if the work were what your business is known for",
        ),
        Factor.CUSTOMIZATION: (
            "if the result were the same for every client",
            "if the result were standard with a few house rules",
            "if the result were a standard service set up for you",
            "if the result had to be shaped to your industry",
            "if the result had to be built from scratch for your case",
        ),
        Factor.DRIVING_FORCE: (
            "if lower cost were the main reason to outsource",
            "if cost and room to grow were the main reasons to outsource",
            "if saving money and better results mattered equally",
            "if better quality than you can get locally were the main reason",
            "if you were outsourcing to get skills you cannot hire at home",
        ),
        Factor.TECHNOLOGY: (
            "if the work needed only phone, email and spreadsheets",
            "if the work needed standard business software",
            "if the work needed some specialist tools",
            "if the work needed analytics or modelling software",
            "if the work needed advanced specialist software such as AI or CAD",
        ),
        Factor.CUSTOMER_CONTACT: (
            "if the work involved no contact with your customers",
            "if the work involved contact with your customers only now and then",
            "if about half of the work were contact with your customers",
            "if most of the work were contact with your customers",
            "if talking to your customers were the whole job",
        ),
    }
)
