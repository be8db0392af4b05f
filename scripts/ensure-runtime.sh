#!/usr/bin/env bash
# Run before `npm start`: the node agent runs containers with runc. Install it when we can
# (root with apt, as the README says), otherwise say exactly what to run. Never fails the start:
# without runc the server still serves the API and reports the Node NotReady with the same advice.
set -uo pipefail
if command -v runc >/dev/null 2>&1 || [ -x /usr/sbin/runc ] || [ -x /usr/bin/runc ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ferry: runc is missing; installing it with apt-get (the node agent runs containers with it)" >&2
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends runc >/dev/null 2>&1 ||
     { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends runc >/dev/null 2>&1; }; then
    echo "ferry: installed $(runc --version | head -1)" >&2
    exit 0
  fi
fi
echo "ferry: runc is not installed, so pods cannot run (the API server still starts). Install it with: sudo apt-get install runc" >&2
exit 0
