// The plain OS processes lab code started with spawnUnreaped, as their lab parents reported them:
// not lab processes (they never connect to the broker), but rows of the run's tree all the same.

export interface OsChild {
  /** Unique for the host's lifetime, as a lab process's lid: `<parent lid>.os<n>`. */
  lid: string
  pid: number
  runId: string
  parentLid: string
  /** The parent's pid when it was reported. */
  ppid: number
  /** Linux: the start time of `pid`, which tells it from a later process given the same pid. */
  startTime: number | null
}

export class OsChildren {
  private readonly byLid = new Map<string, OsChild>()
  private counter = 0

  add(init: Omit<OsChild, 'lid'>): OsChild {
    const child: OsChild = { lid: `${init.parentLid}.os${++this.counter}`, ...init }
    this.byLid.set(child.lid, child)
    return child
  }

  /** The child `pid` of the lab process `parentLid`, if it reported one and it is not gone yet. */
  find(parentLid: string, pid: number): OsChild | undefined {
    for (const child of this.byLid.values()) if (child.parentLid === parentLid && child.pid === pid) return child
    return undefined
  }

  remove(child: OsChild): void {
    this.byLid.delete(child.lid)
  }

  ofRun(runId: string): OsChild[] {
    return [...this.byLid.values()].filter((child) => child.runId === runId)
  }
}
