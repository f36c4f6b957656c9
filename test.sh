#!/usr/bin/env bash
# Set up everything on a fresh clone and run every check: lint, format, types, tests.
set -euo pipefail
KG_EXTRAS=test source "$(dirname "$0")/scripts/bootstrap.sh"
# CKAN and ckanext-dcat in their own environment, for the real-harvester test (CKAN pins many packages).
bash scripts/ckan-venv.sh
ruff check src tests benchmarks
ruff format --check src tests benchmarks
mypy
python -m pytest -n auto "$@"
