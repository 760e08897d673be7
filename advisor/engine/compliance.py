"""What the work must comply with: the certifications and agreements a vendor needs,
from the kinds of data the work touches and where the buyer is.

The rules follow what buyers of outsourced work require (gathered November 2026):
card payments bring the card industry's standard (PCI DSS v4.0.1, whose last
requirements became mandatory on 31 March 2025); US health data a HIPAA business
associate agreement, which vendors abroad must sign too; personal data of people in
the EU or UK the GDPR's data processing agreement and transfer clauses; any personal
or confidential data an audited security standard (ISO 27001:2022 or a SOC 2 Type II
report); and contact-centre work the COPC standard, as a sign of well-run operations
rather than a legal need.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from advisor.engine.guidance import WorkKind
from advisor.engine.work import DataKind

# Where the GDPR or the UK's copy of it protects people: the EU, the rest of the
# European Economic Area, and the United Kingdom.
GDPR_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "GB",
    ]
)


@dataclass(frozen=True)
class RequiredCertification:
    """A certification or agreement the work needs. A vendor meets it by holding any
    code of `any_of`; `must` says whether it filters vendors or only informs."""

    code: str
    name: str
    why: str
    ask: str
    any_of: tuple[str, ...]
    must: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name": self.name,
            "why": self.why,
            "ask": self.ask,
            "any_of": list(self.any_of),
            "must": self.must,
        }


PCI_DSS = RequiredCertification(
    "pci-dss",
    "PCI DSS",
    "The work takes card payments, so the agents' desktops, call recordings and the "
    "network between them all fall under the card industry's security standard.",
    "Ask for the Attestation of Compliance and the scope it covers, and whether card "
    "numbers are keyed by the customer on the phone keypad so agents never hear them.",
    ("pci-dss",),
)
HIPAA = RequiredCertification(
    "hipaa",
    "HIPAA with a business associate agreement",
    "The work touches US health information, which may be shared only after a business "
    "associate agreement is signed; a vendor abroad is not exempt.",
    "Ask for the agreement they sign, how it binds their subcontractors, and your right "
    "to audit: US law reaches a vendor abroad mostly through the contract.",
    ("hipaa",),
)
GDPR = RequiredCertification(
    "gdpr-ready",
    "GDPR data processing agreement",
    "The vendor would process personal data of people in the EU or UK on your behalf, "
    "which needs a data processing agreement and, outside Europe, transfer clauses.",
    "Ask for their data processing agreement with its list of sub-processors, and the "
    "transfer mechanism (standard contractual clauses) for every country the data goes to.",
    ("gdpr-ready",),
)
SECURITY = RequiredCertification(
    "iso-27001",
    "ISO 27001 or SOC 2 Type II",
    "Personal or confidential data needs a vendor whose security an auditor has checked.",
    "For ISO 27001 ask for the certificate and its scope, and check that the sites doing "
    "your work are in it; for SOC 2 Type II ask for the latest report over a full period "
    "and read its exceptions and the controls it expects of you.",
    ("iso-27001", "soc-2"),
)
COPC = RequiredCertification(
    "copc",
    "COPC",
    "A standard for running contact centres by measured performance; not a legal need, "
    "but a sign the vendor manages quality.",
    "Ask which COPC standard and release they are certified against and when they were "
    "last audited.",
    ("copc",),
    must=False,
)


def certifications_required(
    data: Iterable[DataKind], buyer_country: str, kinds: Iterable[WorkKind]
) -> tuple[RequiredCertification, ...]:
    """The certifications the work needs, the legal ones first."""
    data = frozenset(data)
    required = []
    if DataKind.PAYMENT_CARDS in data:
        required.append(PCI_DSS)
    if DataKind.HEALTH in data and buyer_country == "US":
        required.append(HIPAA)
    if data & {DataKind.PERSONAL, DataKind.HEALTH} and buyer_country in GDPR_COUNTRIES:
        required.append(GDPR)
    if data:
        required.append(SECURITY)
    if WorkKind.CONTACT_CENTRE in frozenset(kinds):
        required.append(COPC)
    return tuple(required)
