"""The words of the pages in English and French (data labels come from the data, not from here)."""

from __future__ import annotations

from collections.abc import Callable

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "about": "About this dataset",
        "alternates": "This page as data",
        "amount": "Amount",
        "browse": "Browse",
        "classes": "Classes",
        "definition": "Definition",
        "download": "Download",
        "downloads": "Downloads",
        "downloads_intro": "Every dump of the last build, with its size and SHA-256 checksum.",
        "encoding": "Encoding",
        "evidence": "Source sentences",
        "file": "File",
        "format": "Format",
        "graph_intro": "A named graph of the dataset.",
        "home": "Home",
        "incoming": "Linked from",
        "iri": "IRI",
        "label": "Label",
        "language": "Français",
        "link": "link",
        "links": "links",
        "more_than": "more than",
        "next": "Next",
        "no_downloads": "No dumps are published by this server.",
        "ontology": "Ontology",
        "previous": "Previous",
        "projects": "Projects",
        "properties": "Properties",
        "property": "Property",
        "query": "SPARQL query",
        "query_intro": "Read-only SPARQL 1.1 endpoint. Queries run with a time limit and a row limit.",
        "results": "Results",
        "run": "Run query",
        "rows": "rows",
        "individuals": "Individuals",
        "shape_target": "target",
        "shape_path": "path",
        "shape_constraints": "constraints",
        "shape_message": "message",
        "no_shapes": "No shapes.",
        "shapes_in_english": "The messages of the shapes are written in English only.",
        "examples": "Example queries",
        "editor_help": (
            "Ctrl+Enter runs the query; Ctrl+Space completes prefixes, classes and properties of this "
            "dataset; Esc then Tab leaves the editor. The address bar keeps the query, to share it."
        ),
        "query_failed": "The query failed",
        "shapes": "Shapes",
        "show_all": "show all",
        "size": "Size",
        "source": "Source text",
        "sparql": "SPARQL endpoint",
        "statistics": "Statistics",
        "triples": "triples",
        "truncated": "The result was cut at the row limit; narrow the query or use LIMIT/OFFSET.",
        "types": "Types",
        "unbound": (
            "No row binds these variables. An error inside an expression or an aggregate leaves its variable "
            "unbound in SPARQL (GROUP_CONCAT of IRIs or numbers, say: use STR()):"
        ),
        "value": "Value",
        "void": "VoID description",
        "void_intro": "What the dataset holds, generated from the data (W3C VoID). As RDF:",
        "void_dataset": "Dataset",
        "void_triples": "Triples",
        "void_entities": "Entities",
        "void_subjects": "Distinct subjects",
        "void_objects": "Distinct objects",
        "void_endpoint": "SPARQL endpoint",
        "void_dumps": "RDF dumps",
        "void_vocabularies": "Vocabularies",
        "void_classes": "Classes",
        "void_class": "Class",
        "void_properties": "Properties",
        "void_property": "Property",
        "shown": "shown",
        "showing_first": "Showing the first values only.",
        "only_in_en": "Published in English only: this text has no translation into this language.",
        "only_in_fr": "Published in French only: this text has no English translation.",
        "only_in_es": "Published in Spanish only: this text has no English translation.",
    },
    "fr": {
        "about": "À propos de ce jeu de données",
        "alternates": "Cette page en données",
        "amount": "Montant",
        "browse": "Parcourir",
        "classes": "Classes",
        "definition": "Définition",
        "download": "Télécharger",
        "downloads": "Téléchargements",
        "downloads_intro": "Chaque fichier de la dernière construction, avec sa taille et sa somme SHA-256.",
        "encoding": "Encodage",
        "evidence": "Phrases sources",
        "file": "Fichier",
        "format": "Format",
        "graph_intro": "Un graphe nommé du jeu de données.",
        "home": "Accueil",
        "incoming": "Liens entrants",
        "iri": "IRI",
        "label": "Libellé",
        "language": "English",
        "link": "lien",
        "links": "liens",
        "more_than": "plus de",
        "next": "Suivant",
        "no_downloads": "Ce serveur ne publie aucun fichier.",
        "ontology": "Ontologie",
        "previous": "Précédent",
        "projects": "Projets",
        "properties": "Propriétés",
        "property": "Propriété",
        "query": "Requête SPARQL",
        "query_intro": "Point d'accès SPARQL 1.1 en lecture seule, avec une limite de temps et de lignes.",
        "results": "Résultats",
        "run": "Exécuter",
        "rows": "lignes",
        "individuals": "Individus",
        "shape_target": "cible",
        "shape_path": "chemin",
        "shape_constraints": "contraintes",
        "shape_message": "message",
        "no_shapes": "Aucune forme.",
        "shapes_in_english": "Les messages des formes sont rédigés en anglais seulement.",
        "examples": "Exemples de requêtes",
        "editor_help": (
            "Ctrl+Entrée exécute la requête; Ctrl+Espace complète les préfixes, classes et propriétés de ce "
            "jeu de données; Échap puis Tab quitte l'éditeur. La barre d'adresse garde la requête, pour la "
            "partager."
        ),
        "query_failed": "La requête a échoué",
        "shapes": "Formes",
        "show_all": "tout afficher",
        "size": "Taille",
        "source": "Texte source",
        "sparql": "Point d'accès SPARQL",
        "statistics": "Statistiques",
        "triples": "triplets",
        "truncated": (
            "Le résultat a été coupé à la limite de lignes; précisez la requête ou utilisez LIMIT/OFFSET."
        ),
        "types": "Types",
        "unbound": (
            "Aucune ligne ne lie ces variables. En SPARQL, une erreur dans une expression ou un agrégat "
            "laisse sa variable non liée (GROUP_CONCAT d'IRI ou de nombres, par exemple : utilisez STR()) :"
        ),
        "value": "Valeur",
        "void": "Description VoID",
        "void_intro": (
            "Ce que contient le jeu de données, calculé à partir des données (VoID du W3C). En RDF :"
        ),
        "void_dataset": "Jeu de données",
        "void_triples": "Triplets",
        "void_entities": "Entités",
        "void_subjects": "Sujets distincts",
        "void_objects": "Objets distincts",
        "void_endpoint": "Point d'accès SPARQL",
        "void_dumps": "Fichiers RDF",
        "void_vocabularies": "Vocabulaires",
        "void_classes": "Classes",
        "void_class": "Classe",
        "void_properties": "Propriétés",
        "void_property": "Propriété",
        "shown": "affichés",
        "showing_first": "Seules les premières valeurs sont affichées.",
        "only_in_en": "Publié en anglais seulement : ce texte n'a pas de traduction française.",
        "only_in_fr": "Publié en français seulement : ce texte n'a pas de traduction dans cette langue.",
        "only_in_es": "Publié en espagnol seulement : ce texte n'a pas de traduction française.",
    },
}


def translator(lang: str) -> Callable[[str], str]:
    """``t("types")`` for a template; an unknown key shows itself (a visible bug, not a crash)."""
    table = STRINGS.get(lang, STRINGS["en"])

    def t(key: str) -> str:
        return table.get(key, STRINGS["en"].get(key, key))

    return t
