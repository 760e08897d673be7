import pytest

from advisor.engine.compliance import certifications_required
from advisor.engine.guidance import WorkKind
from advisor.engine.work import DataKind


def codes(data, country="", kinds=()):
    return [c.code for c in certifications_required(data, country, kinds)]


def test_card_payments_in_a_contact_centre_need_pci_dss_security_and_copc_as_a_signal():
    found = certifications_required([DataKind.PAYMENT_CARDS], "US", [WorkKind.CONTACT_CENTRE])
    assert [(c.code, c.must) for c in found] == [
        ("pci-dss", True),
        ("iso-27001", True),
        ("copc", False),
    ]
    assert found[1].any_of == ("iso-27001", "soc-2")
    assert found[0].to_dict() == {
        "code": "pci-dss",
        "name": "PCI DSS",
        "why": found[0].why,
        "ask": found[0].ask,
        "any_of": ["pci-dss"],
        "must": True,
    }
    assert "Attestation of Compliance" in found[0].ask


@pytest.mark.parametrize(
    ("data", "country", "expected"),
    [
        ([DataKind.HEALTH], "US", ["hipaa", "iso-27001"]),
        # Outside the US, health data is personal data.
        ([DataKind.HEALTH], "DE", ["gdpr-ready", "iso-27001"]),
        ([DataKind.HEALTH], "IN", ["iso-27001"]),
        ([DataKind.PERSONAL], "DE", ["gdpr-ready", "iso-27001"]),
        ([DataKind.PERSONAL], "GB", ["gdpr-ready", "iso-27001"]),
        ([DataKind.PERSONAL], "NO", ["gdpr-ready", "iso-27001"]),
        ([DataKind.PERSONAL], "US", ["iso-27001"]),
        ([DataKind.FINANCIAL], "DE", ["iso-27001"]),
        ([DataKind.CONFIDENTIAL], "", ["iso-27001"]),
        ([], "DE", []),
    ],
)
def test_the_data_and_where_the_buyer_is_decide_what_is_required(data, country, expected):
    assert codes(data, country) == expected


def test_data_kinds_have_labels_a_buyer_reads():
    assert DataKind.PAYMENT_CARDS.label == "Card payments"
    assert [kind.value for kind in DataKind] == [
        "personal",
        "payment_cards",
        "health",
        "financial",
        "confidential",
    ]
