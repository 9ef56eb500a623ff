// Real processes, checked against what the OS (ps) says. Linux: the /proc sampler.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { availableParallelism, userInfo } from 'node:os'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import type { SystemProcess } from '../../src-shared/contract'
import { createMonitor, MonitorError, processTreeOrder, type Monitor } from '../../src-main/monitor'
import { linuxOnly, onWindows } from '../helpers/platform'
import { terminationCode, win32 } from '../../src-main/platform/win32'

const children: ChildProcess[] = []
const strayPids: number[] = []

function start(command: string, args: string[]): ChildProcess & { pid: number } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] })
  children.push(child)
  if (child.pid === undefined) throw new Error(`could not start ${command}`)
  return child as ChildProcess & { pid: number }
}

afterEach(async () => {
  for (const pid of strayPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  await Promise.all(
    children.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, 'exit')
      child.kill('SIGKILL')
      await exited
    }),
  )
})

/** A Node child that idles until killed: a process every OS can start without a shell. */
function idle(): ChildProcess & { pid: number } {
  return start(process.execPath, ['-e', 'setInterval(() => {}, 1000)'])
}

/** What ps says about one field of one process; '' if ps does not know the pid. */
function ps(pid: number, field: string): string {
  try {
    return execFileSync('ps', ['-o', `${field}=`, '-p', String(pid)], { encoding: 'utf8' }).trim()
  } catch {
    return ''
  }
}

async function waitForRow(monitor: Monitor, match: (row: SystemProcess) => boolean, what: string, timeoutMs = 4000): Promise<SystemProcess> {
  const deadline = Date.now() + timeoutMs
  let rows: SystemProcess[] = []
  while (Date.now() < deadline) {
    rows = await monitor.list(new Set())
    const row = rows.find(match)
    if (row) return row
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}; ${rows.length} rows`)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('monitor on live processes', linuxOnly('the /proc sampler checked against ps, with sleep, sh and a real zombie'), () => {
  it('uses the /proc sampler on Linux', () => {
    expect(createMonitor().sampler.kind).toBe('linux-proc')
  })

  it('shows a spawned sleep 30 with its ppid, state, command line, user and start time', async () => {
    const spawnedAt = Date.now()
    const child = start('sleep', ['30'])
    const monitor = createMonitor()
    const row = await waitForRow(monitor, (r) => r.pid === child.pid && r.name === 'sleep' && r.state === 'sleeping', `sleep ${child.pid}`)
    expect(row).toMatchObject({ ppid: process.pid, command: 'sleep 30', user: userInfo().username, lab: false })
    expect(row.ppid).toBe(Number(ps(child.pid, 'ppid')))
    expect(ps(child.pid, 'stat')).toMatch(/^S/)
    expect(ps(child.pid, 'user')).toBe(userInfo().username)
    expect(row.rss).toBeGreaterThan(0)
    expect(Math.abs(row.rss / 1024 - Number(ps(child.pid, 'rss')))).toBeLessThan(512)
    expect(Math.abs(row.startedAt! - spawnedAt)).toBeLessThan(2000)

    const marked = await monitor.list(new Set([child.pid]))
    expect(marked.find((r) => r.pid === child.pid)?.lab).toBe(true)
    expect(marked.filter((r) => r.lab)).toHaveLength(1)
  })

  it('shows a real zombie', async () => {
    // sh starts the short sleep, then becomes `sleep 5`, which never waits for it.
    const outer = start('sh', ['-c', 'sleep 0.2 & exec sleep 5'])
    const monitor = createMonitor()
    const zombie = await waitForRow(monitor, (r) => r.ppid === outer.pid && r.state === 'zombie', `a zombie child of ${outer.pid}`)
    expect(ps(zombie.pid, 'stat')).toMatch(/^Z/)
    expect(zombie).toMatchObject({ name: 'sleep', command: '[sleep]', rss: 0 })
    const parent = (await monitor.list(new Set())).find((r) => r.pid === outer.pid)
    expect(parent).toMatchObject({ name: 'sleep', command: 'sleep 5', ppid: process.pid })
  })

  it('shows an orphan under whatever parent the OS gave it, not the dead shell', async () => {
    const shell = start('sh', ['-c', 'sleep 30 & echo $!'])
    // Listen for the exit first: the shell ends right after its echo, maybe in the same tick.
    const shellExited = shell.exitCode !== null ? Promise.resolve() : once(shell, 'exit')
    const [line] = (await once(shell.stdout!, 'data')) as [Buffer]
    const orphanPid = Number(line.toString().trim())
    strayPids.push(orphanPid)
    await shellExited
    shell.stdout!.destroy()

    const monitor = createMonitor()
    // Asleep once it is in its nanosleep: just after its exec, on a busy machine, it may still be
    // waiting for a CPU to get there (runnable, which the OS reports as running).
    const orphan = await waitForRow(monitor, (r) => r.pid === orphanPid && r.ppid !== shell.pid && r.state === 'sleeping', `orphan ${orphanPid} asleep`)
    expect(orphan).toMatchObject({ name: 'sleep', command: 'sleep 30', state: 'sleeping' })
    expect(orphan.ppid).toBe(Number(ps(orphanPid, 'ppid')))

    const rows = await monitor.list(new Set())
    expect(rows.some((r) => r.pid === shell.pid)).toBe(false)
    const inTree = processTreeOrder(rows).find(({ process }) => process.pid === orphanPid)
    expect(inTree).toBeDefined()
    if (rows.some((r) => r.pid === orphan.ppid)) {
      const parentNode = processTreeOrder(rows).find(({ process }) => process.pid === orphan.ppid)
      expect(inTree!.depth).toBe(parentNode!.depth + 1)
    } else {
      expect(inTree!.depth).toBe(0)
    }
  })

  it('measures a busy loop at near one core between two samples a second apart', async () => {
    // Still `for(;;){}`, but every 20 ms it also prints its own CPU time (getrusage, not /proc), so the
    // figure can be checked against the child's own account. Pipes are written synchronously on
    // Linux, so printing needs no event loop.
    const loop = 'let last=0;for(;;){const now=Date.now();if(now-last>=20){last=now;const u=process.cpuUsage();process.stdout.write(now+" "+(u.user+u.system)/1000+"\\n")}}'
    const busy = start(process.execPath, ['-e', loop])
    const reports: Array<[wall: number, cpuMs: number]> = []
    let pending = ''
    busy.stdout!.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n')
      pending = lines.pop()!
      for (const line of lines) reports.push(line.split(' ').map(Number) as [number, number])
    })
    /** The child's own CPU time at wall time t, from the report just before it. */
    const ownCpuAt = (t: number): number => reports.filter(([wall]) => wall <= t).at(-1)![1]

    const monitor = createMonitor()
    await waitForRow(monitor, (r) => r.pid === busy.pid && r.ppid === process.pid, `busy loop ${busy.pid}`)
    while (reports.length === 0) await sleep(20)
    await monitor.list(new Set())
    const t1 = Date.now()
    await sleep(1000)
    const row = (await monitor.list(new Set())).find((r) => r.pid === busy.pid)!
    const t2 = Date.now()
    await sleep(50) // let the report covering t2 arrive
    const own = ((ownCpuAt(t2) - ownCpuAt(t1)) / (t2 - t1)) * 100

    expect(row.cpu).toBeLessThanOrEqual(availableParallelism() * 100)
    // Same window, two independent accounts (the sample's time stamp trails its read of this pid).
    expect(Math.abs(row.cpu - own)).toBeLessThan(20)
    // A busy loop gets a whole core unless the machine is saturated by others; only then may it fall short.
    if (own > 60) expect(row.cpu).toBeGreaterThan(50)
    else console.warn(`machine saturated: the busy loop got only ${own.toFixed(0)} % of a core by its own account (we measured ${row.cpu} %)`)

    // An idle sleep next to it stays near 0.
    const idle = start('sleep', ['30'])
    await waitForRow(monitor, (r) => r.pid === idle.pid && r.name === 'sleep', `sleep ${idle.pid}`)
    await sleep(300)
    expect((await monitor.list(new Set())).find((r) => r.pid === idle.pid)!.cpu).toBeLessThan(5)
  })

  it('lists every process ps lists that is still alive', async () => {
    const theirs = execFileSync('ps', ['-eo', 'pid='], { encoding: 'utf8' }).trim().split(/\s+/).map(Number)
    const ours = new Set((await createMonitor().list(new Set())).map((r) => r.pid))
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0)
        return true
      } catch (err) {
        return (err as NodeJS.ErrnoException).code === 'EPERM'
      }
    }
    // Alive before our sample (ps saw it) and after it: it must be in the sample.
    expect(theirs.filter((pid) => !ours.has(pid) && alive(pid))).toEqual([])
  })
})

describe('sendSignal on live processes', () => {
  const guard = { protectedPids: new Set<number>() }

  function expectMonitorError(fn: () => void, code: string, message: RegExp): void {
    try {
      fn()
    } catch (err) {
      expect(err).toBeInstanceOf(MonitorError)
      expect((err as MonitorError).code).toBe(code)
      expect((err as MonitorError).message).toMatch(message)
      return
    }
    throw new Error('expected a MonitorError')
  }

  it('stops with SIGSTOP, resumes with SIGCONT, ends with SIGTERM', linuxOnly('SIGSTOP and SIGCONT, seen in /proc and ps'), async () => {
    const child = start('sleep', ['30'])
    const monitor = createMonitor()
    await waitForRow(monitor, (r) => r.pid === child.pid && r.name === 'sleep', `sleep ${child.pid}`)

    monitor.sendSignal(child.pid, 'SIGSTOP', guard)
    await waitForRow(monitor, (r) => r.pid === child.pid && r.state === 'stopped', 'state stopped')
    expect(ps(child.pid, 'stat')).toMatch(/^T/)

    monitor.sendSignal(child.pid, 'SIGCONT', guard)
    await waitForRow(monitor, (r) => r.pid === child.pid && r.state === 'sleeping', 'state sleeping again')
    expect(ps(child.pid, 'stat')).toMatch(/^S/)

    const exited = once(child, 'exit')
    monitor.sendSignal(child.pid, 'SIGTERM', guard)
    expect(await exited).toEqual([null, 'SIGTERM'])
    expect((await monitor.list(new Set())).some((r) => r.pid === child.pid)).toBe(false)
  })

  it('refuses pid 1, process groups, non-pids, itself and protected pids, and leaves them alone', async () => {
    const child = idle()
    const monitor = createMonitor()
    expectMonitorError(() => monitor.sendSignal(1, 'SIGKILL', guard), 'refused', /pid 1/)
    expectMonitorError(() => monitor.sendSignal(0, 'SIGTERM', guard), 'refused', /process group/)
    expectMonitorError(() => monitor.sendSignal(-1, 'SIGKILL', guard), 'refused', /process group/)
    expectMonitorError(() => monitor.sendSignal(1.5, 'SIGTERM', guard), 'refused', /not a process id/)
    expectMonitorError(() => monitor.sendSignal(Number.NaN, 'SIGTERM', guard), 'refused', /not a process id/)
    expectMonitorError(() => monitor.sendSignal(process.pid, 'SIGSTOP', guard), 'refused', /ProcLab itself/)
    expectMonitorError(() => monitor.sendSignal(child.pid, 'SIGKILL', { protectedPids: new Set([child.pid]) }), 'refused', /ProcLab itself/)
    expectMonitorError(() => monitor.sendSignal(child.pid, 'SIGNOPE' as 'SIGTERM', guard), 'refused', /unknown signal/)
    await sleep(100)
    expect(child.exitCode).toBeNull()
    expect(child.signalCode).toBeNull()
  })

  // Right after 'exit' Node may still hold its handle to the process (Windows keeps the pid then): ended is not-found too.
  it('says not-found for a pid that no longer exists', async () => {
    const done = start(process.execPath, ['-e', '0'])
    await once(done, 'exit') // reaped: the pid is free now
    const monitor = createMonitor()
    expectMonitorError(() => monitor.sendSignal(done.pid, 'SIGTERM', guard), 'not-found', new RegExp(`^no process ${done.pid}$`))
    expectMonitorError(() => monitor.sendSignal(2 ** 31 - 1, 'SIGTERM', guard), 'not-found', /no process/)
  })

  it("refuses another user's process in plain words", linuxOnly('runs a child as the user nobody, or finds a process of root'), async () => {
    if (process.getuid?.() === 0) {
      // As root we may signal anything, so let an unprivileged child (uid nobody) try it on our sleep.
      const target = start('sleep', ['30'])
      const signals = fileURLToPath(new URL('../../src-main/monitor/signals.ts', import.meta.url))
      const script = `const { sendSignal } = await import(${JSON.stringify(signals)})
        try { sendSignal(${target.pid}, 'SIGTERM', { protectedPids: new Set() }); console.log('sent') }
        catch (e) { console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message })) }`
      const repo = fileURLToPath(new URL('../..', import.meta.url))
      const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repo, uid: 65534, gid: 65534, encoding: 'utf8' })
      expect(JSON.parse(out)).toEqual({ name: 'MonitorError', code: 'refused', message: `not allowed to signal pid ${target.pid} (owned by another user)` })
      expect(target.exitCode).toBeNull()
      expect(target.signalCode).toBeNull()
      return
    }
    const monitor = createMonitor()
    const rootOwned = (await monitor.list(new Set())).find((r) => r.user === 'root' && r.pid > 1 && r.state !== 'zombie')
    if (!rootOwned) return
    // SIGCONT: harmless if it were ever allowed.
    expectMonitorError(() => monitor.sendSignal(rootOwned.pid, 'SIGCONT', guard), 'refused', new RegExp(`not allowed to signal pid ${rootOwned.pid} \\(owned by another user\\)`))
  })

  it("applies Windows' rules: SIGTERM/SIGKILL end the process, the others are refused", async () => {
    const child = idle()
    const windows = createMonitor({ platform: win32, sampler: { kind: 'none', sample: async () => [] } })
    for (const signal of ['SIGSTOP', 'SIGCONT', 'SIGHUP', 'SIGINT'] as const) {
      expectMonitorError(() => windows.sendSignal(child.pid, signal, guard), 'refused', /does not exist on Windows/)
    }
    expect(child.exitCode).toBeNull()
    const exited = once(child, 'exit')
    windows.sendSignal(child.pid, 'SIGTERM', guard)
    // On Windows the pid is ended with TerminateProcess and the code that names SIGTERM (Node sees only
    // the code); elsewhere win32's module cannot load kernel32 and falls back to Node's kill.
    expect(await exited).toEqual(onWindows ? [terminationCode('SIGTERM'), null] : [null, 'SIGTERM'])
  })
})
