#!/usr/bin/env bash
# Set up everything on a fresh clone and run the main job: build the graph, validate it, serve it.
# Extra arguments go to `kg serve` (for example --port 8080); stop the server with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
kg build
kg validate
exec kg serve "$@"
