#!/usr/bin/env bash
# Type-checks every package's tsconfig (the same projects as each workspace's `typecheck` script,
# plus the root one for demo-player and test), two at a time: each is one single-threaded tsc
# and the machines have two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
projects=(
  tsconfig.json
  protocol/tsconfig.json protocol/tsconfig.node.json
  bootstrap-node/tsconfig.json bootstrap-node/tsconfig.bench.json
  light-client/tsconfig.json light-client/tsconfig.node.json
  widget/tsconfig.json widget/tsconfig.node.json
)
# Each workspace's own list must be in the one above, or a new tsconfig would go unchecked here.
for ws in protocol bootstrap-node light-client widget; do
  for p in $(node -e "const s=require('./$ws/package.json').scripts.typecheck||''; for (const m of s.matchAll(/tsc -p (\S+)/g)) console.log(m[1])"); do
    [[ " ${projects[*]} " == *" $ws/$p "* ]] || { echo "scripts/typecheck.sh does not list $ws/$p (from $ws's typecheck script)"; exit 1; }
  done
done
printf '%s\n' "${projects[@]}" | xargs -P 2 -I{} sh -c 'node_modules/.bin/tsc -p "$1" || { echo "typecheck failed: $1"; exit 1; }' _ {}
