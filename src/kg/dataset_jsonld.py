"""The schema.org ``Dataset`` of the knowledge graph, as JSON-LD for the data block of its HTML pages.

Google Dataset Search reads it (shared/reference/open-data-portals.md §5): ``name`` and ``description``
(50-5000 characters) are required; ``url``, ``identifier``, ``license``, ``creator``, ``publisher``,
``distribution`` (``DataDownload`` with ``contentUrl`` and ``encodingFormat``), ``spatialCoverage``,
``temporalCoverage``, ``keywords``, ``inLanguage``, ``isAccessibleForFree``, ``version`` and
``dateModified`` are recommended. It says what the DCAT catalog (``kg.catalog``) says, from the same texts
(``kg.catalog_terms``) and figures (``kg.catalog_stats``), in the language of the page: one block per
language page, ``inLanguage`` naming both languages the data is in. Pure: values in, a dict out.

>>> from kg.catalog_stats import CatalogStats
>>> stats = CatalogStats(10, 1, 13, 5, date(2011, 6, 22), date(2011, 6, 22), (), ())
>>> doc = schema_org_dataset(stats, [], lang="fr", base_iri="https://w3id.org/kg-funding/",
...                          version="0.1.0", published=date(2026, 1, 2), modified=date(2026, 1, 2))
>>> doc["@type"], doc["url"], doc["temporalCoverage"], doc["inLanguage"]
('Dataset', 'https://w3id.org/kg-funding/', '2011-06-22', ['en', 'fr'])
>>> doc["name"]
'Financement de la sécurité annoncé par le gouvernement du Canada : graphe de connaissances'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from kg.catalog import FileInfo
from kg.catalog_stats import CatalogStats, Labelled
from kg.catalog_terms import CATALOG_KEY, FILE_KINDS, KEYWORDS, OGL, OTHER_FILE, TEXT
from kg.iris import Iris

LANGUAGES = ("en", "fr")
PUBLISHER_KEY = "dfait"  # the organisation kg.catalog names as publisher (Global Affairs Canada)
CREATOR_NAME = "kg-funding"
MIN_DESCRIPTION, MAX_DESCRIPTION = 50, 5000
"""Google's bounds on ``description``."""


def _label(labels: dict[str, str], lang: str) -> str | None:
    return labels.get(lang) or next((labels[k] for k in LANGUAGES if k in labels), None)


def temporal_coverage(first: date | None, last: date | None) -> str | None:
    """ISO 8601: one day (``2011-06-22``), an interval (``2011-06-22/2012-01-05``) or None.

    >>> temporal_coverage(date(2011, 6, 22), date(2012, 1, 5))
    '2011-06-22/2012-01-05'
    """
    if first is None or last is None:
        return None
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"


def _place(region: Labelled, lang: str) -> dict[str, Any]:
    place: dict[str, Any] = {"@type": "Place", "@id": region.iri}
    if name := _label(region.labels, lang):
        place["name"] = name
    return place


def _download(info: FileInfo, url: str, lang: str) -> dict[str, Any]:
    kind = FILE_KINDS.get(info.media_type, OTHER_FILE)
    gz = {"en": " (gzip)", "fr": " (compressé gzip)"}[lang] if info.encoding == "gzip" else ""
    colon = ":" if lang == "en" else " :"  # French typography: a space before the colon
    return {
        "@type": "DataDownload",
        "name": f"{kind.label[lang]}{gz}{colon} {info.name}",
        "description": kind.description[lang],
        "contentUrl": url,
        "encodingFormat": info.media_type,
        "contentSize": f"{info.size} B",
    }


def schema_org_dataset(
    stats: CatalogStats,
    files: Sequence[FileInfo],
    *,
    lang: str,
    base_iri: str,
    version: str,
    published: date | datetime,
    modified: date | datetime,
    site_url: str | None = None,
    download_base: str | None = None,
    catalog_url: str | None = None,
) -> dict[str, Any]:
    """The ``Dataset`` node, with its texts in ``lang`` (``en`` or ``fr``).

    :param base_iri: the IRIs of the dataset, its catalog and its publisher are minted under it
        (the DCAT catalog's own IRIs), so ``@id`` and ``identifier`` match the catalog.
    :param site_url: where the base IRI is served (default: the base IRI itself); ``url`` (the landing page),
        the creator's ``url`` and the publisher's page are under it.
    :param download_base: URL prefix of the files (default ``{site_url}downloads/``).
    :param catalog_url: the DCAT catalog's page (default ``{site_url}catalog``).
    :raises ValueError: for a language other than ``en`` and ``fr``.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    other = "fr" if lang == "en" else "en"
    iris = Iris(base_iri)
    site = site_url or base_iri
    downloads = download_base or f"{site}downloads/"
    dataset = str(iris.mint("dataset", CATALOG_KEY))
    publisher = str(iris.mint("organization", PUBLISHER_KEY))
    counts = {"projects": stats.projects, "releases": stats.releases}
    keywords = list(KEYWORDS[lang])
    keywords += [label for theme in stats.themes if (label := _label(theme.labels, lang)) is not None]
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": dataset,
        "name": TEXT["dataset"][lang],
        "alternateName": TEXT["dataset"][other],
        "description": TEXT["dataset-description"][lang].format(**counts),
        "url": site,
        "identifier": dataset,
        "license": str(OGL),
        "isAccessibleForFree": True,
        "inLanguage": list(LANGUAGES),
        "keywords": list(dict.fromkeys(keywords)),
        "version": version,
        "datePublished": published.isoformat(),
        "dateModified": modified.isoformat(),
        "creator": {"@type": "Organization", "name": CREATOR_NAME, "url": site},
        "publisher": {
            "@type": "Organization",
            "@id": publisher,
            "name": TEXT["publisher"][lang],
            "url": f"{site}{publisher[len(base_iri) :]}",
        },
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "@id": str(iris.mint("catalog", CATALOG_KEY)),
            "name": TEXT["catalog"][lang],
            "url": catalog_url or f"{site}catalog",
        },
        "distribution": [_download(info, f"{downloads}{info.name}", lang) for info in files],
    }
    if stats.regions:
        doc["spatialCoverage"] = [_place(region, lang) for region in stats.regions]
    if (period := temporal_coverage(stats.first_published, stats.last_published)) is not None:
        doc["temporalCoverage"] = period
    return doc
