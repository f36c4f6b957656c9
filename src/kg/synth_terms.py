"""The words of ``kg synth``: kinds of project, sentences, places; every id is one of ``data/reference``."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

EASTERN = ZoneInfo("America/Toronto")
MINISTER = "diane-ablonczy"
PUBLISHER = "dfait"
ANNOUNCER = (
    "The Honourable Diane Ablonczy, Minister of State of Foreign Affairs (Americas and Consular Affairs)"
)
PROGRAM_SENTENCES = {
    "accbp": "Canada’s contribution is funded by Foreign Affairs and International Trade Canada’s Anti-Crime "
    "Capacity Building Program (ACCBP), which helps beneficiary states prevent and respond to threats posed "
    "by transnational criminal activity throughout the Americas.",
    "gpp": "Canada’s contribution is being made through its Global Partnership Program Against the Spread of "
    "Weapons and Materials of Mass Destruction.",
}
STRATEGY = (
    "central-america-security-strategy",
    "Canada’s contribution will support the implementation of the regional security strategy of the "
    "Central American Integration System (SICA).",
)
RESOLUTION = (
    "unscr-1540",
    "These projects help states meet the legally binding obligations contained in UN Security Council "
    "Resolution 1540.",
)
# Places a project can serve, and the cities or countries an announcement can be made from.
REGIONS = (
    "central-america", "south-america", "caribbean", "americas", "latin-america",
    "latin-america-and-the-caribbean", "mx", "bz", "cr", "sv", "gt", "hn", "ni", "pa", "do",
)  # fmt: skip
COUNTRIES = ("mx", "bz", "cr", "sv", "gt", "hn", "ni", "pa", "do")
REGION_PAIRS = (
    ("central-america", "south-america"),
    ("central-america", "caribbean"),
    ("mx", "central-america"),
)
LOCATIONS = ("guatemala-city", "gt", "hn", "sv", "cr", "pa", "mx", "do")
THE = frozenset({"americas", "caribbean", "do"})
# How the text names an organisation when its reference name alone would not say whose it is.
ORG_NAMES = {
    "oas-sms": "the Organization of American States’ Secretariat for Multidimensional Security (SMS)"
}
EVENTS = (
    "Regional Conference on Citizen Security",
    "Ministerial Meeting on Transnational Organized Crime",
    "Regional Forum on Border Security",
    "Conference of Attorneys General of the Americas",
)


@dataclass(frozen=True)
class Kind:
    """One kind of project: how its title and text read, who carries it out, its program and topic.

    Its themes are not listed here: they are read from the text written, as `kg extract` reads them.
    """

    title: str
    does: str
    also: str
    implementers: tuple[str, ...]
    program: str
    topic: str


KINDS = (
    Kind("Police Training and Cooperation in {place}", "train police officers and improve international police cooperation in {place}", "Officers will share information with their counterparts across the region.", ("interpol", "oas-sms"), "accbp", "Police Cooperation"),  # noqa: E501
    Kind("Countering Drug Trafficking in {place}", "help authorities detect and dismantle drug trafficking networks in {place}", "Prosecutors will receive training on complex transnational cases.", ("unodc",), "accbp", "the Fight against Drug Trafficking"),  # noqa: E501
    Kind("Fighting Human Trafficking in {place}", "strengthen the investigation and prosecution of human trafficking cases in {place}", "Awareness-raising activities will help victims come forward.", ("unodc", "iom"), "accbp", "the Fight against Human Trafficking"),  # noqa: E501
    Kind("Strengthening Border Controls in {place}", "help officials detect false travel documents and secure borders in {place}", "Border officials will be trained in document examination.", ("iom",), "accbp", "Border Security"),  # noqa: E501
    Kind("Combatting Money Laundering in {place}", "help financial intelligence units trace the proceeds of crime in {place}", "Workshops will address the standards against terrorist financing.", ("cfatf", "unodc"), "accbp", "the Fight against Money Laundering"),  # noqa: E501
    Kind("Criminal Justice Reform in {place}", "support crime prevention and criminal justice reform in {place}", "Needs assessments will guide the reforms.", ("unodc", "oas-sms"), "accbp", "Justice Reform"),  # noqa: E501
    Kind("Preventing Violence against Women in {place}", "reinforce police prevention of violence against women in {place}", "Victims will get better access to justice.", ("oas-sms",), "accbp", "Women’s Security"),  # noqa: E501
    Kind("Security Sector Management in {place}", "train senior officials responsible for public security management in {place}", "The course covers human rights, leadership and crisis management.", ("oas-sms", "sica"), "accbp", "Security Sector Reform"),  # noqa: E501
    Kind("Offender Rehabilitation and Reintegration in {place}", "develop methods to evaluate the rehabilitation of offenders in {place}", "The goal is to reduce criminal recidivism.", ("oas-sms", "unodc"), "accbp", "Offender Rehabilitation"),  # noqa: E501
    Kind("Implementing UNSCR 1540 in {place}", "help states in {place} keep weapons of mass destruction out of the hands of non-state actors", "The work helps them implement UN Security Council Resolution 1540, with the 1540 Committee.", ("sica", "oas", "unodc"), "gpp", "Non-Proliferation"),  # noqa: E501
    Kind("Strengthening Export Controls in {place}", "strengthen controls on the export of sensitive materials in {place}", "Customs officers will learn to identify dual-use goods.", ("oas", "unodc"), "gpp", "Export Controls"),  # noqa: E501
    Kind("Biological Security in {place}", "improve the security of dangerous pathogens in laboratories in {place}", "Laboratory staff will be trained in biosecurity.", ("oas", "sica"), "gpp", "Biological Security"),  # noqa: E501
)  # fmt: skip
RELATED = {"Implementing UNSCR 1540 in {place}": "un-1540-committee"}
