#!/usr/bin/env bash
# Set up everything on a fresh clone and run every check: lint, format, types, tests.
set -euo pipefail
KG_EXTRAS=test source "$(dirname "$0")/scripts/bootstrap.sh"
# CKAN and ckanext-dcat in their own environment, for the real-harvester test (CKAN pins many packages).
bash scripts/ckan-venv.sh
ruff check src tests
ruff format --check src tests
mypy
python -m pytest -n auto "$@"
