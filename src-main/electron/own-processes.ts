// Which processes are Electron's own, so that Kill in the System tab refuses them: the window's
// renderer, the GPU and utility processes (the network service among them). They come and go (a
// renderer is replaced after a crash or a reload), so the set is made again at every signal from
// what Electron lists then. No electron import here: index.ts passes app.getAppMetrics() in.

/** The part of Electron's ProcessMetric that matters here. */
export interface ListedProcess {
  pid: number
  type: string
}

/** Longest chain of unlisted processes between a listed one and the host that is still ours. */
const MAX_CHAIN = 8

/**
 * The pids of Electron's listed processes and, given who is whose parent, every process between a
 * listed one and the host (`hostPid`): on Linux the zygotes that fork renderers and GPU processes
 * are not listed, and ending one leaves the app unable to open or restore a window. A chain that
 * does not reach the host is not followed: those ancestors are not ours.
 */
export function electronOwnPids(listed: readonly ListedProcess[], hostPid: number, parents?: ReadonlyMap<number, number>): Set<number> {
  const own = new Set<number>()
  for (const { pid } of listed) {
    if (!Number.isSafeInteger(pid) || pid <= 1) continue
    own.add(pid)
    if (parents) for (const between of chainToHost(pid, hostPid, parents)) own.add(between)
  }
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
