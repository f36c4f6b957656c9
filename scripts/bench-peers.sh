#!/usr/bin/env bash
# Install what benchmarks/server/run.py compares us with: wrk (Debian) and, in a SEPARATE virtual
# environment .venv-bench, Oxigraph's server (PyPI package `oxigraph`, the Rust CLI as a wheel) and
# rdflib-endpoint with uvicorn. Kept apart from .venv so the peers' pins never touch ours.
# Oxigraph is pinned to the pyoxigraph release .venv uses, so both run the same engine.
# Idempotent; a few seconds when everything is there. Usage: bash scripts/bench-peers.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON="${PYTHON:-python3}"
VENV=".venv-bench"
OXIGRAPH_VERSION="${OXIGRAPH_VERSION:-0.5.13}"
RDFLIB_ENDPOINT_VERSION="${RDFLIB_ENDPOINT_VERSION:-0.6.3}"

if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  else
    echo "wrk is missing: run 'sudo apt-get install -y wrk'" >&2
    exit 1
  fi
fi

MATPLOTLIB_VERSION="${MATPLOTLIB_VERSION:-3.11.2}"  # benchmarks/scale.py draws its plot with it
stamp="$VENV/.installed-oxigraph-$OXIGRAPH_VERSION-rdflib-endpoint-$RDFLIB_ENDPOINT_VERSION-matplotlib-$MATPLOTLIB_VERSION"
if [ ! -f "$stamp" ]; then
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
    echo '*' >"$VENV/.gitignore"
  fi
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet \
    "oxigraph==$OXIGRAPH_VERSION" "rdflib-endpoint[cli]==$RDFLIB_ENDPOINT_VERSION" uvicorn "matplotlib==$MATPLOTLIB_VERSION"
  "$VENV/bin/oxigraph" --version >/dev/null
  "$VENV/bin/python" -c 'import rdflib_endpoint, uvicorn, matplotlib'
  touch "$stamp"
fi
echo "wrk: $(wrk -v 2>&1 | head -n 1)"
echo "$VENV: $("$VENV/bin/oxigraph" --version), rdflib-endpoint $("$VENV/bin/python" -m pip show rdflib-endpoint | sed -n 's/^Version: //p')"
