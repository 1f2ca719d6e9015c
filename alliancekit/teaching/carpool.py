"""Ravi's Karachi→Hyderabad carpool (docs/method.md §7): the smallest complete teaching case.

The case is a workspace folder shipped with the package (``alliancekit/data/cases/carpool/``:
``organization.yaml`` and the CSV tables), loaded and validated like the sample workspaces.
Money is in PKR thousand (``kPKR``); "per year" means 48 working weeks with one Monday and one
Friday trip each (96 one-way trips).
"""

from __future__ import annotations

from alliancekit.model import Workspace

__all__ = ["CARPOOL_CASE", "carpool_workspace"]

#: Folder name of the carpool case under ``alliancekit/data/cases/``.
CARPOOL_CASE = "carpool"


def carpool_workspace(review: bool = False) -> Workspace:
    """Ravi's carpool from Karachi to Hyderabad (docs/method.md §7) as a tiny Workspace.

    Ravi (the focal "organization") wants to be at his desk by 9:30 and needs someone who drives
    after dark (G1), a motorway M-Tag (G2) and people to share fuel and tolls (G3). Four
    companions are candidates: Anil (punctual neighbour), Bhavana (shares fuel, wants a weekly
    Jamshoro detour, comes only if Anil does), Chandu (cheap, but always late and smokes: goal and
    culture compatibility 1, knockout K2) and Divya (a rival for the same promotion, a
    competitor, who will not ride with Anil). The car has 4 seats, so at most 3 companions.

    Parameters
    ----------
    review : bool
        Also include the formed carpool as existing alliances ``AL-ANIL`` and ``AL-BHAVANA`` with
        four quarters (2025-Q1..Q4) of KPIs (on-time arrivals [%], cost per trip [PKR]) and a
        two-sided health survey: Anil's ride is beating plan; Bhavana is moving to Lahore
        (strategic fit 1.5), which should end in EXIT.

    Returns
    -------
    Workspace
        Money in PKR thousand (``kPKR``), per year = 96 one-way trips. Without ``review`` the
        workspace has no alliances and empty KPI and health tables (planning only).
    """
    from alliancekit.resources import packaged
    from alliancekit.workspace import load_workspace

    ws = load_workspace(packaged("cases", CARPOOL_CASE))
    if review:
        return ws
    return ws.replace(alliances=(), kpis=ws.kpis.iloc[0:0], health=ws.health.iloc[0:0])
