#!/usr/bin/env bash
# Set up everything on a fresh clone and run the main job: build the graph, validate it.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
kg build
kg validate
