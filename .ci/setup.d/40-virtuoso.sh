#!/usr/bin/env bash
# Virtuoso 7 (virtuoso-t, isql-vt) for the remote-store tests (tests/store: the store contract and the server
# on a remote store); idempotent. The tests write a minimal virtuoso.ini in a temporary folder and start it on
# free loopback ports. Oxigraph server comes from the `oxigraph` package of the test extra (pyproject.toml).
#
# Missing servers are skipped on a developer's machine; CI must run them: .ci/run exports
# KG_REQUIRE_STORES=1 before test.sh (a setup step cannot set the environment of the tests itself).
set -euo pipefail
if ! command -v virtuoso-t >/dev/null 2>&1 || ! command -v isql-vt >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource-7-bin >/dev/null
fi
