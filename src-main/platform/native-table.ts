// The seam between a native process table (koffi calls into ntdll or libproc) and the
// systeminformation one: the native table is made on first use (never at load: every lab process
// loads platform/), and if it cannot be made, or a sample of it fails, the monitor goes on with
// the fallback. The reason is said once, on stderr, where the host's and the shell's logs are.
import type { ParentTable, ProcessSampler, ProcessTable, RawProcess, SampleReads, SystemReader, TimedSample } from './types'

export interface NativeOrFallback {
  /** Makes the native table; throws why it cannot (koffi missing, a library or function absent). */
  native: () => ProcessTable
  /** The table to use instead, made only when needed. */
  fallback: () => ProcessTable
  /** Where the reason for falling back goes, once (default: a line on stderr). */
  report?: (message: string) => void
}

const toStderr = (message: string) => {
  try {
    process.stderr.write(`proclab: ${message}\n`)
  } catch {
    // No terminal to tell: the table still works.
  }
}

/** A ProcessTable that is the native one while it works, and the fallback from the first failure on. */
export function nativeOrFallback({ native, fallback, report = toStderr }: NativeOrFallback): ProcessTable & { readonly fallbackReason: string | null } {
  let chosen: ProcessTable | null = null
  let nativeTable: ProcessTable | null = null
  let fallbackTable: ProcessTable | null = null
  let reason: string | null = null

  const fallBack = (why: unknown): ProcessTable => {
    fallbackTable ??= fallback()
    chosen = fallbackTable
    if (reason === null) {
      reason = why instanceof Error ? why.message : String(why)
      report(`the native process table failed (${reason}); using ${fallbackTable.samplerKind} instead`)
    }
    return chosen
  }
  const current = (): ProcessTable => {
    if (chosen) return chosen
    try {
      nativeTable = native()
      chosen = nativeTable
      return chosen
    } catch (error) {
      return fallBack(error)
    }
  }

  return {
    get fallbackReason() {
      return reason
    },
    get samplerKind() {
      return current().samplerKind
    },
    sampler: () => {
      const table = current()
      return new FallingBackSampler(table.sampler(), table === nativeTable ? fallBack : null)
    },
    parentReader: (lastSample: () => TimedSample | null) => {
      // Chosen at each read: a native reader that fails leaves the last sample's parents.
      return (): ParentTable => {
        const table = current()
        try {
          return table.parentReader(lastSample)()
        } catch (error) {
          if (table === nativeTable) return fallBack(error).parentReader(lastSample)()
          throw error
        }
      }
    },
    details: (pid, childrenFromSample) => current().details(pid, childrenFromSample),
    systemReader: (lastSample): SystemReader => current().systemReader(lastSample),
    totalMemory: () => current().totalMemory(),
    get usage() {
      return current().usage
    },
    get commandLine() {
      return current().commandLine
    },
    get waitedChildrenCpuMs() {
      return current().waitedChildrenCpuMs
    },
  }
}

/** A native sampler until its first failure, then the fallback table's sampler for good. */
class FallingBackSampler implements ProcessSampler {
  constructor(
    private inner: ProcessSampler,
    /** How to fall back, while `inner` is the native sampler; null for the fallback's own. */
    private fallBack: ((why: unknown) => ProcessTable) | null,
  ) {}

  get kind(): string {
    return this.inner.kind
  }

  get lastReads(): SampleReads | undefined {
    return this.inner.lastReads
  }

  async sample(): Promise<RawProcess[]> {
    try {
      return await this.inner.sample()
    } catch (error) {
      if (!this.fallBack) throw error
      this.inner = this.fallBack(error).sampler()
      this.fallBack = null
      return this.inner.sample()
    }
  }
}
