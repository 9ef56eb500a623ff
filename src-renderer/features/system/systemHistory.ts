// CPU and memory of every process over the last samples, for the details' sparklines. Only the
// selected process's lines are ever drawn, but any process may be selected next, so each one's
// history is kept: as the points where its values changed, which costs nothing per sample for the
// many processes whose figures sit still (a sleeping process reads 0 % sample after sample).
import type { SystemProcess } from '../../../src-shared/contract'

export interface ProcessHistory {
  cpu: number[]
  mem: number[]
}

interface Line {
  /** A reused pid is another process: its line starts afresh. */
  startedAt: number | null
  /** Sample number of the first point. */
  first: number
  /** Sample numbers where the values changed, with the values from then on. */
  at: number[]
  cpu: number[]
  mem: number[]
}

export class ProcessHistories {
  /** Number of the latest sample recorded. */
  private sample = 0
  private readonly lines = new Map<number, Line>()

  constructor(private readonly length: number) {}

  /** A new sample: `touched` are the processes whose row changed (or appeared), `gone` those that ended. */
  record(touched: Iterable<SystemProcess>, gone: Iterable<number>): void {
    const sample = ++this.sample
    for (const pid of gone) this.lines.delete(pid)
    for (const p of touched) {
      let line = this.lines.get(p.pid)
      if (!line || line.startedAt !== p.startedAt) {
        line = { startedAt: p.startedAt, first: sample, at: [], cpu: [], mem: [] }
        this.lines.set(p.pid, line)
      }
      const last = line.at.length - 1
      if (last >= 0 && line.cpu[last] === p.cpu && line.mem[last] === p.memPercent) continue
      line.at.push(sample)
      line.cpu.push(p.cpu)
      line.mem.push(p.memPercent)
      this.trim(line)
    }
  }

  /** The process's values sample by sample, oldest first, at most `length` of them; null if unknown. */
  of(p: SystemProcess): ProcessHistory | null {
    const line = this.lines.get(p.pid)
    if (!line || line.startedAt !== p.startedAt || line.at.length === 0) return null
    const from = Math.max(line.first, this.sample - this.length + 1)
    const cpu: number[] = []
    const mem: number[] = []
    let point = 0
    for (let s = from; s <= this.sample; s++) {
      while (point + 1 < line.at.length && line.at[point + 1]! <= s) point++
      cpu.push(line.cpu[point]!)
      mem.push(line.mem[point]!)
    }
    return { cpu, mem }
  }

  /** Drops points before the window, keeping the one that holds at its start. */
  private trim(line: Line): void {
    const windowStart = this.sample - this.length + 1
    let drop = 0
    while (drop + 1 < line.at.length && line.at[drop + 1]! <= windowStart) drop++
    if (drop === 0) return
    line.at.splice(0, drop)
    line.cpu.splice(0, drop)
    line.mem.splice(0, drop)
  }
}
