#!/usr/bin/env bash
# Runs a command while N busy loops (default 2: this machine's cores) compete with it for the CPU,
# and stops them whatever the command's outcome. Usage: scripts/under-load.sh N command [args...]
set -uo pipefail
n=${1:?how many busy loops}
shift
pids=()
for _ in $(seq "$n"); do
  node -e 'for (;;) {}' &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
echo "── under load: $n busy loops (pids ${pids[*]})"
"$@"
