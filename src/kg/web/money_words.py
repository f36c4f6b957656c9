"""The words of the money sections, in English and French (names of things come from the data).

Kept beside ``kg.web.i18n`` rather than in it, and read through the same ``translator``-style lookup: an
unknown key shows itself.
"""

from __future__ import annotations

from collections.abc import Callable

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "figures": "In figures",
        "releases": "News releases",
        "releases_no_total": "{count} state no total",
        "releases_no_total_1": "1 states no total",
        "releases_no_projects": "{count} announce no project",
        "releases_no_projects_1": "1 announces no project",
        "projects": "Projects",
        "announced": "Total announced",
        "announced_note": "the totals of {count} releases, added",
        "announced_note_1": "the total of 1 release",
        "grants": "Sum of the grants",
        "grants_note": "{count} grants, their figures added as stated",
        "grants_note_1": "1 grant, its figure as stated",
        "kind_over": "a lower bound: {n} of its figures are stated as “over”",
        "kind_upTo": "an upper bound: {n} of its figures are stated as “up to”",
        "kind_mixed": "neither bound: {over} figures are stated as “over” and {upTo} as “up to”",
        "kind_approximately": "{n} of its figures are approximate (“close to”)",
        "charts": "Where the money goes",
        "charts_note": (
            "Amounts in {currency}, as the releases state them. A project with two implementers or two "
            "regions counts in each of their bars, so the bars of a chart may add up to more than the "
            "total."
        ),
        "by_program": "Funding by program",
        "by_implementer": "Funding by implementer",
        "by_region": "Funding by beneficiary region",
        "by_year": "Funding by year of the release",
        "flow": "Funding flow: government → program → implementer → region",
        "flow_note": (
            "A project with several implementers or regions goes through one node naming them all: the "
            "releases do not say how its money is shared."
        ),
        "col_funder": "Government",
        "col_program": "Program",
        "col_implementer": "Implementer",
        "col_region": "Region",
        "col_year": "Year",
        "from": "From",
        "to": "To",
        "amount": "Amount",
        "count": "Projects",
        "not_stated": "not stated",
        "others": "{count} others",
        "money": "Money",
        "project_count": "{count} projects",
        "project_count_1": "1 project",
        "listed": "The {listed} largest are listed.",
        "no_figure": "no figure stated",
        "project": "Project",
        "implementer": "Implementer",
        "program": "Program",
        "regions": "Regions",
        "release": "Release",
        "date": "Date",
        "how": "Link",
        "how_implementer": "implements it",
        "how_unit": "through {via}",
        "how_funder": "funds it",
        "how_administers": "through its program {via}",
        "how_in": "",
        "how_within": "through {via}, within it",
        "how_containing": "through {via}, a region containing it",
        "no_projects": "No project of the dataset is linked to it.",
        "release_total": "Announced in the release",
        "release_no_total": "The release states no total.",
    },
    "fr": {
        "figures": "En chiffres",
        "releases": "Communiqués",
        "releases_no_total": "{count} sans total annoncé",
        "releases_no_projects": "{count} sans projet",
        "projects": "Projets",
        "announced": "Total annoncé",
        "announced_note": "les totaux de {count} communiqués, additionnés",
        "announced_note_1": "le total d'un communiqué",
        "grants": "Somme des contributions",
        "grants_note": "{count} contributions, leurs montants additionnés tels qu'énoncés",
        "grants_note_1": "1 contribution, son montant tel qu'énoncé",
        "kind_over": "un minimum : {n} de ses montants sont énoncés « plus de »",
        "kind_upTo": "un maximum : {n} de ses montants sont énoncés « jusqu'à »",
        "kind_mixed": (
            "ni minimum ni maximum : {over} montants sont énoncés « plus de » et {upTo} « jusqu'à »"
        ),
        "kind_approximately": "{n} de ses montants sont approximatifs (« près de »)",
        "charts": "Où va l'argent",
        "charts_note": (
            "Montants en {currency}, tels que les énoncent les communiqués. Un projet mis en œuvre par "
            "deux organisations ou destiné à deux régions compte dans chacune de leurs barres : les "
            "barres d'un graphique peuvent dépasser le total."
        ),
        "by_program": "Financement par programme",
        "by_implementer": "Financement par organisation chargée de la mise en œuvre",
        "by_region": "Financement par région bénéficiaire",
        "by_year": "Financement par année du communiqué",
        "flow": "Circuit du financement : gouvernement → programme → organisation → région",
        "flow_note": (
            "Un projet mis en œuvre par plusieurs organisations ou destiné à plusieurs régions passe "
            "par un seul nœud qui les nomme toutes : les communiqués ne disent pas comment l'argent est "
            "partagé."
        ),
        "col_funder": "Gouvernement",
        "col_program": "Programme",
        "col_implementer": "Organisation",
        "col_region": "Région",
        "col_year": "Année",
        "from": "De",
        "to": "À",
        "amount": "Montant",
        "count": "Projets",
        "not_stated": "non précisé",
        "others": "{count} autres",
        "money": "Financement",
        "project_count": "{count} projets",
        "project_count_1": "1 projet",
        "listed": "Les {listed} plus importants sont énumérés.",
        "no_figure": "aucun montant énoncé",
        "project": "Projet",
        "implementer": "Mise en œuvre",
        "program": "Programme",
        "regions": "Régions",
        "release": "Communiqué",
        "date": "Date",
        "how": "Lien",
        "how_implementer": "le met en œuvre",
        "how_unit": "par {via}",
        "how_funder": "le finance",
        "how_administers": "par son programme {via}",
        "how_in": "",
        "how_within": "par {via}, qui en fait partie",
        "how_containing": "par {via}, une région qui le comprend",
        "no_projects": "Aucun projet du jeu de données n'y est lié.",
        "release_total": "Annoncé dans le communiqué",
        "release_no_total": "Le communiqué n'énonce aucun total.",
    },
}


def money_words(lang: str) -> Callable[..., str]:
    """``w("others", count=3)``: the words in ``lang`` with their fields filled."""
    table = WORDS.get(lang, WORDS["en"])

    def w(key: str, **fields: object) -> str:
        if fields.get("count") == 1 and f"{key}_1" in table:
            key = f"{key}_1"
        text = table.get(key, WORDS["en"].get(key, key))
        return text.format(**fields) if fields else text

    return w
