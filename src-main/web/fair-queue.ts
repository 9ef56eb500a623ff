// Requests of every connection take turns: each round starts at most one request per connection,
// and a connection has only a few at work at once. So a connection sending thousands a second
// delays another's request by about one request's work, never by its backlog. Past a short queue,
// a connection's requests are shed (the caller answers them 'busy' at once, doing no work); a
// connection that keeps sending into a full queue stops being read until its queue has room, so
// its flood waits in its own socket instead of costing the server even the shedding; and one that
// does not read its answers gets no new work until it does (memory stays bounded). A request
// that can share its answer (an identical read, see shared-reads.ts) takes along, when it starts,
// every queued request asking the same: one computation answers them all.

export interface FairQueueLimits {
  /** Requests of one connection at work at once (started, not yet answered). */
  workPerClient: number
  /** Waits of one connection (process.join) held at once: they hold a promise, not work. */
  waitsPerClient: number
  /** Requests of one connection waiting for their turn; one more is shed. */
  queuedPerClient: number
  /** The same bound in bytes of the messages waiting (one message is always let in). */
  queuedBytesPerClient: number
  /** Requests shed in a row before the connection stops being read until its queue has room. */
  shedBeforePause: number
}

export interface QueuedJob {
  /** Size of the message, for queuedBytesPerClient. */
  bytes: number
  /** A wait (process.join): takes a wait slot, not a work slot. */
  waits: boolean
  /** Requests with the same key, started together, share one answer (see SharedReads); null: none. */
  shareKey: string | null
  /** Does the work and answers; never rejects. */
  run(): Promise<void>
}

/** The connection as the queue sees it: its reading, stopped and restarted, and its writing. */
export interface LaneSocket {
  pause(): void
  resume(): void
  /**
   * True while the connection has more answers unsent than it should: it gets no new work until it
   * reads them (the caller calls wake() when that changes), so a client that does not read its
   * answers cannot make the server compute more of them.
   */
  behindOnOutput(): boolean
}

/** One connection's place in the queue. */
export interface Lane {
  readonly queued: number
}

class LaneState implements Lane {
  jobs: QueuedJob[] = []
  queuedBytes = 0
  queuedWaits = 0
  working = 0
  waiting = 0
  shedInARow = 0
  paused = false
  closed = false

  constructor(readonly socket: LaneSocket) {}

  get queued(): number {
    return this.jobs.length
  }
}

export class FairQueue {
  private readonly lanes = new Set<LaneState>()
  private roundDue = false

  constructor(private readonly limits: FairQueueLimits) {}

  open(socket: LaneSocket): Lane {
    const lane = new LaneState(socket)
    this.lanes.add(lane)
    return lane
  }

  /** The connection is gone: what it queued is dropped (nobody is left to answer). */
  close(handle: Lane): void {
    const lane = handle as LaneState
    lane.closed = true
    lane.jobs = []
    lane.queuedBytes = lane.queuedWaits = 0
    this.lanes.delete(lane)
  }

  /** Queues the job for its turn; false when it is shed (the caller answers it 'busy' at once). */
  submit(handle: Lane, job: QueuedJob): boolean {
    const lane = handle as LaneState
    if (lane.closed || !this.hasRoom(lane, job)) {
      // Only a lane with work queued is paused: starting that work is what resumes it.
      if (++lane.shedInARow >= this.limits.shedBeforePause && lane.queued > 0 && !lane.paused && !lane.closed) {
        lane.paused = true
        lane.socket.pause()
      }
      return false
    }
    lane.shedInARow = 0
    lane.jobs.push(job)
    lane.queuedBytes += job.bytes
    if (job.waits) lane.queuedWaits++
    this.scheduleRound()
    return true
  }

  private hasRoom(lane: LaneState, job: QueuedJob): boolean {
    if (job.waits && lane.waiting + lane.queuedWaits >= this.limits.waitsPerClient) return false
    if (lane.queued >= this.limits.queuedPerClient) return false
    return lane.queued === 0 || lane.queuedBytes + job.bytes <= this.limits.queuedBytesPerClient
  }

  private scheduleRound(): void {
    if (this.roundDue) return
    this.roundDue = true
    // A macrotask, so the sockets of every connection are read between two rounds.
    setImmediate(() => this.round())
  }

  /** Starts the next request of every connection that has one and a free slot. */
  private round(): void {
    this.roundDue = false
    let more = false
    for (const lane of this.lanes) {
      if (this.startNext(lane)) more ||= this.canStart(lane)
    }
    if (more) this.scheduleRound()
  }

  /** The connection's output went down: its queued work may start again. */
  wake(handle: Lane): void {
    const lane = handle as LaneState
    if (!lane.closed && this.canStart(lane)) this.scheduleRound()
  }

  private canStart(lane: LaneState): boolean {
    const next = lane.jobs[0]
    if (next === undefined) return false
    // A queued wait always has its slot: submit counted it against waitsPerClient.
    return next.waits || (lane.working < this.limits.workPerClient && !lane.socket.behindOnOutput())
  }

  private startNext(lane: LaneState): boolean {
    if (!this.canStart(lane)) return false
    const job = this.take(lane, 0)
    if (job.waits) lane.waiting++
    else lane.working++
    const done = () => {
      if (job.waits) lane.waiting--
      else lane.working--
      if (!lane.closed && this.canStart(lane)) this.scheduleRound()
    }
    job.run().then(done, done)
    if (job.shareKey !== null) this.startRiders(job.shareKey)
    return true
  }

  /**
   * Starts at once every queued request, of any connection, that shares the answer just started:
   * they add no work, so they take no slot (but a connection behind on its output gets no more
   * answers to hold). Run in the same task as the first, they find its computation in flight.
   */
  private startRiders(key: string): void {
    for (const lane of this.lanes) {
      if (lane.socket.behindOnOutput()) continue
      for (let i = 0; i < lane.jobs.length; ) {
        if (lane.jobs[i]!.shareKey === key) void this.take(lane, i).run()
        else i++
      }
    }
  }

  /** Takes a job out of the queue; a paused connection is read again once its queue is half empty. */
  private take(lane: LaneState, index: number): QueuedJob {
    const job = lane.jobs.splice(index, 1)[0]!
    lane.queuedBytes -= job.bytes
    if (job.waits) lane.queuedWaits--
    if (lane.paused && lane.queued <= this.limits.queuedPerClient / 2) {
      lane.paused = false
      lane.shedInARow = 0
      lane.socket.resume()
    }
    return job
  }
}
