// A simulated procfs for tests and benchmarks: thousands of made-up processes in a temp folder, in
// the shape the Linux sampler reads (stat, status, cmdline per pid; stat, meminfo, loadavg and
// uptime at the top; self/status says who looks). Point PROCLAB_PROC_ROOT at it and the monitor
// shows them; it then refuses every signal, since none of these pids is real.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseStatusUid } from '../../src-main/platform/linux/proc-stat'

export interface FakeProcOptions {
  /** Processes, pid 1 included. */
  count: number
  /** Children per parent: the tree is a heap (pid n's parent is n / fanout), so depth is log_fanout(count). */
  fanout?: number
  /** Folder to fill; default a new one under the OS temp folder. */
  dir?: string
  /** Processes after `count`, each the child of the one before and the first of pid 1: one branch this deep (as a lab sits a dozen levels under init). */
  deepChain?: number
  /**
   * The uid the machine is looked at as (its self/status, as /proc/self is the reader's) and that owns
   * the processes root does not. Default: this process's. A test gives another than 0 to see what
   * a user who is not root sees, whoever runs it.
   */
  viewerUid?: number
}

/** This process's uid, or a typical first user's where there are no uids. */
function ownUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : 1000
}

const NAMES = ['bash', 'node', 'python3', 'postgres', 'nginx', 'sshd', 'chromium', 'java', 'sleep', 'make', 'cc1', 'rustc', 'go', 'redis-server', 'containerd-shim-runc-v2']
const STATES = ['S', 'S', 'S', 'S', 'S', 'S', 'R', 'I', 'D', 'T', 'Z']

/** Real top-level files where this machine has them (so the header shows sane figures), else made up. */
function topLevelFile(name: string, fallback: string): string {
  try {
    return readFileSync(`/proc/${name}`, 'utf8')
  } catch {
    return fallback
  }
}

function statLine(pid: number, ppid: number, comm: string, state: string, threads: number): string {
  const utime = (pid * 37) % 5000
  const stime = (pid * 11) % 900
  const starttime = 1000 + pid * 3
  const rss = 200 + ((pid * 97) % 40_000)
  // Fields 1–52 of proc(5); only those the sampler reads vary.
  const fields = [pid, `(${comm})`, state, ppid, pid, pid, 0, -1, 4194304, 100, 0, 0, 0, utime, stime, 0, 0, 20, pid % 7 === 0 ? 5 : 0, threads, 0, starttime, 10_000_000, rss]
  while (fields.length < 52) fields.push(0)
  return `${fields.join(' ')}\n`
}

/** Writes the tree and returns its folder; `removeFakeProc` deletes it. */
export function writeFakeProc(options: FakeProcOptions): string {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'proclab-fake-proc-'))
  const fanout = Math.max(2, options.fanout ?? 8)
  writeFileSync(join(dir, 'stat'), topLevelFile('stat', 'cpu  100 0 100 1000 0 0 0 0 0 0\ncpu0 100 0 100 1000 0 0 0 0 0 0\nbtime 1700000000\n'))
  writeFileSync(join(dir, 'meminfo'), topLevelFile('meminfo', 'MemTotal: 8000000 kB\nMemFree: 4000000 kB\nMemAvailable: 5000000 kB\nSwapTotal: 0 kB\nSwapFree: 0 kB\n'))
  writeFileSync(join(dir, 'loadavg'), `0.50 0.40 0.30 2/${options.count} ${options.count}\n`)
  writeFileSync(join(dir, 'uptime'), topLevelFile('uptime', '100000.00 150000.00\n'))
  const viewer = options.viewerUid ?? ownUid()
  mkdirSync(join(dir, 'self'))
  writeFileSync(join(dir, 'self', 'status'), `Name:\tproclab\nUid:\t${viewer}\t${viewer}\t${viewer}\t${viewer}\n`)
  for (let pid = 1; pid <= options.count; pid++) writeFakeProcess(dir, pid, pid === 1 ? 0 : Math.max(1, Math.floor(pid / fanout)), viewer)
  for (let i = 1; i <= (options.deepChain ?? 0); i++) writeFakeProcess(dir, options.count + i, i === 1 ? 1 : options.count + i - 1, viewer)
  return dir
}

function writeFakeProcess(dir: string, pid: number, ppid: number, viewerUid: number): void {
  const name = pid === 1 ? 'init' : NAMES[pid % NAMES.length]!
  const state = pid === 1 ? 'S' : STATES[pid % STATES.length]!
  const threads = 1 + (pid % 5)
  // pid 1 is root's, as init is; so is every third process, as on a real machine.
  const uid = pid === 1 || pid % 3 === 0 ? 0 : viewerUid
  const procDir = join(dir, String(pid))
  mkdirSync(procDir)
  writeFileSync(join(procDir, 'stat'), statLine(pid, ppid, name, state, threads))
  writeFileSync(join(procDir, 'status'), `Name:\t${name}\nState:\t${state}\nPid:\t${pid}\nPPid:\t${ppid}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nThreads:\t${threads}\n`)
  // Zombies have no argv; the rest a plausible one, NUL-separated as the kernel writes it.
  writeFileSync(join(procDir, 'cmdline'), state === 'Z' ? '' : `/usr/bin/${name}\0--worker\0${pid}\0`)
}

/** A process that starts on the simulated /proc in `dir`: pid `pid`, child of `ppid`, the viewer's own unless its pid is a multiple of 3. */
export function addFakeProcess(dir: string, pid: number, ppid: number): void {
  writeFakeProcess(dir, pid, ppid, parseStatusUid(readFileSync(join(dir, 'self', 'status'), 'utf8')) ?? ownUid())
}

export interface FakeChurn {
  /** Processes that use some CPU (their utime grows). */
  busy: number
  /** Processes that end (their folder goes), and as many new ones that start. */
  replaced: number
  /** The `count` and `fanout` the tree was written with. */
  count: number
  fanout?: number
}

/**
 * One interval of a live machine on a simulated /proc: some processes use CPU, some end, new ones
 * start. Only leaves end (pids above count / fanout, which are nobody's parent) and new processes
 * are children of the others, so the tree never has orphans. Returns the new processes' pids.
 */
export function churnFakeProc(dir: string, churn: FakeChurn, random: () => number = Math.random): number[] {
  const viewer = parseStatusUid(readFileSync(join(dir, 'self', 'status'), 'utf8')) ?? ownUid()
  const fanout = Math.max(2, churn.fanout ?? 8)
  const parents = Math.max(1, Math.floor(churn.count / fanout))
  const pids = readdirSync(dir)
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
  const pick = (list: number[]) => list[Math.floor(random() * list.length)]!
  for (let i = 0; i < churn.busy; i++) {
    const file = join(dir, String(pick(pids)), 'stat')
    const text = readFileSync(file, 'utf8')
    const close = text.lastIndexOf(')')
    const fields = text.slice(close + 2).split(' ')
    fields[14 - 3] = String(Number(fields[14 - 3]) + 1 + Math.floor(random() * 50))
    writeFileSync(file, `${text.slice(0, close + 2)}${fields.join(' ')}`)
  }
  const leaves = pids.filter((pid) => pid > parents)
  let next = Math.max(...pids) + 1
  const started: number[] = []
  for (let i = 0; i < churn.replaced && leaves.length > 0; i++) {
    const gone = leaves.splice(Math.floor(random() * leaves.length), 1)[0]!
    rmSync(join(dir, String(gone)), { recursive: true, force: true })
    writeFakeProcess(dir, next, 1 + Math.floor(random() * parents), viewer)
    started.push(next++)
  }
  return started
}

export function removeFakeProc(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
