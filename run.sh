#!/usr/bin/env bash
# Set up everything on a fresh clone and run the main job: build the graph, validate it, serve it.
# Extra arguments go to `kg serve` (for example --port 8080); stop the server with Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/scripts/bootstrap.sh"
kg build
kg validate
# One server process per core, up to 4 (kg.web.processes): one process answers through one interpreter lock.
cores=$(nproc 2>/dev/null || echo 1)
export KG_PROCESSES="${KG_PROCESSES:-$(( cores < 4 ? cores : 4 ))}"
exec kg serve "$@"
