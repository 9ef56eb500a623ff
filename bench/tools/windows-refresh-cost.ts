// What one refresh of Windows' process table costs: ProcLab's native sampler (one
// NtQuerySystemInformation call, plus users and command lines of new processes), the monitor's
// whole refresh (rows + System tab), and the commands a script would run instead (tasklist, wmic).
//
//   npx tsx bench/tools/windows-refresh-cost.ts [mode] [refreshes]
//
// mode: all (default), native, monitor, tasklist, wmic, or none (start-up only). CPU is this
// process's own plus, for a command, the command's process (GetProcessTimes on a handle opened
// as it starts, which stays readable after it ends).
//
// Under Wine, tsx's esbuild will not start and a process's times are Wine's guess (a command's
// come out larger than its wall time): bench/tools/windows-refresh-cost-wine.py measures from
// Linux instead, running this file bundled, one mode at a time.
import { execFile } from 'node:child_process'
import { createMonitor } from '../../src-main/monitor'
import { platform } from '../../src-main/platform'
import { windowsCalls } from '../../src-main/platform/win32/table-calls'
import { ticksToMs } from '../../src-main/platform/win32/process-rows'

const MODES = ['native', 'monitor', 'tasklist', 'wmic'] as const
type Mode = (typeof MODES)[number]
const mode = process.argv[2] ?? 'all'
const refreshes = Number(process.argv[3] ?? 30)
if (mode !== 'all' && mode !== 'none' && !(MODES as readonly string[]).includes(mode)) throw new Error(`unknown mode ${mode}: all, none, ${MODES.join(', ')}`)

function ownMs(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** Runs a command to its end, its output read and dropped; returns the CPU its process used, ms. */
function commandCpuMs(command: string, args: string[]): Promise<number> {
  const calls = windowsCalls()
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, { maxBuffer: 64 * 1024 * 1024, windowsHide: true }, (error) => {
      if (error) reject(error)
    })
    child.stdin?.end()
    child.once('spawn', () => {
      const handle = calls.openProcess(child.pid!)
      child.once('exit', () => {
        const times = handle === null ? null : calls.processTimes(handle)
        if (handle !== null) calls.closeHandle(handle)
        resolve(times ? ticksToMs(times.cpuTime) : 0)
      })
    })
  })
}

/** Makes one refresh of `mode`, after whatever a first call pays once; returns the CPU of processes it ran, ms. */
async function refresher(which: Mode): Promise<{ refresh: () => Promise<number>; note: string }> {
  switch (which) {
    case 'native': {
      const sampler = platform.processes.sampler()
      if (sampler.kind !== 'windows-nt') throw new Error(`the native table is not in use here (${sampler.kind})`)
      const own = ownMs()
      const first = await sampler.sample()
      return { refresh: async () => (await sampler.sample(), 0), note: `${first.length} processes; the first sample cost ${(ownMs() - own).toFixed(1)} ms (users and command lines of every process)` }
    }
    case 'monitor': {
      const monitor = createMonitor()
      await Promise.all([monitor.list(new Set()), monitor.system()])
      return { refresh: async () => (await Promise.all([monitor.list(new Set()), monitor.system()]), 0), note: `sampler ${monitor.sampler.kind}: rows with CPU %, and the machine's figures` }
    }
    case 'tasklist':
      return { refresh: () => commandCpuMs('tasklist', []), note: 'its process and the spawn' }
    case 'wmic':
      return { refresh: () => commandCpuMs('wmic', ['process', 'get', 'ProcessId,ParentProcessId,Name']), note: 'its process and the spawn' }
  }
}

for (const which of mode === 'all' ? MODES : mode === 'none' ? [] : [mode as Mode]) {
  const { refresh, note } = await refresher(which)
  let wall = 0
  let cpu = 0
  for (let i = 0; i < refreshes; i++) {
    const t0 = performance.now()
    const own = ownMs()
    const children = await refresh()
    cpu += ownMs() - own + children
    wall += performance.now() - t0
  }
  console.log(`${which}: ${(cpu / refreshes).toFixed(1)} ms CPU, ${(wall / refreshes).toFixed(1)} ms wall per refresh (mean of ${refreshes}; ${note})`)
}
// wmic starts WMI's service, which inherits the pipes of its output and keeps them (and Node) open.
process.exit(0)
