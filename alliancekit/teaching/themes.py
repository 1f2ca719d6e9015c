"""The vocabulary random classroom cases are drawn from: Sindh SMEs, partner names, forms.

Each theme is an organization (name, sector, region, mission) with six capability gaps and their
importance [1–5]; a case uses the first 3–6. Partner names join a prefix and a suffix that fits
the relation; ``RELATION_P`` is the chance of each relation for a non-backbone candidate.
"""

from __future__ import annotations

from alliancekit.model import AllianceForm, Relation

__all__ = ["FORMS", "PREFIXES", "RELATION_P", "SUFFIXES", "THEMES"]

THEMES: tuple[dict, ...] = (
    {
        "name": "Mehran Solar Installers",
        "sector": "rooftop solar installation",
        "region": "Hyderabad, Sindh",
        "mission": "Affordable rooftop solar for homes and small shops in lower Sindh.",
        "gaps": (
            ("Panel and inverter supply at stable prices", 5),
            ("Consumer financing (instalments)", 4),
            ("Access to utility net-metering approvals", 4),
            ("Trained installer crews", 3),
            ("Corporate rooftop customers", 3),
            ("After-sales service network", 2),
        ),
    },
    {
        "name": "Indus Valley Dairy Cooperative",
        "sector": "dairy processing",
        "region": "Tando Allahyar, Sindh",
        "mission": "Fair prices for smallholder milk and safe packaged dairy for Sindh's cities.",
        "gaps": (
            ("Chilling centres near the farms", 5),
            ("Cold-chain transport to Karachi", 5),
            ("Supermarket shelf space", 4),
            ("Veterinary and feed advice", 3),
            ("Food-safety certification", 3),
            ("Working-capital finance", 3),
        ),
    },
    {
        "name": "Sukkur Date Exporters",
        "sector": "agri-food export",
        "region": "Sukkur and Khairpur, Sindh",
        "mission": "Bring Khairpur dates to buyers abroad with full traceability.",
        "gaps": (
            ("Export-grade grading and packing", 5),
            ("Buyers in the Gulf and Europe", 5),
            ("Trade finance and letters of credit", 4),
            ("Cold storage", 3),
            ("Phytosanitary certification", 4),
            ("Farmer training in post-harvest handling", 2),
        ),
    },
    {
        "name": "Karachi Code Works",
        "sector": "software services",
        "region": "Karachi, Sindh",
        "mission": "Reliable software for Pakistani SMEs, built by local talent.",
        "gaps": (
            ("Cloud hosting and credits", 4),
            ("Enterprise customers", 5),
            ("Payments integration", 4),
            ("Graduate hiring pipeline", 3),
            ("Urdu and Sindhi localisation", 2),
            ("Security certification", 3),
        ),
    },
)
PREFIXES = (
    "Al-Noor",
    "Sindh",
    "Indus",
    "Mehran",
    "Kohinoor",
    "Shah",
    "Qasim",
    "Latif",
    "Pak",
    "Sapna",
    "Ravi",
    "Chenab",
    "Hala",
    "Thar",
    "Bhit",
    "Kirthar",
    "Makli",
    "Badin",
)
SUFFIXES = {
    Relation.SUPPLIER: ("Traders", "Supplies", "Industries", "Logistics", "Enterprises"),
    Relation.CUSTOMER: ("Retail", "Developers", "Stores", "Hospitality", "Group"),
    Relation.COMPLEMENTOR: ("Technologies", "Finance", "Services", "Labs", "Network"),
    Relation.COMPETITOR: ("Solutions", "& Co.", "Brothers", "Holdings"),
    Relation.PUBLIC_BODY: ("Development Authority", "University", "Municipal Committee"),
}
RELATION_P = {
    Relation.SUPPLIER: 0.30,
    Relation.CUSTOMER: 0.15,
    Relation.COMPLEMENTOR: 0.30,
    Relation.COMPETITOR: 0.10,
    Relation.PUBLIC_BODY: 0.15,
}
FORMS = {
    Relation.SUPPLIER: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.STRATEGIC_PARTNERSHIP),
    Relation.CUSTOMER: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.STRATEGIC_PARTNERSHIP),
    Relation.COMPLEMENTOR: (
        AllianceForm.ALLIANCE_AGREEMENT,
        AllianceForm.STRATEGIC_PARTNERSHIP,
        AllianceForm.JOINT_VENTURE,
        AllianceForm.ALLIANCE_NETWORK,
    ),
    Relation.COMPETITOR: (AllianceForm.ALLIANCE_AGREEMENT, AllianceForm.JOINT_VENTURE),
    Relation.PUBLIC_BODY: (AllianceForm.ALLIANCE_AGREEMENT,),
}
