#!/usr/bin/env python3
"""One refresh of Windows' process table under Wine, in CPU, measured from Linux.

    python3 bench/tools/windows-refresh-cost-wine.py [rounds] [sleepers]

Runs bench/tools/windows-refresh-cost.ts (bundled with esbuild) under the Windows Node of
scripts/windows-under-wine.sh (run that once first: it makes the cache), one mode at a time:
none (start-up only), native, monitor, tasklist, wmic. Under Wine every Windows process is a Linux
process, and part of each call's work is done by the wineserver, so the CPU counted here is all
of it: the processes of the run (this script is their subreaper, so even those Wine detaches are
reaped and counted), what Wine's own services spent meanwhile, and the wineserver's. A mode's cost
per refresh is its run's CPU less the start-up-only run's, over its number of refreshes. Rounds
alternate the modes, and the median is kept. `sleepers` idle Windows processes (find.exe reading a
FIFO nobody writes, each with Wine's start.exe: two processes apiece) make the table bigger than a
fresh prefix's seven processes, before anything is measured.
"""
import ctypes
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CACHE = os.environ.get('PROCLAB_WINE_CACHE', os.path.join(os.environ.get('XDG_CACHE_HOME', os.path.expanduser('~/.cache')), 'proclab-wine'))
NODE = os.path.join(CACHE, 'node-' + os.environ.get('PROCLAB_WINE_NODE', '22.23.3'), 'bin', 'node.exe')
BUNDLE = os.path.join(ROOT, 'out', 'tools', 'windows-refresh-cost.mjs')
TICK_MS = 1000 / os.sysconf('SC_CLK_TCK')
PR_SET_CHILD_SUBREAPER = 36
# Refreshes per run: enough that the difference from a start-up-only run stands above its noise.
REFRESHES = {'none': 0, 'native': 300, 'monitor': 300, 'tasklist': 10, 'wmic': 10}


def cpu_ms(pid):
    """utime + stime of a live Linux process, ms (0 if it has gone)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * TICK_MS
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0


def wine_processes(prefix):
    """pid -> CPU ms of every live process of this prefix (Wine's services, the wineserver)."""
    found = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/environ', 'rb') as f:
                if f'WINEPREFIX={prefix}'.encode() not in f.read().split(b'\0'):
                    continue
        except OSError:
            continue
        found[int(entry)] = cpu_ms(entry)
    return found


def reaped_children_ms():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def reap():
    """Waits for every descendant that has ended (they are ours to reap as subreaper)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def run(mode, env, prefix, out):
    before_live = wine_processes(prefix)
    before_reaped = reaped_children_ms()
    with open(out, 'w') as log:
        code = subprocess.call(['wine', NODE, BUNDLE, mode, str(REFRESHES[mode])], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    time.sleep(0.5)  # what Wine detached ends and is reparented to us
    reap()
    after_live = wine_processes(prefix)
    live = sum(after_live[pid] - before_live.get(pid, 0) for pid in after_live)
    with open(out) as f:
        said = f.read().replace('\r', '').strip()
    if code != 0:
        raise SystemExit(f'{mode} failed ({code}): {said}')
    return reaped_children_ms() - before_reaped + live, said


def start_sleepers(count, env, work):
    fifo = os.path.join(work, 'never-written')
    os.mkfifo(fifo)
    # Held open for writing by us, so their reads wait instead of meeting the end of the file.
    writer = os.open(fifo, os.O_RDWR)
    for _ in range(count):
        with open(fifo, 'rb') as reader:
            subprocess.Popen(['wine', 'find.exe', 'x'], env=env, stdin=reader, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return writer


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    sleepers = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    if not os.path.exists(NODE):
        raise SystemExit(f'no Windows Node at {NODE}: run scripts/windows-under-wine.sh once first')
    subprocess.check_call(['npx', 'esbuild', 'bench/tools/windows-refresh-cost.ts', '--bundle', '--platform=node', '--format=esm', '--external:koffi', '--external:systeminformation', f'--outfile={BUNDLE}', '--log-level=warning'], cwd=ROOT)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    work = tempfile.mkdtemp(prefix='proclab-wine-bench-')
    prefix = os.path.join(work, 'prefix')
    shutil.copytree(os.path.join(CACHE, 'prefix'), prefix, symlinks=True)
    env = dict(os.environ, WINEPREFIX=prefix, WINEDEBUG='-all', WINEDLLOVERRIDES='mscoree=;mshtml=')
    try:
        # A wineserver that stays up (and Wine's services with it, started by the first process),
        # so no run pays for starting them or is credited with their whole life when they end.
        subprocess.check_call(['wineserver', '-p'], env=env)
        if sleepers:
            start_sleepers(sleepers, env, work)
            time.sleep(10 + sleepers * 0.3)  # started, and done starting
        run('none', env, prefix, os.path.join(work, 'warmup.txt'))
        costs = {mode: [] for mode in REFRESHES}
        said = {}
        for _ in range(rounds):
            for mode in REFRESHES:
                ms, said[mode] = run(mode, env, prefix, os.path.join(work, f'{mode}.txt'))
                costs[mode].append(ms)
        base = statistics.median(costs['none'])
        print(f'start-up only: {base:.0f} ms CPU (median of {rounds}: {", ".join(f"{c:.0f}" for c in costs["none"])})')
        for mode, n in REFRESHES.items():
            if n == 0:
                continue
            per = [(c - base) / n for c in costs[mode]]
            print(f'{mode}: {statistics.median(per):.1f} ms CPU per refresh, all of Wine counted (runs: {", ".join(f"{p:.1f}" for p in per)}; {n} refreshes a run)')
            print(f'    in-process figure: {said[mode]}')
    finally:
        subprocess.call(['wineserver', '-k'], env=env, stderr=subprocess.DEVNULL)
        reap()
        shutil.rmtree(work, ignore_errors=True)


main()
