import { availableParallelism } from 'node:os'
import { stateFromLetter, stateFromWord } from '../state'
import type { ProcessSampler, RawProcess } from '../types'

/** The fields of systeminformation's ProcessesProcessData that we read. */
interface SiProcess {
  pid: number
  parentPid: number
  name: string
  cpu: number
  memRss: number
  started: string
  state: string
  user: string
  command: string
  params: string
  path: string
  nice?: number
}

/** How systeminformation's answer reads on one OS: it passes on what each OS's tools say. */
export interface SiShape {
  /** Its cpu is ps' %CPU (100 = one core), as on macOS; else a share of the whole machine (100 = every core), as on Windows. */
  cpuPerCore: boolean
  /** Its `command` is the whole command line (Windows); else argv[0]'s basename, with the directory in `path` and the arguments in `params`. */
  wholeCommand: boolean
  /** Whether its nice is a nice value (Windows' priority classes are not). */
  nice: boolean
}

/**
 * The other Unixes, and macOS and Windows where their native calls cannot be made: systeminformation,
 * which shells out to ps / PowerShell. It costs ~1 s per call at 1,000 processes, which is why the
 * three desktops have their own.
 */
export class SystemInformationSampler implements ProcessSampler {
  static readonly KIND = 'systeminformation'
  readonly kind = SystemInformationSampler.KIND

  constructor(
    private readonly shape: SiShape,
    private readonly cores: number = availableParallelism(),
    /** pid → ps' state letter, read alongside (macOS: systeminformation turns I and U into unknown). */
    private readonly stateLetters: (() => Map<number, string>) | null = null,
  ) {}

  async sample(): Promise<RawProcess[]> {
    // Loaded on first use: Linux never needs it, and it is large.
    const si = await import('systeminformation')
    const data = await si.processes()
    const letters = this.readLetters()
    return data.list.map((p) => {
      const row = fromSystemInformation(p, this.shape, this.cores)
      const letter = letters?.get(p.pid)
      return letter ? { ...row, state: stateFromLetter(letter) } : row
    })
  }

  private readLetters(): Map<number, string> | null {
    try {
      return this.stateLetters?.() ?? null
    } catch {
      return null // no ps: systeminformation's words stand
    }
  }
}

export function fromSystemInformation(p: SiProcess, shape: SiShape, cores: number): RawProcess {
  // The contract wants one core = 100.
  const perCore = shape.cpuPerCore ? 1 : cores
  return {
    pid: p.pid,
    ppid: p.parentPid,
    name: p.name,
    command: joinCommand(p, shape),
    user: p.user,
    state: stateFromWord(p.state),
    cpuTimeMs: null,
    cpuPercentHint: Number.isFinite(p.cpu) ? p.cpu * perCore : null,
    rss: Math.max(0, Math.round((p.memRss || 0) * 1024)), // si reports KiB
    startedAt: parseStarted(p.started),
    // systeminformation has no per-process thread count.
    threads: null,
    nice: shape.nice && Number.isFinite(p.nice) ? p.nice! : null,
  }
}

function joinCommand(p: SiProcess, shape: SiShape): string {
  if (shape.wholeCommand) return p.command || p.name
  const head = p.path && !p.command.startsWith('/') ? `${p.path}/${p.command}` : p.command
  return [head || p.name, p.params].filter((part) => part).join(' ')
}

/** si gives "YYYY-MM-DD HH:mm:ss" in local time, or WMI's "/Date(ms)/" on some Windows versions. */
export function parseStarted(started: string | undefined): number | null {
  if (!started) return null
  const wmi = /\/Date\((\d+)\)\//.exec(started)
  if (wmi) return Number(wmi[1])
  const ms = Date.parse(started.includes('T') ? started : started.replace(' ', 'T'))
  return Number.isFinite(ms) ? ms : null
}
