#!/usr/bin/env bash
# Make .venv-ckan: a separate virtual environment holding CKAN and ckanext-dcat, so that
# tests/test_ckan_harvest.py can run ckanext-dcat's real RDF parser (profile euro_dcat_ap_3) over our
# DCAT catalog. CKAN pins many packages (Flask, SQLAlchemy, ...), hence its own environment.
# Parsing needs CKAN installed but not running: no database, Solr or config (reference/pitfalls.md item 6).
# Idempotent; about 20 s to a few minutes depending on the pip cache. Usage: bash scripts/ckan-venv.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
VENV=".venv-ckan"
CKAN_VERSION="${CKAN_VERSION:-2.12.0}"
stamp="$VENV/.ckan-installed-$CKAN_VERSION"
if [ -f "$stamp" ]; then
  echo "$VENV is ready (CKAN $CKAN_VERSION)"
  exit 0
fi
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet "ckan[requirements]==$CKAN_VERSION" "ckanext-dcat==${CKANEXT_DCAT_VERSION:-2.4.4}"
# Fail now, not in the test, if the parser cannot be imported.
"$VENV/bin/python" -c 'from ckanext.dcat.processors import RDFParser; RDFParser(profiles=["euro_dcat_ap_3"])'
touch "$stamp"
echo "$VENV is ready (CKAN $CKAN_VERSION, $("$VENV/bin/python" -m pip show ckanext-dcat | grep ^Version))"
