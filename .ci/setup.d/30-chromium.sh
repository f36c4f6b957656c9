#!/usr/bin/env bash
# Debian's Chromium for the browser tests (tests/web/browser/, driven by Playwright with executable_path, since
# `playwright install` cannot download its own browser here); idempotent.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version
