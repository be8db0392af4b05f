#!/usr/bin/env bash
# npm run bench:pull — ferry pull against skopeo copy (fetch+verify+store) and ferry pull --unpack
# against podman pull (overlay), on the shared harness's images (debian minbase, big 8-layer) served
# by a registry on loopback. Tools alternate within each round, every run on a freshly made ext4
# (cold destination). Prints medians, ratios and peak RSS; then times a present image
# (IfNotPresent, Always) in-process. Needs root (loop devices, podman).
#   ROUNDS=5 IMAGES="debian big" npm run bench:pull
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=${FERRY_SHARED:-$ROOT/../shared/bench}
H=$ROOT/bench/work/harness
ROUNDS=${ROUNDS:-5}
IMAGES=${IMAGES:-debian big}
TOOLS=${BENCH_TOOLS:-skopeo-oci ferry-pull podman-overlay ferry-unpack}

need=()
for p in docker-registry skopeo umoci podman debootstrap bc jq busybox-static e2fsprogs time; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if ((${#need[@]})); then
  echo "bench: installing ${need[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >/dev/null
fi

# The shared harness is read-only: run a copy of it here (its work/, reg/ and results/ stay local).
mkdir -p "$H"
cp "$SHARED"/*.sh "$SHARED"/*.js "$H/"
# The harness scripts are CommonJS; this project is ESM.
echo '{"type":"commonjs"}' > "$H/package.json"
[[ -f $H/work/image-sizes.json ]] || (cd "$H" && ./make-images.sh)
(cd "$H" && ./start-registry.sh start)
if ! skopeo inspect --tls-verify=false --raw docker://127.0.0.1:5100/big:latest >/dev/null 2>&1; then
  (cd "$H" && ./start-registry.sh push)
fi
trap '(cd "$H" && ./start-registry.sh stop)' EXIT

# As users run it: bin/ferry.js enables the compile cache (no type stripping after the first run).
export FERRY="$ROOT/node_modules/.bin/node $ROOT/bin/ferry.js"
rm -f "$H/results/raw.jsonl"
for round in $(seq "$ROUNDS"); do
  for image in $IMAGES; do
    for tool in $TOOLS; do
      echo "== round $round $image $tool"
      (cd "$H" && TOOLS=$tool ./run-bench.sh tools 1 "$image" >/dev/null)
    done
  done
done
"$ROOT/node_modules/.bin/node" "$ROOT/bench/summarize-pull.ts" "$H/results/raw.jsonl" "$H/work/image-sizes.json"
"$ROOT/node_modules/.bin/node" "$ROOT/bench/present-bench.ts" 127.0.0.1:5100/big:latest
