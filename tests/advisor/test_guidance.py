"""What can go wrong, what to measure and what to have ready: the engine's rules."""

import pytest

from advisor.engine import Factor, ProcessType, Verdict
from advisor.engine.guidance import (
    CHECKLIST,
    CHECKLIST_FOR_ALL,
    Kpi,
    RiskLevel,
    WorkKind,
    kinds_of_work,
    kpis,
    readiness_checklist,
    risks,
)
from advisor.engine.work import DataKind

CONTACT_CENTRE, BACK_OFFICE, KNOWLEDGE = WorkKind


@pytest.mark.parametrize(
    ("verdict", "contact", "kinds"),
    [
        (Verdict.BPO, 5, (CONTACT_CENTRE,)),
        (Verdict.BPO, 4, (CONTACT_CENTRE,)),
        (Verdict.BPO, 3, (BACK_OFFICE,)),
        (Verdict.BPO, None, (BACK_OFFICE,)),
        (Verdict.KPO, 1, (KNOWLEDGE,)),
        (Verdict.KPO, 5, (CONTACT_CENTRE, KNOWLEDGE)),
        (Verdict.HYBRID, 2, (BACK_OFFICE, KNOWLEDGE)),
        (Verdict.HYBRID, 4, (CONTACT_CENTRE, KNOWLEDGE)),
    ],
)
def test_the_kind_of_work_follows_the_verdict_and_customer_contact(verdict, contact, kinds):
    answers = {Factor.TASK_COMPLEXITY: 3}
    if contact is not None:
        answers[Factor.CUSTOMER_CONTACT] = contact
    assert kinds_of_work(verdict, answers) == kinds


@pytest.mark.parametrize(
    ("verdict", "chosen", "contact", "kinds"),
    [
        # A website build scored as hybrid is knowledge work: the chosen service says so.
        (Verdict.HYBRID, [ProcessType.KPO], 1, (KNOWLEDGE,)),
        (Verdict.KPO, [ProcessType.BPO], 2, (BACK_OFFICE,)),
        (Verdict.BPO, [ProcessType.BPO, ProcessType.KPO], 2, (BACK_OFFICE, KNOWLEDGE)),
        (Verdict.HYBRID, [ProcessType.BPO], 5, (CONTACT_CENTRE,)),
    ],
)
def test_the_chosen_services_say_what_kind_of_work_it_is(verdict, chosen, contact, kinds):
    assert kinds_of_work(verdict, {Factor.CUSTOMER_CONTACT: contact}, chosen) == kinds


def test_contact_centre_work_is_measured_by_service_level_and_first_contact_resolution():
    measures = {kpi.name: kpi for kpi in kpis([CONTACT_CENTRE])}
    assert measures["Service level"].target == "80% of contacts answered within 20 seconds"
    assert "70 to 75%" in measures["First-contact resolution"].target
    # Handle time is never a target on its own.
    assert "resolution" in measures["Average handle time"].target


def test_knowledge_work_is_measured_by_review_and_back_office_work_by_accuracy():
    assert [kpi.name for kpi in kpis([KNOWLEDGE])] == [
        "Expert review pass rate",
        "Rework rate",
        "Turnaround",
        "Analyst continuity",
    ]
    accuracy = kpis([BACK_OFFICE])[0]
    assert accuracy.name == "Accuracy"
    assert "by field or by character" in accuracy.why
    # Work of both kinds gets both kinds' measures, in order, and turnaround once.
    both = kpis([BACK_OFFICE, KNOWLEDGE])
    assert [kpi.name for kpi in both] == [
        "Accuracy",
        "Turnaround",
        "Throughput",
        "Expert review pass rate",
        "Rework rate",
        "Analyst continuity",
    ]
    assert both[1] == kpis([BACK_OFFICE])[1]


def test_the_checklist_is_what_every_buyer_needs_then_what_the_kind_of_work_needs():
    checklist = readiness_checklist([CONTACT_CENTRE, KNOWLEDGE])
    assert checklist == CHECKLIST_FOR_ALL + CHECKLIST[CONTACT_CENTRE] + CHECKLIST[KNOWLEDGE]
    assert any("pilot" in item for item in CHECKLIST_FOR_ALL)
    assert readiness_checklist([]) == CHECKLIST_FOR_ALL


def test_a_kpi_as_the_snapshot_keeps_it():
    assert Kpi("Turnaround", "One day", "Deadlines.").to_dict() == {
        "name": "Turnaround",
        "target": "One day",
        "why": "Deadlines.",
    }


def risk_keys(verdict, countries=(), **answers) -> list[str]:
    return [
        risk.key
        for risk in risks(
            verdict, {Factor(key): value for key, value in answers.items()}, countries
        )
    ]


def test_routine_documented_support_work_raises_no_risk():
    assert risk_keys(Verdict.BPO, process_definition=1, core_proximity=1, customization=2) == []


def test_core_and_hard_to_specify_work_are_high_risks_listed_first():
    found = risks(
        Verdict.KPO,
        {Factor.CORE_PROXIMITY: 5, Factor.PROCESS_DEFINITION: 4, Factor.TASK_COMPLEXITY: 5},
    )
    assert [(risk.key, risk.level) for risk in found] == [
        ("core_work", RiskLevel.HIGH),
        ("hard_to_specify", RiskLevel.HIGH),
        ("quality_hard_to_measure", RiskLevel.MEDIUM),
        ("confidential_knowledge", RiskLevel.MEDIUM),
    ]
    assert found[0].to_dict() == {"key": "core_work", "level": "high", "text": found[0].text}


def test_partly_documented_bespoke_and_expert_work_have_their_own_risks():
    assert risk_keys(
        Verdict.HYBRID, process_definition=3, customization=4, task_complexity=4, skill_scarcity=5
    ) == ["thin_documentation", "quality_hard_to_measure", "long_transition"]
    # Bespoke work is hard to judge even when it is BPO.
    assert risk_keys(Verdict.BPO, customization=4) == ["quality_hard_to_measure"]
    assert "long_transition" not in risk_keys(Verdict.KPO, task_complexity=4, skill_scarcity=3)


def test_attrition_is_a_risk_where_turnover_is_known_to_run_high():
    (attrition,) = risks(Verdict.BPO, {}, ["PL", "PH", "IN"])
    assert attrition.key == "attrition"
    assert "the Philippines, 31 to 36% a year" in attrition.text
    assert "India, about 27% a year" in attrition.text
    assert risk_keys(Verdict.BPO, ["PL", "RO"]) == []


def test_sensitive_data_done_abroad_is_a_risk_high_for_cards_and_health():
    def found(data, countries=(), buyer="US"):
        return [
            (risk.key, risk.level)
            for risk in risks(Verdict.BPO, {}, countries, data, buyer)
            if risk.key == "sensitive_data_offshore"
        ]

    assert found([DataKind.PAYMENT_CARDS]) == [("sensitive_data_offshore", RiskLevel.HIGH)]
    assert found([DataKind.CONFIDENTIAL], ["MX"]) == [("sensitive_data_offshore", RiskLevel.MEDIUM)]
    # Kept at home, or touching no sensitive data, it is no risk of this kind.
    assert found([DataKind.HEALTH], ["US"]) == []
    assert found([]) == []
    (risk,) = risks(Verdict.BPO, {}, (), [DataKind.HEALTH, DataKind.PERSONAL], "US")
    assert "personal data about people and health data" in risk.text
