"""Provinces and territories a learner can be registered in, with their regulators.

The regulator is pre-filled from this table but stays editable: a learner registered elsewhere
chooses "Outside Canada" and names their regulator.
"""

from wtforms import SelectChoice

JURISDICTIONS: dict[str, tuple[str, str]] = {
    "AB": ("Alberta", "College of Physiotherapists of Alberta"),
    "BC": ("British Columbia", "College of Health and Care Professionals of BC"),
    "MB": ("Manitoba", "College of Physiotherapists of Manitoba"),
    "NB": ("New Brunswick", "College of Physiotherapists of New Brunswick"),
    "NL": ("Newfoundland and Labrador", "Newfoundland & Labrador College of Physiotherapists"),
    "NS": ("Nova Scotia", "Nova Scotia College of Physiotherapists"),
    "NT": ("Northwest Territories", "Government of the Northwest Territories"),
    "NU": ("Nunavut", "Government of Nunavut"),
    "ON": ("Ontario", "College of Physiotherapists of Ontario"),
    "PE": ("Prince Edward Island", "Prince Edward Island College of Physiotherapists"),
    "QC": ("Québec", "Ordre professionnel de la physiothérapie du Québec"),
    "SK": ("Saskatchewan", "Saskatchewan College of Physical Therapists"),
    "YT": ("Yukon", "Government of Yukon"),
    "OTHER": ("Outside Canada", ""),
}


def jurisdiction_choices() -> list[SelectChoice]:
    return [SelectChoice(code, name) for code, (name, _regulator) in JURISDICTIONS.items()]


def jurisdiction_name(code: str | None) -> str:
    return JURISDICTIONS.get(code or "", (code or "", ""))[0]
