// How `proclab run` shows a run: each output line prefixed with its process, lifecycle lines
// dimmed, and a table of the processes at the end.
import type { Writable } from 'node:stream'
import { runEndStopped, type EventOf, type LabEvent } from '../../src-shared/events'

interface Row {
  name: string
  pid: number
  startedAt: number
  exitCode: number | null | undefined
  endedAt: number | null
}

export class RunPrinter {
  private readonly rows = new Map<string, Row>()
  private readonly color: boolean

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly err: Writable,
    private readonly options: { quiet: boolean },
  ) {
    this.color = Boolean(out.isTTY) && !process.env.NO_COLOR
  }

  print(event: LabEvent): void {
    switch (event.kind) {
      case 'process.start':
        this.rows.set(event.lid, { name: event.name, pid: event.pid, startedAt: event.t, exitCode: undefined, endedAt: null })
        return this.status(`▶ ${event.name} (pid ${event.pid}) started${event.parentLid ? ` by pid ${event.ppid}` : ''}${event.daemon ? ', daemon' : ''}`)
      case 'process.exit': {
        const row = this.rows.get(event.lid)
        if (row) Object.assign(row, { exitCode: event.exitCode, endedAt: event.t })
        return this.status(`■ ${row?.name ?? event.lid} (pid ${event.pid}) exited with ${describeExit(event)}`)
      }
      case 'stdout':
      case 'stderr': {
        const name = this.rows.get(event.lid)?.name ?? event.lid
        const stream = event.kind === 'stderr' ? this.err : this.out
        stream.write(`${this.dim(`${name} │`)} ${event.line}\n`)
        return
      }
      case 'os.start':
        this.rows.set(event.lid, { name: event.command.split(' ')[0] || event.lid, pid: event.pid, startedAt: event.t, exitCode: undefined, endedAt: null })
        return this.status(`▶ ${event.command} (pid ${event.pid}) started unreaped by pid ${event.ppid}`)
      case 'os.exit': {
        const row = this.rows.get(event.lid)
        if (row) Object.assign(row, { exitCode: event.exitCode, endedAt: event.t })
        const how = event.reapedBy === 'parent' ? `reaped by its parent, exit code ${String(event.exitCode)}` : 'gone: its parent ended without reaping it'
        return this.status(`■ ${row?.name ?? event.lid} (pid ${event.pid}) ${how}`)
      }
      case 'process.zombie':
        return this.status(`☠ ${this.rows.get(event.lid)?.name ?? event.lid} (pid ${event.pid}) is a zombie (Z): exited, not yet reaped by pid ${event.ppid}`)
      case 'process.reparent': {
        const adopter = event.newParentName === null ? `pid ${event.newPpid}` : `pid ${event.newPpid} (${event.newParentName})`
        return this.status(`↳ ${this.rows.get(event.lid)?.name ?? event.lid} (pid ${event.pid}) orphaned: parent pid ${event.oldPpid} ended, new parent ${adopter}`)
      }
      case 'lab.error':
        this.err.write(`${this.paint('31', 'lab error:')} ${event.message}\n`)
        return
      default:
        return
    }
  }

  summary(end: EventOf<'run.end'>): void {
    const rows = [...this.rows.values()]
    const width = Math.max(4, ...rows.map((row) => row.name.length))
    const lines = [`${'name'.padEnd(width)}  ${'pid'.padStart(7)}  ${'exit'.padStart(5)}  ${'time'.padStart(8)}`]
    for (const row of rows) {
      const seconds = row.endedAt === null ? '' : `${((row.endedAt - row.startedAt) / 1e6).toFixed(2)} s`
      lines.push(`${row.name.padEnd(width)}  ${String(row.pid).padStart(7)}  ${String(row.exitCode ?? '?').padStart(5)}  ${seconds.padStart(8)}`)
    }
    const verdict = runEndStopped(end) ? this.paint('33', 'run stopped') : end.ok ? this.paint('32', 'run ok') : this.paint('31', `run failed: ${end.error ?? 'unknown error'}`)
    this.out.write(`\n${lines.join('\n')}\n${verdict} in ${(end.durationUs / 1e6).toFixed(2)} s\n`)
  }

  private status(text: string): void {
    if (!this.options.quiet) this.out.write(`${this.dim(text)}\n`)
  }

  private dim(text: string): string {
    return this.paint('2', text)
  }

  private paint(code: string, text: string): string {
    return this.color ? `\u001b[${code}m${text}\u001b[0m` : text
  }
}

function describeExit(event: EventOf<'process.exit'>): string {
  if (event.exitCode === null) return 'an unknown status (its parent was gone)'
  return event.signal ? `${event.exitCode} (${event.signal})` : String(event.exitCode)
}
