// What the OS says of a run's processes while they live, that nobody reports: a process that has
// exited and waits to be reaped (a zombie, state Z), and a process whose parent ended so that the
// OS gave it another (an orphan's new ppid). Read a few times a second from each process's own
// entry (Linux: /proc/<pid>/stat, a few µs each); where the OS cannot say cheaply, nothing is watched.
import { basename } from 'node:path'
import type { EventBody } from '../../../src-shared/events'
import { platform } from '../../platform'
import { osProcess } from './os-process'

/** A process of the run as the supervisor knows it. */
export interface WatchedProcess {
  lid: string
  pid: number
  /** The parent pid it was started with. */
  ppid: number
  /** Linux: its start time, which tells it from a later process given the same pid. */
  startTime: number | null
  /**
   * Its lab parent is still listed as alive: a new ppid then waits for the parent's exit to be
   * reported (by the grandparent, a moment later), so the log says why the orphan was adopted
   * before it says who adopted it.
   */
  parentListed?: boolean
}

type WatchEvent = Extract<EventBody, { kind: 'process.zombie' | 'process.reparent' }>

/** Often enough to see a short-lived zombie or a reparenting while it matters, cheap enough to forget. */
export const WATCH_INTERVAL_MS = 200

/**
 * Looks in a row that must find a process in state Z before it is reported a zombie. A lab child
 * is a zombie for the moment between its exit and its parent's reaping it (libuv reaps at once),
 * which one look can catch on a busy machine: that is no lesson, only noise in the output.
 */
const ZOMBIE_LOOKS = 2

export class ProcessWatch {
  private timer: NodeJS.Timeout | null = null
  /** What was last seen of each process, by lid: its ppid then, and whether it was a zombie. */
  private readonly seen = new Map<string, { ppid: number; zombieLooks: number }>()

  constructor(
    private readonly list: () => WatchedProcess[],
    private readonly emit: (body: WatchEvent) => void,
    /** A watched process that the OS no longer has (reaped by someone its lab parent did not hear of). */
    private readonly gone: (lid: string) => void,
  ) {}

  start(): void {
    // Nothing to see where the OS neither reparents nor keeps zombies (Windows), or cannot say cheaply (macOS).
    if (this.timer || !platform.lab.identify || !platform.lab.reparentsOrphans) return
    this.timer = setInterval(() => this.check(), WATCH_INTERVAL_MS)
    this.timer.unref()
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.seen.clear()
  }

  /** One look at every watched process; also called when a process ends, when orphans appear. */
  check(): void {
    if (!this.timer) return
    const listed = new Set<string>()
    for (const watched of this.list()) {
      listed.add(watched.lid)
      const os = osProcess(watched.pid)
      if (!os || (watched.startTime !== null && os.startTime !== watched.startTime)) {
        this.gone(watched.lid)
        continue
      }
      const before = this.seen.get(watched.lid) ?? { ppid: watched.ppid, zombieLooks: 0 }
      const zombieLooks = os.state === 'Z' ? before.zombieLooks + 1 : 0
      const reparented = os.ppid !== before.ppid && os.ppid > 0
      if (reparented && !watched.parentListed) {
        this.emit({ kind: 'process.reparent', lid: watched.lid, pid: watched.pid, oldPpid: before.ppid, newPpid: os.ppid, newParentName: programOf(os.ppid) })
      }
      if (zombieLooks === ZOMBIE_LOOKS) this.emit({ kind: 'process.zombie', lid: watched.lid, pid: watched.pid, ppid: os.ppid })
      // A new parent not reported yet is looked at again next time.
      this.seen.set(watched.lid, { ppid: reparented && watched.parentListed ? before.ppid : os.ppid, zombieLooks })
    }
    for (const lid of this.seen.keys()) if (!listed.has(lid)) this.seen.delete(lid)
  }
}

/** The program a process runs (its argv[0]'s last part), or null if it cannot be read. */
function programOf(pid: number): string | null {
  const argv = platform.processes.commandLine?.(pid)
  const program = argv?.[0]
  return program ? basename(program) : null
}
