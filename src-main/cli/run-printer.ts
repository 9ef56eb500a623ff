// How `proclab run` shows a run: each output line prefixed with its process, lifecycle lines
// dimmed, and a table of the processes at the end. The processes are the process fold's
// (src-shared/folds/processes.ts), as in the UI: the same names, lifetimes and exit codes.
import type { Writable } from 'node:stream'
import { runEndStopped, type EventOf, type LabEvent } from '../../src-shared/events'
import { ProcessFold } from '../../src-shared/folds/processes'

export class RunPrinter {
  private readonly processes = new ProcessFold()
  /** Shared objects' names, for the deadlock lines (issue 17). */
  private readonly objects = new Map<string, string>()
  private readonly color: boolean

  constructor(
    private readonly out: Writable & { isTTY?: boolean },
    private readonly err: Writable,
    private readonly options: { quiet: boolean },
  ) {
    this.color = Boolean(out.isTTY) && !process.env.NO_COLOR
  }

  print(event: LabEvent): void {
    // Not a new run's start: the summary lists every process the printer was shown.
    if (event.kind !== 'run.start') this.processes.apply(event)
    switch (event.kind) {
      case 'process.start':
        return this.status(`▶ ${event.name} (pid ${event.pid}) started${event.parentLid ? ` by pid ${event.ppid}` : ''}${event.daemon ? ', daemon' : ''}`)
      case 'process.exit':
        return this.status(`■ ${this.nameOf(event.lid)} (pid ${event.pid}) exited with ${describeExit(event)}`)
      case 'stdout':
      case 'stderr': {
        const name = this.nameOf(event.lid)
        const stream = event.kind === 'stderr' ? this.err : this.out
        stream.write(`${this.dim(`${name} │`)} ${event.line}\n`)
        return
      }
      case 'os.start':
        return this.status(`▶ ${event.command} (pid ${event.pid}) started unreaped by pid ${event.ppid}`)
      case 'os.exit': {
        const how = event.reapedBy === 'parent' ? `reaped by its parent, exit code ${String(event.exitCode)}` : 'gone: its parent ended without reaping it'
        return this.status(`■ ${this.nameOf(event.lid)} (pid ${event.pid}) ${how}`)
      }
      case 'process.zombie':
        return this.status(`☠ ${this.nameOf(event.lid)} (pid ${event.pid}) is a zombie (Z): exited, not yet reaped by pid ${event.ppid}`)
      case 'process.reparent': {
        const adopter = event.newParentName === null ? `pid ${event.newPpid}` : `pid ${event.newPpid} (${event.newParentName})`
        return this.status(`↳ ${this.nameOf(event.lid)} (pid ${event.pid}) orphaned: parent pid ${event.oldPpid} ended, new parent ${adopter}`)
      }
      case 'lab.error':
        this.err.write(`${this.paint('31', 'lab error:')} ${event.message}\n`)
        return
      // Issue 17: deadlocks and stuck readers are said even with -q: they explain a hang.
      case 'object.create':
        this.objects.set(event.object, event.name)
        return
      case 'deadlock.found':
        return this.warn(`deadlock ${event.deadlock}: ${this.cycleText(event)}${event.stuck.length > 0 ? `; stuck behind it: ${event.stuck.map((lid) => this.nameOf(lid)).join(', ')}` : ''}`)
      case 'deadlock.cleared':
        return this.status(`deadlock ${event.deadlock} over: ${this.nameOf(event.by)} ${event.reason === 'gone' ? 'ended' : 'stopped waiting'}`)
      case 'process.stuck':
        return this.warn(`stuck: ${this.nameOf(event.lid)} (pid ${event.pid}) waits in recv() on ${this.objects.get(event.object) ?? event.object}, and only it holds the end that could send to it`)
      default:
        return
    }
  }

  summary(end: EventOf<'run.end'>): void {
    const rows = this.processes.all()
    const width = Math.max(4, ...rows.map((row) => row.name.length))
    const lines = [`${'name'.padEnd(width)}  ${'pid'.padStart(7)}  ${'exit'.padStart(5)}  ${'time'.padStart(8)}`]
    for (const row of rows) {
      const seconds = row.exitT === null ? '' : `${((row.exitT - row.startT) / 1e6).toFixed(2)} s`
      lines.push(`${row.name.padEnd(width)}  ${String(row.pid).padStart(7)}  ${String(row.exitCode ?? '?').padStart(5)}  ${seconds.padStart(8)}`)
    }
    const verdict = runEndStopped(end) ? this.paint('33', 'run stopped') : end.ok ? this.paint('32', 'run ok') : this.paint('31', `run failed: ${end.error ?? 'unknown error'}`)
    this.out.write(`\n${lines.join('\n')}\n${verdict} in ${(end.durationUs / 1e6).toFixed(2)} s\n`)
  }

  /** "a waits for L1, held by b; b waits for L2, held by a". */
  private cycleText(event: EventOf<'deadlock.found'>): string {
    return event.cycle
      .map((link, i) => `${this.nameOf(link.lid)} waits for ${this.objects.get(link.waitsFor) ?? link.waitsFor}, held by ${this.nameOf(event.cycle[(i + 1) % event.cycle.length]!.lid)}`)
      .join('; ')
  }

  private warn(text: string): void {
    this.out.write(`${this.paint('33', '⚠')} ${text}\n`)
  }

  private nameOf(lid: string): string {
    return this.processes.get(lid)?.name ?? lid
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
