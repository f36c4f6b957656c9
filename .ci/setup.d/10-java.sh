#!/usr/bin/env bash
# A Java runtime for the OWL 2 DL check (tests/test_owl_dl.py); idempotent.
set -euo pipefail
if ! command -v java >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
fi
