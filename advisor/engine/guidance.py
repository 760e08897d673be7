"""What can go wrong, what to measure in the contract and what to have ready before
the first call: plain rules an editor can read and change here.

The kind of work follows from the customer-contact answer and what the work is:
talking to customers is contact-centre work; otherwise the services the buyer chose
say it (a BPO service is back-office work, a KPO one knowledge work), and with none
chosen the verdict does (hybrid work is both). The typical targets
are the ones sources on outsourcing contracts quote (gathered in November 2026):
service levels and resolution rates for contact centres, accuracy by keying method for
data work, and review-based quality for knowledge work.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from advisor.engine.factors import Factor, ProcessType, Verdict
from advisor.engine.work import DataKind

# A customer-contact answer from here on ("mostly talking to customers") is
# contact-centre work.
CONTACT_CENTRE_FROM = 4


class WorkKind(StrEnum):
    CONTACT_CENTRE = "contact_centre"
    BACK_OFFICE = "back_office"
    KNOWLEDGE = "knowledge"


@dataclass(frozen=True)
class Kpi:
    """A measure to write into the contract, its usual target, and why it matters."""

    name: str
    target: str
    why: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "target": self.target, "why": self.why}


KPIS: Mapping[WorkKind, tuple[Kpi, ...]] = {
    WorkKind.CONTACT_CENTRE: (
        Kpi(
            "Service level",
            "80% of contacts answered within 20 seconds",
            "The common benchmark for phone and chat; 90/20 and 70/40 are also used, "
            "so the contract names the one you pay for.",
        ),
        Kpi(
            "First-contact resolution",
            "70 to 75% or higher",
            "A customer helped the first time does not come back; it shows whether the "
            "team solves problems, not just answers them.",
        ),
        Kpi(
            "Customer satisfaction",
            "At or above your own current score, surveyed every month",
            "Your customers' view of the service, measured the same way before and "
            "after the handover.",
        ),
        Kpi(
            "Average handle time",
            "Read only beside resolution and satisfaction",
            "A time target on its own pushes agents to end contacts early.",
        ),
    ),
    WorkKind.BACK_OFFICE: (
        Kpi(
            "Accuracy",
            "97 to 98% keyed once; 99.5 to 99.9% keyed twice and compared",
            "Keying twice costs about twice as much a field; say whether errors are "
            "counted by field or by character, and how the sample is checked.",
        ),
        Kpi(
            "Turnaround",
            "An agreed time for each item or batch, such as one business day",
            "What your own deadlines need, written down so late work is visible.",
        ),
        Kpi(
            "Throughput",
            "An agreed volume a day or month, never below the accuracy target",
            "A speed target without a quality floor trades accuracy for volume.",
        ),
    ),
    WorkKind.KNOWLEDGE: (
        Kpi(
            "Expert review pass rate",
            "The share of deliverables your reviewer accepts first time, set during a pilot",
            "Quality in knowledge work is judged by review or sampling, not counted.",
        ),
        Kpi(
            "Rework rate",
            "The share of deliverables sent back, falling after the first months",
            "Rework is where the cost of a weak analyst shows.",
        ),
        Kpi(
            "Turnaround",
            "An agreed time for each kind of deliverable",
            "Research and analysis lose value when they arrive late.",
        ),
        Kpi(
            "Analyst continuity",
            "Named analysts stay on your work; a change comes with notice and a handover",
            "Knowledge of your business leaves with each analyst who moves on.",
        ),
    ),
}

CHECKLIST_FOR_ALL = (
    "A written description of the work as it runs today, step by step, with its exceptions.",
    "Sample data or finished examples a vendor can price against, anonymised where "
    "they hold personal data.",
    "A named owner on your side who answers the vendor's questions and signs off the work.",
    "How the vendor's people will reach your systems and data, and who approves that access.",
    "A pilot: a small piece of the work for a few weeks, measured against the targets "
    "here, before the full contract.",
)

CHECKLIST: Mapping[WorkKind, tuple[str, ...]] = {
    WorkKind.CONTACT_CENTRE: (
        "Contact volumes by hour and day for recent months, so the vendor can staff "
        "for your peaks.",
        "Your scripts, help articles and the path for escalating a contact to your team.",
    ),
    WorkKind.BACK_OFFICE: (
        "Volumes a day or month and the turnaround your business needs.",
        "The rules for exceptions: what the vendor decides and what comes back to you.",
    ),
    WorkKind.KNOWLEDGE: (
        "Examples of good work and the standard you judge it by.",
        "Who on your side reviews the vendor's work, and how quickly.",
    ),
}


def kinds_of_work(
    verdict: Verdict, answers: Mapping[Factor, int], chosen: Iterable[ProcessType] = ()
) -> tuple[WorkKind, ...]:
    """The kinds of work, given the verdict, the answers and the process types of the
    services the buyer chose."""
    types = (
        set(chosen)
        or {
            Verdict.BPO: {ProcessType.BPO},
            Verdict.KPO: {ProcessType.KPO},
            Verdict.HYBRID: {ProcessType.BPO, ProcessType.KPO},
        }[verdict]
    )
    kinds = []
    contact = answers.get(Factor.CUSTOMER_CONTACT, 0) >= CONTACT_CENTRE_FROM
    if contact:
        kinds.append(WorkKind.CONTACT_CENTRE)
    if ProcessType.BPO in types and not contact:
        kinds.append(WorkKind.BACK_OFFICE)
    if ProcessType.KPO in types:
        kinds.append(WorkKind.KNOWLEDGE)
    return tuple(kinds)


def kpis(kinds: Iterable[WorkKind]) -> tuple[Kpi, ...]:
    """The measures of each kind, in order; a measure two kinds share (turnaround)
    once, as the first kind words it."""
    named: dict[str, Kpi] = {}
    for kind in kinds:
        for kpi in KPIS[kind]:
            named.setdefault(kpi.name, kpi)
    return tuple(named.values())


def readiness_checklist(kinds: Iterable[WorkKind]) -> tuple[str, ...]:
    return CHECKLIST_FOR_ALL + tuple(item for kind in kinds for item in CHECKLIST[kind])


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"


@dataclass(frozen=True)
class Risk:
    """Something that can go wrong with this work, how much it matters, and what to do."""

    key: str
    level: RiskLevel
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "level": self.level.value, "text": self.text}


# Each risk in a few words, for the brief's summary.
RISK_TITLES: Mapping[str, str] = {
    "core_work": "Core work handed out",
    "hard_to_specify": "Work that is hard to specify",
    "thin_documentation": "Thin process documentation",
    "quality_hard_to_measure": "Quality that is hard to measure",
    "confidential_knowledge": "Know-how and confidential data exposed",
    "long_transition": "A long transition",
    "sensitive_data_offshore": "Sensitive data handled abroad",
    "attrition": "High staff turnover",
}


# Yearly staff turnover in BPO work where sources give one (gathered November 2026):
# the Philippines' voluntary attrition, India's, and South African contact centres'.
ATTRITION: Mapping[str, tuple[str, str]] = {
    "PH": ("the Philippines", "31 to 36% a year in 2021 and 2022"),
    "IN": ("India", "about 27% a year"),
    "ZA": ("South Africa", "about 25% a year in contact centres"),
}

# An answer from here on raises the risk.
HIGH_ANSWER = 4


def risks(
    verdict: Verdict,
    answers: Mapping[Factor, int],
    countries: Iterable[str] = (),
    data: Iterable[DataKind] = (),
    buyer_country: str = "",
) -> tuple[Risk, ...]:
    """The risks the answers, the preferred delivery countries and the data the work
    touches point to, the high ones first."""

    def answer(factor: Factor) -> int:
        return answers.get(factor, 0)

    found = []
    if answer(Factor.CORE_PROXIMITY) >= HIGH_ANSWER:
        found.append(
            Risk(
                "core_work",
                RiskLevel.HIGH,
                "The work is close to what sets your business apart. Keep the decisions "
                "and the know-how in house and buy capacity, not judgment, or your own "
                "people slowly lose the skill.",
            )
        )
    if answer(Factor.PROCESS_DEFINITION) >= HIGH_ANSWER:
        found.append(
            Risk(
                "hard_to_specify",
                RiskLevel.HIGH,
                "The work needs interpretation, so it is hard to specify. Write down what "
                "good work looks like, with examples, before vendors price it: unclear "
                "expectations are the most common reason outsourcing contracts fail.",
            )
        )
    elif answer(Factor.PROCESS_DEFINITION) == HIGH_ANSWER - 1:
        found.append(
            Risk(
                "thin_documentation",
                RiskLevel.MEDIUM,
                "The process is only partly written down. Finish the write-up before the "
                "handover, or the vendor learns it through mistakes you pay for.",
            )
        )
    if verdict is not Verdict.BPO or answer(Factor.CUSTOMIZATION) >= HIGH_ANSWER:
        found.append(
            Risk(
                "quality_hard_to_measure",
                RiskLevel.MEDIUM,
                "Quality here is judged rather than counted. Agree who reviews the work, "
                "on what sample, and what counts as rework before the contract is signed.",
            )
        )
    if verdict is Verdict.KPO:
        found.append(
            Risk(
                "confidential_knowledge",
                RiskLevel.MEDIUM,
                "Knowledge work exposes your know-how and confidential data. Settle who "
                "owns the work product, and how access is given and taken back.",
            )
        )
    if (
        answer(Factor.TASK_COMPLEXITY) >= HIGH_ANSWER
        and answer(Factor.SKILL_SCARCITY) >= HIGH_ANSWER
    ):
        found.append(
            Risk(
                "long_transition",
                RiskLevel.MEDIUM,
                "Complex work that needs scarce skills takes long to hand over: plan for "
                "3 to 12 months of transition, with your people and the vendor's working "
                "side by side.",
            )
        )
    countries = frozenset(countries)
    if data := frozenset(data):
        offshore = not countries or bool(countries - {buyer_country})
        if offshore:
            touched = " and ".join(kind.label.lower() for kind in DataKind if kind in data)
            found.append(
                Risk(
                    "sensitive_data_offshore",
                    RiskLevel.HIGH
                    if data & {DataKind.PAYMENT_CARDS, DataKind.HEALTH}
                    else RiskLevel.MEDIUM,
                    f"The work touches {touched}, and a vendor abroad is further from "
                    f"your law and your auditors. Keep the data in your own systems with "
                    f"access from the vendor's site, show agents only what they need, "
                    f"and write audit rights into the contract.",
                )
            )
    if turnover := [ATTRITION[code] for code in sorted(countries) if code in ATTRITION]:
        where = "; ".join(f"{name}, {rate}" for name, rate in turnover)
        found.append(
            Risk(
                "attrition",
                RiskLevel.MEDIUM,
                f"Staff turnover in outsourced work runs high where you would have it "
                f"done ({where}). Ask for the account's own attrition, how newcomers are "
                f"trained, and who pays for it.",
            )
        )
    return tuple(sorted(found, key=lambda risk: risk.level is not RiskLevel.HIGH))
