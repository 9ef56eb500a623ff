// Which processes are Electron's own, so that Kill in the System tab refuses them: the window's
// renderer, the GPU and utility processes (the network service among them), and on Linux the
// zygotes that fork them. They come and go (a renderer is replaced after a crash or a reload), so
// the set is made again at every signal. No electron import here: index.ts passes
// app.getAppMetrics() in.
import { platform } from '../platform'

/** The part of Electron's ProcessMetric that matters here. */
export interface ListedProcess {
  pid: number
  type: string
}

/** What the OS says about the processes below the host (Linux: /proc). */
export interface ProcessTable {
  parents: ReadonlyMap<number, number>
  /** Whether Chromium started this process as one of its own: `--type=…` on its command line. */
  isChromiumChild(pid: number): boolean
}

/** Longest chain of unlisted processes between a listed one and the host that is still ours. */
const MAX_CHAIN = 8

/**
 * The pids of Electron's listed processes and, given the process table, every process between a
 * listed one and the host (`hostPid`), and every process Chromium started below the host (a
 * command line with `--type=`, reached through such processes only, so a lab process — which has
 * none — and everything below it stays the user's). Linux's zygotes are not listed by Electron, and
 * ending one leaves the app unable to open or restore a window. A chain that does not reach the
 * host is not followed: those ancestors are not ours.
 */
export function electronOwnPids(listed: readonly ListedProcess[], hostPid: number, table?: ProcessTable): Set<number> {
  const own = new Set<number>()
  for (const { pid } of listed) {
    if (!Number.isSafeInteger(pid) || pid <= 1) continue
    own.add(pid)
    if (table) for (const between of chainToHost(pid, hostPid, table.parents)) own.add(between)
  }
  if (table) for (const pid of chromiumTree(hostPid, table)) own.add(pid)
  return own
}

/** The processes strictly between `pid` and its ancestor `hostPid`, or none when the host is not an ancestor. */
function chainToHost(pid: number, hostPid: number, parents: ReadonlyMap<number, number>): number[] {
  const chain: number[] = []
  for (let parent = parents.get(pid); parent !== undefined; parent = parents.get(parent)) {
    if (parent === hostPid) return chain
    if (parent <= 1 || chain.length === MAX_CHAIN || chain.includes(parent) || parent === pid) return []
    chain.push(parent)
  }
  return []
}

/** Chromium's processes below the host: its children with a `--type=`, theirs, and so on. */
function chromiumTree(hostPid: number, table: ProcessTable): number[] {
  const children = new Map<number, number[]>()
  for (const [pid, ppid] of table.parents) {
    if (pid === ppid) continue
    const list = children.get(ppid)
    if (list) list.push(pid)
    else children.set(ppid, [pid])
  }
  const found = new Set<number>()
  const queue = [hostPid]
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (found.has(child) || child === hostPid || !table.isChromiumChild(child)) continue
      found.add(child)
      queue.push(child)
    }
  }
  return [...found]
}

/**
 * The table as the OS gives it now, where it can tell a process's arguments cheaply (Linux: /proc);
 * undefined elsewhere, where only Electron's own list is protected.
 */
export function osProcessTable(): ProcessTable | undefined {
  const commandLine = platform.processes.commandLine
  if (!commandLine) return undefined
  return {
    parents: platform.processes.parentReader(() => null)(),
    isChromiumChild: (pid) => commandLine(pid)?.some((arg) => arg.startsWith('--type=')) ?? false,
  }
}
