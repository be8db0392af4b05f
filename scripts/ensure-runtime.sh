#!/usr/bin/env bash
# Run before `npm start`: the node agent runs containers with runc, each under conmon (CRI-O's
# monitor; without it Ferry's own, heavier monitor is used). Install them when we can (root with
# apt, as the README says), otherwise say exactly what to run. Never fails the start: without runc
# the server still serves the API and reports the Node NotReady with the same advice.
set -uo pipefail
have() { command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/usr/bin/$1" ]; }
missing=()
have runc || missing+=(runc)
have conmon || missing+=(conmon)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ferry: ${missing[*]} missing; installing with apt-get (the node agent runs containers with them)" >&2
  if DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
     { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }; then
    echo "ferry: installed ${missing[*]}" >&2
    exit 0
  fi
fi
if ! have runc; then
  echo "ferry: runc is not installed, so pods cannot run (the API server still starts). Install it with: sudo apt-get install runc" >&2
fi
if ! have conmon; then
  echo "ferry: conmon is not installed; containers run under Ferry's own monitor (~50 MB each instead of ~2 MB). Install it with: sudo apt-get install conmon" >&2
fi
exit 0
